"""Authentication (who is calling) and authorisation (what their role may do)."""

from api.auth.permissions import (
    PERMISSIONS, READER_ROLES, SCOPED_ROLES, allowed, authorize, in_scope, require_reader, require_scope,
)
from api.auth.users import ANONYMOUS, DEV_COOKIE, TOKEN_COOKIE, TokenStore, User, authenticate, hash_token

__all__ = [
    "ANONYMOUS", "DEV_COOKIE", "PERMISSIONS", "READER_ROLES", "SCOPED_ROLES", "TOKEN_COOKIE", "TokenStore",
    "User", "allowed", "authenticate", "authorize", "hash_token", "in_scope", "require_reader", "require_scope",
]
