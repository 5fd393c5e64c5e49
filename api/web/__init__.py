"""Server-rendered Chinese web pages (English with ``?lang=en``).

Adding a page: write ``api/web/pages/<name>.py`` with ``router = APIRouter()``
and handlers that ``render(request, "<name>.html", {...})``; put the template
(``{% extends "base.html" %}``) in ``api/web/templates/`` and its words with
``api.web.i18n.add({...})``. Pages are discovered by ``create_app``; a page at a
navigation path (``/ratings``, ``/blacklist``, ``/subsidies``, ``/audit``)
replaces the "尚未发布" placeholder there.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from domain.errors import DomainError

from api.web.i18n import error_text
from api.web.templating import NAV, STATIC_DIR, PageUser, page_lang, render


def error_page(request: Request, status: int, error: Any) -> Any:
    """HTML for errors on page routes; the anonymous are sent to log in."""
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    lang = page_lang(request)
    if isinstance(error, DomainError):
        message = error_text(error, lang)
    else:
        message = ""
    return render(request, "error.html", {"status": status, "message": message}, status_code=status)


def _placeholder(key: str):
    def page(request: Request, user: PageUser) -> Any:
        return render(request, "placeholder.html", {"title_key": key}, user=user)
    return page


def install(app: FastAPI) -> None:
    from api.app import discover_routers

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    served: set[str] = set()
    for router in discover_routers("api.web.pages"):
        app.include_router(router, include_in_schema=False)
        # (Read from the router itself: FastAPI ≥ 0.16x keeps included routers lazy in app.routes.)
        served |= {r.path for r in router.routes if isinstance(r, APIRoute) and "GET" in r.methods}
    for path, key, _public, _readers in NAV:
        if path not in served:
            app.add_api_route(path, _placeholder(key), methods=["GET"], include_in_schema=False)
