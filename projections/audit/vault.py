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
import uuid
from datetime import datetime, timezone

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, insert, select, update
from sqlalchemy.engine import Engine
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
vault_meta = Table(
    "vault_meta", vault_metadata,
    Column("name", String(40), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)


class VaultError(ValueError):
    """A malformed or tampered token, or an unknown person."""


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


class PersonVault:
    """The ``domain.complaint.PersonalDataVault`` port over ``person_keys``."""

    def __init__(self, database_url: str, engine: Engine | None = None) -> None:
        self.engine = engine or engine_for(database_url)
        self.kind = self.engine.dialect.name
        self._secret: bytes | None = None

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

    def _person(self, person_ref: str) -> tuple[str, bytes]:
        """(person id, key) of a live person, created on first use."""
        lookup = self._lookup(person_ref)
        query = select(person_keys.c.person_id, person_keys.c.key).where(person_keys.c.lookup == lookup)
        for _ in range(3):
            with self.engine.begin() as conn:
                row = conn.execute(query).first()
                if row is not None and row.key is not None:
                    return row.person_id, bytes(row.key)
                person_id, key = uuid.uuid4().hex, AESGCM.generate_key(bit_length=256)
                try:
                    with conn.begin_nested():
                        conn.execute(insert(person_keys).values(person_id=person_id, lookup=lookup, key=key,
                                                                created_at=_now()))
                    return person_id, key
                except IntegrityError:
                    continue  # the same person was created concurrently: read it
        raise VaultError("could not create a person key")

    # --- the port -------------------------------------------------------------------------
    def seal(self, person_ref: str, value: str) -> str:
        if not person_ref or not person_ref.strip():
            raise VaultError("person_ref: required")
        person_id, key = self._person(person_ref)
        nonce = os.urandom(12)
        sealed = AESGCM(key).encrypt(nonce, value.encode("utf-8"), (PREFIX + person_id).encode())
        return f"{PREFIX}{person_id}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def open(self, token: str) -> str | None:
        """The plaintext; None when the person was forgotten; non-tokens are returned as they are."""
        if not is_sealed(token):
            return token
        match = _TOKEN.fullmatch(token)
        if not match:
            raise VaultError("malformed personal-data token")
        person_id, body = match.groups()
        with self.engine.connect() as conn:
            key = conn.execute(select(person_keys.c.key).where(person_keys.c.person_id == person_id)).scalar()
        if key is None:
            return None
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            return AESGCM(bytes(key)).decrypt(raw[:12], raw[12:], (PREFIX + person_id).encode()).decode("utf-8")
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
        """Destroy the person's key (and the phone lookup); returns the person id."""
        person_id = self.resolve(person)
        if (when := self.erased_at(person_id)) is not None:
            raise VaultError(f"person {person_id} was already forgotten at {when}")
        with self.engine.begin() as conn:
            if self.kind == "sqlite":
                conn.exec_driver_sql("PRAGMA secure_delete = ON")
            conn.execute(update(person_keys).where(person_keys.c.person_id == person_id)
                         .values(key=None, lookup=None, erased_at=_now()))
        if self.kind == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return person_id

    def erased_at(self, person_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(person_keys.c.erased_at).where(person_keys.c.person_id == person_id)).scalar()
