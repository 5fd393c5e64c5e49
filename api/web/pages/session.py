"""Logging in and out of the web pages.

With a tokens file, the login form takes a token and keeps it in an HttpOnly
cookie. In dev mode (``settings.dev_auth``, insecure) it also lets anyone pick
an identity, kept in a cookie in the ``X-Taizhang-User`` format. Cookies are
``SameSite=Lax``, so another site cannot post a form with them.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from domain.errors import DomainError
from domain.values import Actor, Role

from api.auth import DEV_COOKIE, TOKEN_COOKIE
from api.auth.users import NOT_OVER_HTTP, format_dev_user
from api.deps import SettingsDep
from api.web.templating import PageUser, render

router = APIRouter()
ROLES = [r.value for r in Role if r.value not in NOT_OVER_HTTP and r.value != Role.PUBLIC.value]
COOKIE = {"httponly": True, "samesite": "lax", "max_age": 12 * 3600}


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect off-site after a login."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _form(request: Request, user: Any, settings: Any, error: str = "", status: int = 200) -> Any:
    return render(request, "login.html", {"roles": ROLES, "dev_auth": settings.dev_auth,
                                          "tokens": bool(request.app.state.tokens.by_hash), "error": error,
                                          "next": safe_next(request.query_params.get("next"))},
                  user=user, status_code=status)


@router.get("/login")
def login_form(request: Request, user: PageUser, settings: SettingsDep) -> Any:
    return _form(request, user, settings)


@router.post("/login")
def login(request: Request, user: PageUser, settings: SettingsDep,
          next: Annotated[str, Form()] = "/", token: Annotated[str, Form()] = "",
          name: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
          org: Annotated[str, Form()] = "") -> Any:
    response = RedirectResponse(safe_next(next), status_code=303)
    if token:
        if request.app.state.tokens.find(token) is None:
            return _form(request, user, settings, error="login.failed", status=401)
        response.set_cookie(TOKEN_COOKIE, token, **COOKIE)
        return response
    if not settings.dev_auth or role not in ROLES:
        return _form(request, user, settings, error="login.failed", status=401)
    try:
        actor = Actor(user=name.strip(), role=role, org=org.strip())
    except DomainError:
        return _form(request, user, settings, error="login.failed", status=422)
    response.set_cookie(DEV_COOKIE, format_dev_user(actor), **COOKIE)
    return response


@router.post("/logout")
def logout() -> Any:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    response.delete_cookie(DEV_COOKIE)
    return response
