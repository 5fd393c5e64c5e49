"""The tokens file: its entries, checked one by one, and its atomic rewrite.

TOML, or JSON with the same structure (a ``.json`` name)::

    [[users]]
    user = "zhang.wei"
    role = "street"
    org = "辛庄镇"
    token_sha256 = "9f86d0…"
    expires_on = 2025-06-30    # last valid day, China time; absent in older entries: no expiry
    revoked_on = 2025-04-02    # written by `taizhang token --revoke`: refused from then on

Every problem names the entry and the key (``users[3].expires_on``). A rewrite
(``update``) checks the whole new file before it replaces the old one, so the
server never reads a half-written or invalid file.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from domain.errors import DomainError
from domain.values import Actor, Role

# Roles nobody may take over HTTP: the CLI's own.
NOT_OVER_HTTP = {Role.SYSTEM.value}
DATE_KEYS = ("expires_on", "revoked_on")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
T = TypeVar("T")


class TokensFileError(ValueError):
    """A bad tokens file, naming the entry and key: ``tokens.toml: users[1].expires_on …``."""

    def __init__(self, path: Path | str, problem: str, index: int | None = None, key: str | None = None):
        self.index, self.key = index, key
        where = "" if index is None else f"users[{index}]" + (f".{key}" if key else "") + ": "
        super().__init__(f"{path}: {where}{problem}")


@dataclass(frozen=True)
class TokenEntry:
    actor: Actor
    token_sha256: str
    expires_on: date | None = None
    revoked_on: date | None = None

    def status(self, today: date) -> str:
        """'revoked', 'expired' (the day after ``expires_on``, not before) or 'valid'."""
        if self.revoked_on is not None:
            return "revoked"
        if self.expires_on is not None and today > self.expires_on:
            return "expired"
        return "valid"


def parse_date(value: Any) -> date:
    """A TOML date or a 'YYYY-MM-DD' string (JSON has no dates); ValueError otherwise."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as error:  # 2025-02-30
            raise ValueError(f"must be a date YYYY-MM-DD, got {value!r} ({error})") from None
    raise ValueError(f"must be a date YYYY-MM-DD, got {value!r}")


def _entry(path: Path | str, i: int, raw: Any) -> TokenEntry:
    if not isinstance(raw, dict):
        raise TokensFileError(path, "must be a table of user, role, org, token_sha256", i)
    digest = str(raw.get("token_sha256", "")).lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise TokensFileError(path, "must be 64 hex digits", i, "token_sha256")
    if raw.get("role") in NOT_OVER_HTTP:
        raise TokensFileError(path, f"role {raw.get('role')!r} cannot log in over HTTP", i, "role")
    for key in ("user", "role", "org"):
        if not isinstance(raw.get(key, ""), str):
            raise TokensFileError(path, f"must be a string, got {raw[key]!r}", i, key)
    try:
        actor = Actor(user=raw.get("user", ""), role=raw.get("role", ""), org=raw.get("org", ""))
    except DomainError as error:
        raise TokensFileError(path, error.message, i, error.field.removeprefix("actor.")) from None
    dates: dict[str, date | None] = {}
    for key in DATE_KEYS:
        try:
            dates[key] = parse_date(raw[key]) if key in raw else None
        except ValueError as error:
            raise TokensFileError(path, str(error), i, key) from None
    return TokenEntry(actor, digest, **dates)


def parse_entries(data: Any, path: Path | str) -> list[TokenEntry]:
    """The file's entries, in order; the first bad one raises, named."""
    users = data.get("users", []) if isinstance(data, dict) else None
    if not isinstance(users, list):
        raise TokensFileError(path, "'users' must be a list of entries")
    entries = [_entry(path, i, raw) for i, raw in enumerate(users)]
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if entry.token_sha256 in seen:
            raise TokensFileError(path, f"repeats users[{seen[entry.token_sha256]}]", i, "token_sha256")
        seen[entry.token_sha256] = i
    return entries


def is_json(path: Path | str) -> bool:
    return str(path).endswith(".json")


def loads(text: str, path: Path | str) -> dict:
    try:
        return json.loads(text) if is_json(path) else tomllib.loads(text)
    except ValueError as error:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise TokensFileError(path, f"not valid {'JSON' if is_json(path) else 'TOML'}: {error}") from None


def read_data(path: Path | str) -> dict:
    return loads(Path(path).read_text(encoding="utf-8"), path)


def read_entries(path: Path | str) -> list[TokenEntry]:
    return parse_entries(read_data(path), path)


def _toml_value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, date)):  # a date or datetime is a TOML literal
        return value.isoformat() if isinstance(value, date) else repr(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    raise TokensFileError(where, f"cannot rewrite a value of type {type(value).__name__}")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def dumps(data: dict, path: Path | str) -> str:
    if is_json(path):
        return json.dumps(data, ensure_ascii=False, indent=2, default=date.isoformat) + "\n"
    lines = [f"{_toml_key(k)} = {_toml_value(v, f'{path}: {k}')}" for k, v in data.items() if k != "users"]
    for i, entry in enumerate(data.get("users", [])):
        lines += ["", "[[users]]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v, f'{path}: users[{i}].{k}')}"
                  for k, v in entry.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One rewrite at a time (two admins revoking at once must not lose one of the revocations)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _replace(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def update(path: Path | str, change: Callable[[dict], T]) -> T:
    """Apply ``change`` to the file's data (a missing file is an empty one) and replace the
    file atomically; other entries and keys are kept (TOML comments are not)."""
    path = Path(os.path.realpath(path))  # a symlinked file stays a symlink
    with _locked(path.parent):
        data = read_data(path) if path.exists() else {"users": []}
        parse_entries(data, path)  # an invalid file is fixed by hand first, not rewritten
        data.setdefault("users", [])
        result = change(data)
        text = dumps(data, path)
        if not is_json(path) and loads(text, path) != data:  # our TOML writer is small: check it
            raise TokensFileError(path, "the rewritten file would not read back the same; not written")
        parse_entries(loads(text, path), path)
        _replace(path, text)
    return result
