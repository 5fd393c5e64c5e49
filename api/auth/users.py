"""Who is calling: bearer tokens from a file, or (insecure, dev only) a header.

Credentials, tried in this order:

1. ``Authorization: Bearer <token>``: the token's SHA-256 is looked up in the
   tokens file (``settings.auth_tokens_file``); the file never holds the token.
2. ``X-Taizhang-User: user;role;org`` (percent-encoded UTF-8 allowed, for
   Chinese organisation names): accepted only when ``settings.dev_auth`` is true.
   Anyone can claim any role with it, so it is for the demo and local use only.
3. The web login's cookies (``taizhang_token``, or ``taizhang_dev_user`` in dev mode).
4. Nothing: the anonymous public user (role ``public``).

Tokens file (TOML, or JSON with the same structure)::

    [[users]]
    user = "zhang.wei"
    role = "street"
    org = "辛庄镇"              # for street, party_committee, residents_committee: the street
    token_sha256 = "9f86d0…"   # sha256 of the token, hex (`taizhang token` makes one)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from api.errors import Unauthenticated
from domain.errors import DomainError
from domain.values import Actor, Role

TOKEN_COOKIE = "taizhang_token"
DEV_COOKIE = "taizhang_dev_user"
# Roles nobody may take over HTTP: the CLI's own.
NOT_OVER_HTTP = {Role.SYSTEM.value}


@dataclass(frozen=True)
class User:
    """The caller: the domain Actor written into every event, and how they proved it."""

    actor: Actor
    via: str = "none"  # token | dev | none

    @property
    def role(self) -> str:
        return self.actor.role

    @property
    def org(self) -> str:
        return self.actor.org

    @property
    def name(self) -> str:
        return self.actor.user

    @property
    def authenticated(self) -> bool:
        return self.via != "none"


ANONYMOUS = User(Actor(user="anonymous", role=Role.PUBLIC.value), via="none")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_dev_user(value: str) -> Actor | None:
    """'user;role;org' → Actor, or None when malformed or the role is not allowed."""
    parts = [unquote(p).strip() for p in (value or "").split(";")]
    if len(parts) < 2 or len(parts) > 3 or parts[1] in NOT_OVER_HTTP:
        return None
    try:
        return Actor(user=parts[0], role=parts[1], org=parts[2] if len(parts) == 3 else "")
    except DomainError:
        return None


def format_dev_user(actor: Actor) -> str:
    return ";".join(quote(p, safe="") for p in (actor.user, actor.role, actor.org))


@dataclass
class TokenStore:
    """Users by the SHA-256 of their bearer token."""

    by_hash: dict[str, Actor] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> TokenStore:
        if path is None:
            return cls()
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if str(path).endswith(".json") else tomllib.loads(text)
        store = cls()
        for i, entry in enumerate(data.get("users", [])):
            digest = str(entry.get("token_sha256", "")).lower()
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError(f"{path}: users[{i}].token_sha256 must be 64 hex digits")
            if entry.get("role") in NOT_OVER_HTTP:
                raise ValueError(f"{path}: users[{i}]: role {entry.get('role')!r} cannot log in over HTTP")
            store.by_hash[digest] = Actor(user=entry["user"], role=entry["role"], org=entry.get("org", ""))
        return store

    def find(self, token: str) -> Actor | None:
        wanted = hash_token(token)
        # Constant-time comparison over every entry: no early exit on a near match.
        found = None
        for digest, actor in self.by_hash.items():
            if hmac.compare_digest(digest, wanted):
                found = actor
        return found


def authenticate(*, tokens: TokenStore, dev_auth: bool, authorization: str | None,
                 dev_header: str | None, cookies: dict[str, str]) -> User:
    """The caller from the request's credentials; bad credentials are refused, never downgraded."""
    if authorization:
        scheme, _, token = authorization.partition(" ")
        actor = tokens.find(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if actor is None:
            raise Unauthenticated("Authorization", "valid_token", "unknown or malformed bearer token")
        return User(actor, via="token")
    if dev_header:
        if not dev_auth:
            raise Unauthenticated("X-Taizhang-User", "dev_auth_disabled",
                                  "the X-Taizhang-User header is only accepted when dev_auth is on")
        actor = parse_dev_user(dev_header)
        if actor is None:
            raise Unauthenticated("X-Taizhang-User", "format", "must be 'user;role;org' with a known role")
        return User(actor, via="dev")
    if cookies.get(TOKEN_COOKIE):
        actor = tokens.find(cookies[TOKEN_COOKIE])
        if actor is not None:
            return User(actor, via="token")
    if dev_auth and cookies.get(DEV_COOKIE):
        actor = parse_dev_user(cookies[DEV_COOKIE])
        if actor is not None:
            return User(actor, via="dev")
    return ANONYMOUS
