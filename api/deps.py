"""FastAPI dependencies: settings, the Ledger, the catalogue, the current user.

Everything is read from ``request.app.state`` (set by ``create_app``), never
from module globals, so several apps (tests, workers) can live in one process.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.ledger import Ledger

from api.auth import User, authenticate, require_reader
from api.catalogue import Catalogue
from api.routers._readmodels import get_read_models
from api.settings import Settings

# Declared for OpenAPI (the "Authorize" button); the header itself is read below so
# that a malformed Authorization header is refused rather than ignored.
_bearer = HTTPBearer(auto_error=False, description="token from the tokens file (settings.auth_tokens_file)")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_ledger(request: Request) -> Ledger:
    return request.app.state.ledger


def get_catalogue(request: Request) -> Catalogue:
    """Lists and counts over the app's read models (made on first use, like them)."""
    return Catalogue(request.app.state.ledger, get_read_models(request))


def get_user(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
    x_taizhang_user: Annotated[str | None, Header(
        alias="X-Taizhang-User",
        description="INSECURE dev mode only (settings.dev_auth): 'user;role;org', percent-encoded UTF-8",
    )] = None,
) -> User:
    return authenticate(tokens=request.app.state.tokens, dev_auth=settings.dev_auth,
                        authorization=request.headers.get("authorization"), dev_header=x_taizhang_user,
                        cookies=dict(request.cookies))


def get_reader(user: Annotated[User, Depends(get_user)]) -> User:
    """Any authenticated role but the public (auditors read everything)."""
    require_reader(user)
    return user


SettingsDep = Annotated[Settings, Depends(get_settings)]
LedgerDep = Annotated[Ledger, Depends(get_ledger)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
CurrentUser = Annotated[User, Depends(get_user)]
Reader = Annotated[User, Depends(get_reader)]
