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
server never reads a half-written or invalid file. A TOML file is rewritten through
tomlkit, which keeps its comments and layout: only the keys and entries that changed
are written anew.
"""

from __future__ import annotations

import copy
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

import tomlkit
from tomlkit.items import Comment, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

from domain.errors import DomainError
from domain.values import Actor, Role

# Roles nobody may take over HTTP: the CLI's own.
NOT_OVER_HTTP = {Role.SYSTEM.value}
DATE_KEYS = ("expires_on", "revoked_on")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
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


def dumps(data: dict, path: Path | str) -> str:
    """A new file's text (JSON, or TOML with one ``[[users]]`` table per entry)."""
    if is_json(path):
        return json.dumps(data, ensure_ascii=False, indent=2, default=date.isoformat) + "\n"
    return merge(tomlkit.document(), {}, data).as_string()


def _insert(table: Table, key: str, value: Any) -> None:
    """A new key after the table's last key, before its trailing blank lines and comments:
    tomlkit gives a comment line above the next ``[[users]]`` header to the table before it,
    and the comment is about the next entry."""
    body = table.value.body
    at = len(body)
    while at and body[at - 1][0] is None and isinstance(body[at - 1][1], (Comment, Whitespace)):
        at -= 1
    # tomlkit has no public insert; a release without the private one appends the key
    # after the comment instead: still correct TOML, the comment just reads oddly.
    insert_at = getattr(table.value, "_insert_at", None)
    if at == len(body) or at == 0 or insert_at is None:
        table[key] = value
    else:
        insert_at(at, key, value)


def _merge_table(table: Any, before: dict, after: dict) -> None:
    for key in [k for k in before if k not in after]:
        del table[key]
    for key, value in after.items():
        if key not in before and isinstance(table, Table):
            _insert(table, key, value)
        elif key not in before or before[key] != value:
            table[key] = value  # a changed key in its place (its line's comment kept); a new top-level one last


def merge(doc: TOMLDocument, before: dict, after: dict) -> TOMLDocument:
    """Change ``doc`` (which reads as ``before``) so it reads as ``after``, touching only what
    differs: other keys, entries, comments and blank lines stay as they were."""
    _merge_table(doc, {k: v for k, v in before.items() if k != "users"},
                 {k: v for k, v in after.items() if k != "users"})
    old, new = before.get("users", []), after.get("users", [])
    if "users" not in doc and new:
        if (text := doc.as_string()) and not text.endswith("\n\n"):
            doc.add(tomlkit.nl())  # a blank line before the first entry
        doc.append("users", tomlkit.aot())
    users = doc.get("users")
    for i in range(min(len(old), len(new))):
        _merge_table(users[i], old[i], new[i])
    for _ in range(len(old) - len(new)):
        users.pop()
    for entry in new[len(old):]:
        if len(users) and isinstance(users[-1], Table) and not users[-1].as_string().endswith("\n\n"):
            users[-1].add(tomlkit.nl())  # a blank line between entries
        users.append(entry)
    return doc


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
    file atomically; other entries and keys are kept, and in TOML its comments and layout."""
    path = Path(os.path.realpath(path))  # a symlinked file stays a symlink
    with _locked(path.parent):
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        data = loads(text, path) if path.exists() else {}
        parse_entries(data, path)  # an invalid file is fixed by hand first, not rewritten
        before = copy.deepcopy(data)
        data.setdefault("users", [])
        result = change(data)
        if is_json(path):
            text = dumps(data, path)
        else:
            try:
                text = merge(tomlkit.parse(text), before, data).as_string()
            except (TypeError, ValueError) as error:  # a value TOML cannot hold
                raise TokensFileError(path, f"cannot rewrite the file: {error}; not written") from None
            if loads(text, path) != data:  # what tomlkit wrote must read back as the change
                raise TokensFileError(path, "the rewritten file would not read back the same; not written")
        parse_entries(loads(text, path), path)
        _replace(path, text)
    return result
