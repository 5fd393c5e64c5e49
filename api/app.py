"""The application factory: ``create_app(settings)`` builds everything; importing
this module builds nothing.

Routers are discovered: every module of ``api.routers`` with a ``router`` is
served under ``/api/v1``, every module of ``api.web.pages`` with a ``router`` is
served at the root (see ``api/web/__init__.py``).
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import APIRouter, FastAPI

from domain.ledger import Ledger

from api.auth import TokenStore
from api.errors import install_error_handlers
from api.settings import Settings
from api.wiring import audited_ledger

API_PREFIX = "/api/v1"

DESCRIPTION = """台账 Taizhang: the event-sourced ledger of property-service governance.

* Commands are POSTs returning 201 with the new events' ledger positions, the versions
  of the aggregates touched and an integrity receipt. Send `Idempotency-Key` (a retry
  returns 200 with `Idempotent-Replayed: true`) and `If-Match` with the version from an
  `ETag` (409 `conflict` when the aggregate has moved on).
* Errors: `{"error": {"code", "field", "rule", "message"}}`; 422 malformed, 404 unknown,
  409 refused by a rule or a version conflict, 401 no credentials, 403 role not allowed.
* Read-your-writes: every command also answers `X-Taizhang-Position` (the highest position
  it wrote). When a projection worker keeps the read models (`TAIZHANG_CATALOGUE=read_models`),
  send it back on a read as `X-Taizhang-Min-Position` (or `?min_position=`): the read waits
  until the read models have reached it, or answers 503 `unavailable` with `Retry-After`.
* Auth: `Authorization: Bearer <token>`; in dev mode (insecure) `X-Taizhang-User: user;role;org`.
"""


def build_ledger(settings: Settings) -> Ledger:
    """The Ledger this app writes to, wired as the CLI's (``api.wiring.audited_ledger``):

    * the integrity log written in each command's transaction (every result
      carries its receipt: tree size, root, leaf indices), the personal-data
      vault (complainants' names and phones sealed per person) and the
      checkpoint signer (``ledger.checkpoints``: every publication carries a
      checkpoint signed with the key at ``settings.signing_key_path``), from
      ``projections.audit.service.AuditService``;
    * the blacklist the party committee's entry decisions rest on, the ratings
      calculator and the publication calculator (``ledger.publisher``: blacklist
      and subsidy lists), all following this ledger's own log in memory (always
      as of the last position; no projection runner needed).
    """
    # Requests run in a thread pool; the in-memory followers are not thread-safe.
    return audited_ledger(settings, lock=threading.RLock())


def discover_routers(package: str) -> list[APIRouter]:
    """The ``router`` of every module in ``package``, by module name."""
    pkg = importlib.import_module(package)
    routers = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return routers


def create_app(settings: Settings | None = None, *, ledger: Ledger | None = None) -> FastAPI:
    """Build the app. ``ledger`` lets a caller (tests, the CLI) share one it already has."""
    from api import web  # templates and pages: imported here, not at module import

    settings = settings or Settings()
    owns_ledger = ledger is None
    ledger = ledger if ledger is not None else build_ledger(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_ledger:
            ledger.close()

    app = FastAPI(title="台账 Taizhang", version="0.1.0", description=DESCRIPTION, lifespan=lifespan,
                  docs_url="/docs", redoc_url=None, openapi_url=f"{API_PREFIX}/openapi.json")
    app.state.settings = settings
    app.state.ledger = ledger
    app.state.tokens = TokenStore.load(settings.auth_tokens_file)

    install_error_handlers(app, html_handler=web.error_page)
    if settings.catalogue == "read_models":
        # A projection worker keeps the read models: reads wait for the client's last write.
        from api.consistency import ConsistencyMiddleware

        app.add_middleware(ConsistencyMiddleware)
    for router in discover_routers("api.routers"):
        app.include_router(router, prefix=API_PREFIX)
    web.install(app)
    return app
