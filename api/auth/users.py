"""Who is calling: bearer tokens from a file, or (insecure, dev only) a header.

Credentials, tried in this order:

1. ``Authorization: Bearer <token>``: the token's SHA-256 is looked up in the
   tokens file (``settings.auth_tokens_file``); the file never holds the token.
2. ``X-Taizhang-User: user;role;org`` (percent-encoded UTF-8 allowed, for
   Chinese organisation names): accepted only when ``settings.dev_auth`` is true.
   Anyone can claim any role with it, so it is for the demo and local use only.
3. The web login's cookies (``taizhang_token``, or ``taizhang_dev_user`` in dev mode).
4. Nothing: the anonymous public user (role ``public``).

The tokens file (``api/auth/tokens_file.py``; ``taizhang token`` writes it) is
re-read when it changes, so a revocation takes effect on the next request. A
token past its ``expires_on`` (China time) or revoked is refused with its own
rule, ``token_expired`` or ``token_revoked``, and a Chinese message.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, unquote

from api.auth.tokens_file import NOT_OVER_HTTP, TokenEntry, read_entries
from api.clock import ledger_today
from api.errors import Unauthenticated
from domain.errors import DomainError
from domain.values import Actor, Role

log = logging.getLogger("taizhang.auth")
TOKEN_COOKIE = "taizhang_token"
DEV_COOKIE = "taizhang_dev_user"


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
    """The tokens file's entries by the SHA-256 of their token, re-read when the file changes."""

    entries: dict[str, TokenEntry] = field(default_factory=dict)
    path: Path | None = None
    _signature: tuple | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, path: Path | str | None) -> TokenStore:
        """Raises TokensFileError (naming the entry and key) when the file is bad at startup."""
        store = cls(path=None if path is None else Path(path))
        if path is not None:
            store._signature = _signature(store.path)
            store.entries = _by_hash(read_entries(store.path))
        return store

    @property
    def configured(self) -> bool:
        return self.path is not None or bool(self.entries)

    def refresh(self) -> None:
        """Re-read the file if it changed: one stat() a request. The CLI replaces the file by a
        rename, so the inode changes even when the mtime's resolution would miss the write."""
        if self.path is None:
            return
        signature = _signature(self.path)
        if signature == self._signature:
            return
        with self._lock:
            if signature == self._signature:
                return
            try:
                self.entries = _by_hash(read_entries(self.path)) if signature else {}
            except (OSError, ValueError):
                # A hand edit gone wrong: keep serving the entries read before, and say so once.
                log.exception("tokens file %s not re-read; the entries read before stay in force", self.path)
            if signature is None:
                log.warning("tokens file %s is missing: every token is refused until it is back", self.path)
            self._signature = signature

    def lookup(self, token: str) -> TokenEntry | None:
        """The entry of this token, whatever its status."""
        self.refresh()
        wanted = hash_token(token)
        # Constant-time comparison over every entry: no early exit on a near match.
        found = None
        for digest, entry in self.entries.items():
            if hmac.compare_digest(digest, wanted):
                found = entry
        return found

    def find(self, token: str, today: date | None = None) -> Actor | None:
        """The actor of a token valid today (China time), else None."""
        entry = self.lookup(token)
        valid = entry is not None and entry.status(today or ledger_today()) == "valid"
        return entry.actor if valid else None


def _signature(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _by_hash(entries: list[TokenEntry]) -> dict[str, TokenEntry]:
    return {entry.token_sha256: entry for entry in entries}


def refusal(entry: TokenEntry, field_name: str, today: date) -> Unauthenticated | None:
    """Why this token is refused today, or None when it is valid."""
    status = entry.status(today)
    if status == "revoked":
        return Unauthenticated(field_name, "token_revoked",
                               f"访问令牌已于 {entry.revoked_on.isoformat()} 吊销，请联系管理员。")
    if status == "expired":
        return Unauthenticated(field_name, "token_expired",
                               f"访问令牌已于 {entry.expires_on.isoformat()}（北京时间）到期，请联系管理员重新签发。")
    return None


def _token_actor(tokens: TokenStore, token: str, field_name: str, today: date) -> Actor | None:
    entry = tokens.lookup(token)
    if entry is None:
        return None
    refused = refusal(entry, field_name, today)
    if refused is not None:
        raise refused
    return entry.actor


def authenticate(*, tokens: TokenStore, dev_auth: bool, authorization: str | None,
                 dev_header: str | None, cookies: dict[str, str], now: datetime | None = None) -> User:
    """The caller from the request's credentials; bad credentials are refused, never downgraded.

    ``now`` (default: the current time) decides expiry, by its date in China."""
    today = ledger_today(now)
    if authorization:
        scheme, _, token = authorization.partition(" ")
        valid_form = scheme.lower() == "bearer" and token.strip()
        actor = _token_actor(tokens, token.strip(), "Authorization", today) if valid_form else None
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
        # An unknown cookie falls through (a stale login); an expired or revoked one is refused,
        # which sends a web page to the login form with the reason.
        actor = _token_actor(tokens, cookies[TOKEN_COOKIE], TOKEN_COOKIE, today)
        if actor is not None:
            return User(actor, via="token")
    if dev_auth and cookies.get(DEV_COOKIE):
        actor = parse_dev_user(cookies[DEV_COOKIE])
        if actor is not None:
            return User(actor, via="dev")
    return ANONYMOUS
