"""Logging in and out of the web pages.

With a tokens file, the login form takes a token and keeps it in an HttpOnly
cookie. In dev mode (``settings.dev_auth``, insecure) it also lets anyone pick
an identity, kept in a cookie in the ``X-Taizhang-User`` format. Cookies are
``SameSite=Lax``, so another site cannot post a form with them.

A page visited with an expired or revoked token cookie is refused (401) and so
redirected here; this page shows why in Chinese and drops the cookie.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from domain.errors import DomainError
from domain.values import Actor, Role

from api import consistency
from api.auth import ANONYMOUS, DEV_COOKIE, TOKEN_COOKIE, User
from api.auth.users import NOT_OVER_HTTP, format_dev_user, refusal
from api.clock import ledger_today
from api.deps import SettingsDep, get_user
from api.errors import Unauthenticated
from api.web.i18n import add
from api.web.templating import render

router = APIRouter()
ROLES = [r.value for r in Role if r.value not in NOT_OVER_HTTP and r.value != Role.PUBLIC.value]
COOKIE = {"httponly": True, "samesite": "lax", "max_age": 12 * 3600}
REFUSED = ("token_expired", "token_revoked")

add({
    "login.token_expired": {"zh": "您的访问令牌已过期，请联系管理员重新签发后再登录。",
                            "en": "Your access token has expired; ask the administrator for a new one."},
    "login.token_revoked": {"zh": "您的访问令牌已被吊销，请联系管理员。",
                            "en": "Your access token has been revoked; contact the administrator."},
})


def visitor(request: Request, settings: SettingsDep) -> User:
    """The login page's user. A refused credential is no error here (it would redirect here
    again) but the reason the page shows; the visitor is then anonymous."""
    try:
        user = get_user(request, settings, None, request.headers.get("X-Taizhang-User"))
    except Unauthenticated as refused:
        request.state.refused = refused
        user = ANONYMOUS
    request.state.user = user
    return user


Visitor = Annotated[User, Depends(visitor)]


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect off-site after a login."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _form(request: Request, user: Any, settings: Any, error: str = "", status: int = 200) -> Any:
    return render(request, "login.html", {"roles": ROLES, "dev_auth": settings.dev_auth,
                                          "tokens": request.app.state.tokens.configured, "error": error,
                                          "next": safe_next(request.query_params.get("next"))},
                  user=user, status_code=status)


@router.get("/login")
def login_form(request: Request, user: Visitor, settings: SettingsDep) -> Any:
    refused = getattr(request.state, "refused", None)
    reason = refused.rule if refused is not None and refused.rule in REFUSED else ""
    response = _form(request, user, settings, error=f"login.{reason}" if reason else "")
    if refused is not None and refused.field == TOKEN_COOKIE:
        response.delete_cookie(TOKEN_COOKIE)
    return response


@router.post("/login")
def login(request: Request, user: Visitor, settings: SettingsDep,
          next: Annotated[str, Form()] = "/", token: Annotated[str, Form()] = "",
          name: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
          org: Annotated[str, Form()] = "") -> Any:
    response = RedirectResponse(safe_next(next), status_code=303)
    if token:
        entry = request.app.state.tokens.lookup(token)
        if entry is None:
            return _form(request, user, settings, error="login.failed", status=401)
        refused = refusal(entry, "token", ledger_today())
        if refused is not None:
            return _form(request, user, settings, error=f"login.{refused.rule}", status=401)
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
    response.delete_cookie(consistency.TOKEN_COOKIE)  # the last write's position (api.consistency)
    return response
