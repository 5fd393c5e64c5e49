"""Rendering a page: the Jinja2 environment, the language, the navigation, the user.

A page handler calls ``render(request, "x.html", {...}, user=user)``; every
template extends ``base.html`` and gets ``t`` (translate), ``label`` (vocabulary),
``lang``, ``user``, ``nav`` and ``path``; ``updating`` is (the position the user last wrote, the
one the page's read models are at) when a projection worker had not caught up in time
(``api.consistency``): ``base.html`` then says the page is being updated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from domain.values import Role

from api import consistency
from api.auth import READER_ROLES, User, allowed, require_reader
from api.deps import get_user
from api.routers._readmodels import AUDIT_READERS, BLACKLIST_READERS, RATINGS_READERS, SUBSIDY_READERS
from api.web.i18n import DEFAULT_LANG, LANG_COOKIE, LANGS, translator

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

# The navigation, in order: (path, word key, open to the public, roles that may open it when
# logged in). The role sets are the pages' own gates (api.routers._readmodels, PageReader), so a
# link is shown only to those the page lets in, never to a role it answers 403. The public (not
# logged in, or the public role) follows the public links to the published version of the page.
# Pages not written yet get a "尚未发布" placeholder at their path (api.web.install), replaced as
# soon as a module in api.web.pages serves that path.
NAV: tuple[tuple[str, str, bool, frozenset[str]], ...] = (
    ("/", "nav.dashboard", True, READER_ROLES),
    ("/providers", "nav.providers", False, READER_ROLES),
    ("/communities", "nav.communities", False, READER_ROLES),
    ("/ratings", "nav.ratings", True, RATINGS_READERS),
    ("/approvals", "nav.approvals", False, READER_ROLES),
    ("/blacklist", "nav.blacklist", True, BLACKLIST_READERS),
    ("/subsidies", "nav.subsidies", False, SUBSIDY_READERS),
    ("/audit", "nav.audit", False, AUDIT_READERS),
)


def nav_for(user: User | None) -> list[tuple[str, str, bool, frozenset[str]]]:
    """The links this user may open (a 403 behind a link is a dead end)."""
    if user is None or not user.authenticated or user.role == Role.PUBLIC.value:
        return [n for n in NAV if n[2]]
    return [n for n in NAV if user.role in n[3]]


_templates: Jinja2Templates | None = None


def templates() -> Jinja2Templates:
    global _templates  # built on first use, not at import
    if _templates is None:
        _templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    return _templates


def page_lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or DEFAULT_LANG
    return lang if lang in LANGS else DEFAULT_LANG


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, user: User | None = None,
           status_code: int = 200) -> HTMLResponse:
    lang = page_lang(request)
    user = user if user is not None else getattr(request.state, "user", None)
    state = consistency.current()
    context = {"t": translator(lang), "label": translator(lang), "lang": lang, "user": user,
               "nav": nav_for(user), "updating": state.behind if state is not None else None,
               "path": request.url.path, "may": lambda command: user is not None and allowed(user, command),
               **(context or {})}
    response = templates().TemplateResponse(request, name, context, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        # Remember an explicit switch for the next pages.
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


def page_user(request: Request, user: Annotated[User, Depends(get_user)]) -> User:
    request.state.user = user
    return user


def page_reader(request: Request, user: Annotated[User, Depends(page_user)]) -> User:
    """Internal pages: anonymous users are sent to the login page (by the error page handler)."""
    require_reader(user)
    return user


PageUser = Annotated[User, Depends(page_user)]
PageReader = Annotated[User, Depends(page_reader)]
