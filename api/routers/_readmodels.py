"""The read models behind the API's lists and counts (``api/catalogue.py``), the result
pages and their JSON (stars, blacklist, credit, subsidies, audit), and who may read which.

How they are kept current follows ``settings.catalogue``:

* ``memory`` (default: one process, nothing else running): the app owns the read
  models. One :class:`~projections.runner.Runner` lives with the app and, before
  anything is read, catches up whatever the ledger has written since (incremental:
  about 50–120 ms after one command on the 55,000-event demo, nothing when the
  log has not moved). A read right after a write includes it.
* ``read_models``: a projection worker (``taizhang project --follow``) keeps them;
  the app only reads, and the pages say which ledger position they are as of.

If another process moved the tables on (a CLI ``catch_up``), the app's runner
notices from the tracking table and reopens from the committed state instead
of applying the same events twice.

A ``memory://`` ledger has no tables to keep read models in: everything here
answers 503 ``unavailable`` on it.
"""

from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any, Callable, Iterator

from fastapi import Depends, Request
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from domain.errors import DomainError, NotFoundError, ValidationError
from domain.store import parse_database_url
from domain.values import Role

from api import consistency
from api.auth import READER_ROLES, User
from api.auth.permissions import require_authenticated
from api.errors import STATUS, Forbidden

# The catalogue reads registry and complaints; the result pages the others (and the registry).
NAMES = ("registry", "complaints", "ratings", "credit", "subsidies")

HB, CA, FIN, AUD = (Role.HOUSING_BUREAU.value, Role.CIVIL_AFFAIRS.value, Role.FINANCE.value, Role.AUDITOR.value)
# Who reads what (DESIGN.md "Who uses it"); the auditor reads everything, the public only /public.
RATINGS_READERS = frozenset({HB, AUD})
SUBSIDY_READERS = frozenset({CA, FIN, AUD})
AUDIT_READERS = frozenset({AUD, HB})
BLACKLIST_READERS = READER_ROLES  # the party committee decides entry on it; every official may look


class ReadModelsUnavailable(DomainError):
    """The read models cannot be read here (an in-memory ledger, or not built yet)."""

    code = "unavailable"


STATUS[ReadModelsUnavailable] = 503


def require_role(user: User, roles: frozenset[str], what: str) -> None:
    """401 for the anonymous, 403 for a role that may not read ``what``."""
    require_authenticated(user)
    if user.role not in roles:
        raise Forbidden("role", "page_role", f"role {user.role} may not read {what}; allowed: "
                        + ", ".join(sorted(roles)))


from api.clock import ledger_today  # noqa: E402  (re-exported: pages import it from here)


def parse_day(value: str | None, field: str = "on") -> date:
    """``YYYY-MM-DD`` or today when empty; anything else is a 422 naming the field."""
    if not value:
        return ledger_today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, "date", "must be a date YYYY-MM-DD") from None


class ReadModels:
    """Connections on the read models, caught up with the ledger first (in-process mode)."""

    def __init__(self, ledger: Any, settings: Any) -> None:
        self.ledger, self.settings = ledger, settings
        self.url = settings.database_url
        self.follow = settings.catalogue == "memory"
        self.available = parse_database_url(self.url).kind in ("sqlite", "postgresql")
        self.engine = None
        if self.available:
            from projections.db import engine_for

            self.engine = engine_for(self.url)
        self._runner: Any = None
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, Any]] = {}
        self._cache_lock = threading.RLock()  # a computation may read another cached value
        self._audit: Any = None

    # --- keeping current ----------------------------------------------------------------------
    def _tracked(self) -> dict[str, int]:
        from projections.tracking import read_tracking

        with self.engine.connect() as conn:
            if not inspect(conn).has_table("projection_tracking"):
                return {}
            return {n: t.position for n, t in read_tracking(conn).items() if n in NAMES}

    def _reached(self, names: tuple[str, ...]) -> int:
        """The position all of ``names`` have reached (0 while one is not built)."""
        tracked = self._tracked()
        return min(tracked.get(n, 0) for n in names)

    def refresh(self) -> int:
        """Catch up (in-process mode) and return the ledger position the read models are as of."""
        position = self.keep_current()
        if position is not None:
            return position
        tracked = self._tracked()
        if len(tracked) < len(NAMES):
            raise ReadModelsUnavailable("database", "read_models", "read models not built: run `taizhang project`")
        return min(tracked.values())

    def keep_current(self, names: tuple[str, ...] = NAMES) -> int | None:
        """In-process mode: catch up with every event the ledger holds now, so that a read after a
        successful command shows it (read-your-writes), and return the position reached. With a
        projection worker: None (the tables are as far as the worker has got), after waiting, when
        the request carries a consistency token, until ``names`` have reached it (``api.consistency``:
        503 for the API, a page marked "数据更新中", when the worker has not caught up in time)."""
        if not self.available:
            raise ReadModelsUnavailable("database", "read_models",
                                        "read models need a SQLite or PostgreSQL ledger, not memory://")
        if not self.follow:
            state = consistency.current()
            if state is not None and (state.wanted or state.problem):
                consistency.await_position(state, names, lambda: self._reached(names), self.ledger.max_position,
                                           self.settings.read_your_writes_timeout)
            return None
        from projections.runner import Runner

        with self._lock:
            last = self.ledger.max_position()
            runner = self._runner
            if runner is not None and self._tracked() != runner.positions():
                runner.close()  # another process moved the tables: start again from what it committed
                runner = self._runner = None
            if runner is None:
                runner = self._runner = Runner(self.url, None, NAMES)
            if runner.position() < last:
                runner.catch_up()
            return runner.position()

    @contextmanager
    def connect(self) -> Iterator[tuple[Connection, int]]:
        """``with read_models.connect() as (conn, position):`` on current read models."""
        position = self.refresh()
        with self.engine.connect() as conn:
            yield conn, position

    def cached(self, key: str, compute: Callable[[int], Any]) -> Any:
        """``compute(position)`` once per read-model position (dashboard figures, subsidy queries)."""
        position = self.refresh()
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == position:
                return hit[1]
            value = compute(position)
            if hit is not None and hasattr(hit[1], "close"):
                hit[1].close()
            self._cache[key] = (position, value)
            return value

    # --- subsidies and audit ----------------------------------------------------------------------
    def subsidies(self) -> Any:
        """The subsidy read model (``projections.subsidy_query.SubsidyQuery``) of the settings' pack."""
        from projections.subsidy_query import NoPackError, SubsidyQuery

        def open_query(_: int) -> Any:
            try:
                return SubsidyQuery(self.url, None, self.settings.pack_id)
            except NoPackError as error:  # remembered for this position too: no re-read per request
                return NotFoundError("pack_id", "no_pack", error.message)

        found = self.cached("subsidy_query", open_query)
        if isinstance(found, NotFoundError):
            raise found
        return found

    @property
    def audit(self) -> Any:
        if self._audit is None:
            from projections.audit.service import AuditService

            self._audit = AuditService.from_settings(self.settings)
        return self._audit

    def close(self) -> None:
        with self._lock:
            if self._runner is not None:
                self._runner.close()
                self._runner = None
            for _, value in self._cache.values():
                if hasattr(value, "close"):
                    value.close()
            self._cache.clear()
        if self.engine is not None:
            self.engine.dispose()


_create_lock = threading.Lock()


def get_read_models(request: Request) -> ReadModels:
    """The app's :class:`ReadModels`, made on first use (``create_app`` builds nothing it may not need)."""
    state = request.app.state
    found = getattr(state, "read_models", None)
    if found is None:
        with _create_lock:
            found = getattr(state, "read_models", None)
            if found is None:
                found = state.read_models = ReadModels(state.ledger, state.settings)
                # The app's lifespan closes only the ledger: release the runner and engines with the app.
                weakref.finalize(request.app, found.close)
    return found


def has_table(conn: Connection, name: str) -> bool:
    return inspect(conn).has_table(name)


ReadModelsDep = Annotated[ReadModels, Depends(get_read_models)]
