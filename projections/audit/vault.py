"""Personal data sealed per person (crypto-shredding).

Complainants' names and phones go into the event log only as tokens

    pd1:<person id>:<base64url(nonce[12] || AES-256-GCM ciphertext+tag)>

encrypted with a key per person kept in ``person_keys`` (same database, not
the event table).  Forgetting a person deletes the key: the tokens stay in
the events, so event hashes, proofs, counts and publications are unchanged,
but nobody can read the name or phone again.

The person id is random (never derived from the phone, which is guessable:
a hash of it would still identify the person after erasure).  Complaints by
the same phone share a person through ``lookup`` = HMAC-SHA256(vault secret,
phone), which is cleared together with the key.  The associated data binds a
ciphertext to its person id, so a token cannot be moved to another person.

Sealing in bulk: ``seal`` never writes.  A new person's key is queued in
memory and ``flush`` writes every queued key in one transaction; the Ledger
calls ``flush`` at the start of every save (``LedgerCore.before_save``), so a
key is durable no later than the first event carrying its tokens.  A crash in
between leaves only orphan keys (harmless), never an event without its key.
Known persons come from a per-process LRU cache (``cache_size`` entries, each
trusted for ``cache_ttl`` seconds).  Two processes may queue a key for the same
new phone; the second to write gets a person of its own, linked to the phone
in ``person_aliases``, so forgetting the phone forgets both.

Forgetting and caches: ``forget`` flushes this process's queue, destroys the
key(s), and drops them from this vault's cache.  ``open`` always reads the key
from the table (never from the cache), so no process decrypts a forgotten
person's data after ``forget`` commits.  Another process's cache may still
*seal* a new value with the forgotten key for up to ``cache_ttl`` seconds: that
value is unreadable at once, i.e. it errs on the side of forgetting.

Caveats (operations, not code): backups and replicas keep old keys until they
expire; on SQLite the key is overwritten in place (``secure_delete``) and the
WAL truncated, on PostgreSQL the dead row lingers until ``VACUUM``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from datetime import datetime, timezone
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from projections.audit.sql import create_all_retrying
from projections.db import engine_for

PREFIX = "pd1:"
ERASED = "已删除"
_TOKEN = re.compile(r"pd1:([0-9a-f]{32}):([A-Za-z0-9_-]+)")

vault_metadata = MetaData()
person_keys = Table(
    "person_keys", vault_metadata,
    Column("person_id", String(32), primary_key=True),
    Column("lookup", String(64), unique=True, nullable=True),
    Column("key", LargeBinary, nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("erased_at", String(40), nullable=True),
)
person_aliases = Table(  # persons created concurrently for a phone that already had one (see flush)
    "person_aliases", vault_metadata,
    Column("person_id", String(32), primary_key=True),
    Column("lookup", String(64), nullable=False, index=True),
)
vault_meta = Table(
    "vault_meta", vault_metadata,
    Column("name", String(40), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)


# Built once: constructing a statement costs more than running it on SQLite.
_BY_LOOKUP = select(person_keys.c.person_id, person_keys.c.key).where(person_keys.c.lookup == bindparam("lookup"))
_KEY_OF = select(person_keys.c.key).where(person_keys.c.person_id == bindparam("person_id"))


class VaultError(ValueError):
    """A malformed or tampered token, or an unknown person."""


class _Key(NamedTuple):
    person_id: str
    cipher: AESGCM
    key: bytes
    created_at: str


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


class PersonVault:
    """The ``domain.complaint.PersonalDataVault`` port over ``person_keys``."""

    def __init__(self, database_url: str, engine: Engine | None = None, *,
                 cache_size: int = 10_000, cache_ttl: float = 30.0) -> None:
        self.engine = engine or engine_for(database_url)
        self.kind = self.engine.dialect.name
        # single-statement reads: on PostgreSQL autocommit saves the BEGIN/ROLLBACK round trips
        self._reads = self.engine.execution_options(isolation_level="AUTOCOMMIT") \
            if self.kind == "postgresql" else self.engine
        self._secret: bytes | None = None
        self.cache_size, self.cache_ttl = cache_size, cache_ttl
        self._lock = threading.Lock()  # guards the cache and the queue (held briefly, never across I/O)
        self._writing = threading.Lock()  # one flush at a time: a save waits for keys another thread is writing
        self._cache: OrderedDict[str, tuple[_Key, float]] = OrderedDict()  # lookup -> key, trusted until
        self._queue: dict[str, _Key] = {}  # lookup -> key created by seal, not yet written

    def setup(self) -> PersonVault:
        if self._secret is None:
            create_all_retrying(lambda: vault_metadata.create_all(self.engine))
            with self.engine.begin() as conn:
                found = conn.execute(select(vault_meta.c.value).where(vault_meta.c.name == "lookup_secret")).scalar()
                if found is None:
                    try:
                        with conn.begin_nested():
                            conn.execute(insert(vault_meta).values(name="lookup_secret", value=os.urandom(32)))
                    except IntegrityError:
                        pass  # another process made it first
                    found = conn.execute(select(vault_meta.c.value)
                                         .where(vault_meta.c.name == "lookup_secret")).scalar_one()
            self._secret = bytes(found)
        return self

    def _lookup(self, person_ref: str) -> str:
        self.setup()
        assert self._secret is not None
        return hmac.new(self._secret, person_ref.strip().encode("utf-8"), hashlib.sha256).hexdigest()

    # --- keys: queue and cache ----------------------------------------------------------------
    def _known(self, lookup: str) -> _Key | None:
        with self._lock:
            if (queued := self._queue.get(lookup)) is not None:
                return queued
            hit = self._cache.get(lookup)
            if hit is None:
                return None
            if hit[1] < time.monotonic():
                del self._cache[lookup]  # stale: another process may have forgotten the person
                return None
            self._cache.move_to_end(lookup)
            return hit[0]

    def _remember(self, lookup: str, entry: _Key) -> None:  # with self._lock held
        self._cache[lookup] = (entry, time.monotonic() + self.cache_ttl)
        self._cache.move_to_end(lookup)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _person(self, person_ref: str) -> _Key:
        """The key of a live person: cached, queued, stored, or new (queued for ``flush``)."""
        lookup = self._lookup(person_ref)
        if (entry := self._known(lookup)) is not None:
            return entry
        with self._reads.connect() as conn:
            row = conn.execute(_BY_LOOKUP, {"lookup": lookup}).first()
        with self._lock:
            if (queued := self._queue.get(lookup)) is not None:  # another thread queued it meanwhile
                return queued
            # ... or queued it and flushed it since our read: it is in the cache now, not in the row.
            if (hit := self._cache.get(lookup)) is not None and hit[1] >= time.monotonic():
                return hit[0]
            if row is not None and row.key is not None:
                entry = _Key(row.person_id, AESGCM(bytes(row.key)), bytes(row.key), "")
                self._remember(lookup, entry)
                return entry
            key = AESGCM.generate_key(bit_length=256)
            entry = self._queue[lookup] = _Key(uuid.uuid4().hex, AESGCM(key), key, _now())
            return entry

    def flush(self) -> int:
        """Write every key ``seal`` queued, in one transaction; returns how many were written.

        Called by the Ledger before each save, so keys are durable before the events
        carrying their tokens. If this raises, the save does not happen and the keys stay
        queued for the next one."""
        with self._writing:
            with self._lock:
                queued = dict(self._queue)
            if not queued:
                return 0
            aliased = self._write(queued)
            with self._lock:
                for lookup, entry in queued.items():
                    if self._queue.get(lookup) is entry:
                        del self._queue[lookup]
                    if lookup not in aliased:
                        self._remember(lookup, entry)
            return len(queued)

    def _write(self, queued: dict[str, _Key]) -> set[str]:
        """Insert the keys; a phone another process gave a person meanwhile gets an alias person.

        Phones are looked up first only after an insert failed on one: that is rare, and the
        look costs as much as the insert."""
        look = False
        for _ in range(3):
            try:
                with self.engine.begin() as conn:
                    taken = self._taken(conn, list(queued)) if look else set()
                    conn.execute(insert(person_keys), [
                        {"person_id": e.person_id, "lookup": None if lookup in taken else lookup, "key": e.key,
                         "created_at": e.created_at} for lookup, e in queued.items()])
                    if taken:
                        conn.execute(insert(person_aliases),
                                     [{"person_id": queued[lookup].person_id, "lookup": lookup} for lookup in taken])
                return taken
            except IntegrityError:
                look = True  # a phone was taken between our look and our insert: look, then insert again
        raise VaultError("could not write person keys")

    @staticmethod
    def _taken(conn: Connection, lookups: list[str]) -> set[str]:
        taken: set[str] = set()
        for i in range(0, len(lookups), 500):  # SQLite caps the parameters of one statement
            taken.update(conn.execute(select(person_keys.c.lookup)
                                      .where(person_keys.c.lookup.in_(lookups[i:i + 500]))).scalars())
        return taken

    def _stored_key(self, person_id: str) -> bytes | None:
        with self._lock:  # this process's queued keys are not in the table yet
            queued = next((e.key for e in self._queue.values() if e.person_id == person_id), None)
        if queued is not None:
            return queued
        with self._reads.connect() as conn:
            key = conn.execute(_KEY_OF, {"person_id": person_id}).scalar()
        return None if key is None else bytes(key)

    # --- the port -------------------------------------------------------------------------
    def seal(self, person_ref: str, value: str) -> str:
        if not person_ref or not person_ref.strip():
            raise VaultError("person_ref: required")
        entry = self._person(person_ref)
        nonce = os.urandom(12)
        sealed = entry.cipher.encrypt(nonce, value.encode("utf-8"), (PREFIX + entry.person_id).encode())
        return f"{PREFIX}{entry.person_id}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def open(self, token: str) -> str | None:
        """The plaintext; None when the person was forgotten; non-tokens are returned as they are.

        The key is read from the table each time (not cached), so a forget by any process
        takes effect at once."""
        if not is_sealed(token):
            return token
        match = _TOKEN.fullmatch(token)
        if not match:
            raise VaultError("malformed personal-data token")
        person_id, body = match.groups()
        key = self._stored_key(person_id)
        if key is None:
            return None
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], (PREFIX + person_id).encode()).decode("utf-8")
        except InvalidTag:
            raise VaultError(f"token of person {person_id} does not decrypt (altered)") from None

    def display(self, token: str) -> str:
        value = self.open(token)
        return ERASED if value is None else value

    @staticmethod
    def person_of(token: str) -> str | None:
        match = _TOKEN.fullmatch(token) if is_sealed(token) else None
        return match.group(1) if match else None

    # --- forgetting -------------------------------------------------------------------------
    def resolve(self, person: str) -> str:
        """A person id, given the id itself or the reference it was sealed under (a phone number)."""
        self.setup()
        with self.engine.connect() as conn:
            if re.fullmatch(r"[0-9a-f]{32}", person) and conn.execute(
                    select(person_keys.c.person_id).where(person_keys.c.person_id == person)).first():
                return person
            found = conn.execute(select(person_keys.c.person_id)
                                 .where(person_keys.c.lookup == self._lookup(person))).scalar()
        if found is None:
            raise VaultError(f"person {person!r}: unknown (or already forgotten)")
        return found

    def forget(self, person: str) -> str:
        """Destroy the person's key (with the phone lookup and any alias person); returns the person id."""
        self.flush()  # keys this process sealed but has not written yet are forgotten too
        person_id = self.resolve(person)
        if (when := self.erased_at(person_id)) is not None:
            raise VaultError(f"person {person_id} was already forgotten at {when}")
        with self.engine.begin() as conn:
            if self.kind == "sqlite":
                conn.exec_driver_sql("PRAGMA secure_delete = ON")
            lookup = conn.execute(select(person_keys.c.lookup).where(person_keys.c.person_id == person_id)).scalar()
            ids = {person_id, *(conn.execute(select(person_aliases.c.person_id)
                                             .where(person_aliases.c.lookup == lookup)).scalars() if lookup else ())}
            conn.execute(update(person_keys).where(person_keys.c.person_id.in_(ids))
                         .values(key=None, lookup=None, erased_at=_now()))
            conn.execute(delete(person_aliases).where(person_aliases.c.person_id.in_(ids)))
        with self._lock:
            for lookup in [k for k, (e, _) in self._cache.items() if e.person_id in ids]:
                del self._cache[lookup]
        if self.kind == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return person_id

    def erased_at(self, person_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(person_keys.c.erased_at).where(person_keys.c.person_id == person_id)).scalar()
