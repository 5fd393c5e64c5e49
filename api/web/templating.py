"""Rendering a page: the Jinja2 environment, the language, the navigation, the user.

A page handler calls ``render(request, "x.html", {...}, user=user)``; every
template extends ``base.html`` and gets ``t`` (translate), ``label`` (vocabulary),
``lang``, ``user``, ``nav`` and ``path``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.auth import User, allowed, require_reader
from api.deps import get_user
from api.web.i18n import DEFAULT_LANG, LANG_COOKIE, LANGS, translator

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

# The navigation, in order: (path, word key, public). Pages not written yet get a
# "尚未发布" placeholder at their path (api.web.install), replaced as soon as a
# module in api.web.pages serves that path.
NAV: tuple[tuple[str, str, bool], ...] = (
    ("/", "nav.dashboard", True),
    ("/providers", "nav.providers", False),
    ("/communities", "nav.communities", False),
    ("/ratings", "nav.ratings", True),
    ("/approvals", "nav.approvals", False),
    ("/blacklist", "nav.blacklist", True),
    ("/subsidies", "nav.subsidies", False),
    ("/audit", "nav.audit", False),
)

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
    context = {"t": translator(lang), "label": translator(lang), "lang": lang, "user": user,
               "nav": [n for n in NAV if n[2] or (user is not None and user.authenticated)],
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
