"""Signed checkpoints of the integrity log, and the signing key file.

A checkpoint is a C2SP tlog-checkpoint signed with Ed25519 (``checkpoint.py``):

    <origin>
    <tree size>
    <base64 root>
    time <UTC, ISO 8601>
    position <last ledger position covered>
    digest <read model> <sha256 hex>        (zero or more: published results)

The extension lines are signed with the rest, so the time, the ledger
position and the digests of what was published from this prefix are as
trustworthy as the root.  Checkpoints are stored in ``checkpoints`` (size,
root, note text, created_at, reason); a verifier trusts the note, never the
columns, which are there for querying.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import BigInteger, Column, Integer, LargeBinary, MetaData, String, Table, Text, insert, select
from sqlalchemy.engine import Engine

from projections.audit.checkpoint import (
    CheckpointError,
    generate_key,
    open_checkpoint,
    sign_checkpoint,
    verifier_key_for,
)
from projections.audit.log import IntegrityLog
from projections.audit.sql import create_all_retrying

metadata = MetaData()
checkpoints = Table(
    "checkpoints", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("size", BigInteger, nullable=False, index=True),
    Column("position", BigInteger, nullable=False),
    Column("root", LargeBinary, nullable=False),
    Column("note", Text, nullable=False),
    Column("verifier_key", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("digests", Text, nullable=False),  # JSON {name: hex}, also signed in the note
)
_DIGEST_NAME = re.compile(r"[A-Za-z0-9_.:/-]{1,100}")


class SigningKeyError(CheckpointError):
    """No signing key, or a key file that is not ours to overwrite."""


@dataclass(frozen=True)
class SignedCheckpoint:
    id: int
    size: int
    position: int
    root: bytes
    note: str
    verifier_key: str
    created_at: str
    reason: str
    digests: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        import base64
        return {"id": self.id, "size": self.size, "position": self.position,
                "root": base64.b64encode(self.root).decode(), "created_at": self.created_at,
                "reason": self.reason, "digests": self.digests, "note": self.note}


def keygen(path: Path, name: str) -> str:
    """Write a new signer key to ``path`` (mode 0600) and its verifier key to ``path.pub``.

    Refuses to overwrite: losing the old key would orphan every checkpoint
    already published with it.
    """
    path = Path(path)
    pub = path.with_name(path.name + ".pub")
    for p in (path, pub):
        if p.exists():
            raise SigningKeyError(f"{p} exists; refusing to overwrite a signing key")
    skey, vkey = generate_key(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(skey + "\n")
    pub.write_text(vkey + "\n")
    return vkey


def load_signer(path: Path) -> str:
    path = Path(path)
    if not path.exists():
        raise SigningKeyError(f"no signing key at {path}: run `taizhang audit keygen`")
    return path.read_text().strip()


def load_verifier(path: Path) -> str | None:
    """The pinned verifier key: ``path.pub``, else derived from the signer key, else None."""
    path = Path(path)
    pub = path.with_name(path.name + ".pub")
    if pub.exists():
        return pub.read_text().strip()
    return verifier_key_for(path.read_text().strip()) if path.exists() else None


def _row(r) -> SignedCheckpoint:
    return SignedCheckpoint(r.id, r.size, r.position, bytes(r.root), r.note, r.verifier_key, r.created_at,
                            r.reason, json.loads(r.digests))


class Notary:
    """Makes and lists the signed checkpoints of one ledger."""

    def __init__(self, log: IntegrityLog, signing_key_path: Path, origin: str) -> None:
        self.log, self.key_path, self.origin = log, Path(signing_key_path), origin
        self.engine: Engine = log.engine
        self._ready = False

    def setup(self) -> Notary:
        if not self._ready:
            create_all_retrying(lambda: metadata.create_all(self.engine))
            self._ready = True
        return self

    def make_checkpoint(self, reason: str, digests: dict[str, str | dict] | None = None,
                        size: int | None = None) -> SignedCheckpoint:
        """Sign (size, root, time, position, digests) of the log as it stands now (or of its
        first ``size`` leaves).

        ``digests``: read model name -> SHA-256 hex, or a dict with ``"digest"`` (and
        e.g. per-table digests, stored unsigned beside the note).  Events committed
        without the integrity recorder are logged first (``catch_up``, flagged as
        adopted) so the checkpoint covers everything a publication computed from.
        """
        digests = dict(sorted((digests or {}).items()))
        signed = {n: (v["digest"] if isinstance(v, dict) else v) for n, v in digests.items()}
        for name, value in signed.items():
            if not _DIGEST_NAME.fullmatch(name) or not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
                raise ValueError(f"digest {name!r}: need a name [A-Za-z0-9_.:/-] and 64 hex digits")
        if not reason or "\n" in reason:
            raise ValueError("reason: one non-empty line")
        signer = load_signer(self.key_path)
        self.setup()
        self.log.catch_up()
        current, position = self.log.state()
        if size is not None:
            if not 0 <= size <= current:
                raise ValueError(f"size: the log has {current} leaves")
            position = (self.log.position_of(size - 1) or 0) if size else 0
        else:
            size = current
        root = self.log.root(size)
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        extensions = [f"time {now}", f"position {position}", *(f"digest {n} {v}" for n, v in signed.items())]
        note = sign_checkpoint(self.origin, size, root, signer, extensions)
        values = dict(size=size, position=position, root=root, note=note, verifier_key=verifier_key_for(signer),
                      created_at=now, reason=reason.strip(), digests=json.dumps(digests, sort_keys=True))
        with self.engine.begin() as conn:
            new_id = conn.execute(insert(checkpoints).values(**values)).inserted_primary_key[0]
        return SignedCheckpoint(id=new_id, **{**values, "digests": digests})

    def signed_digests(self, cp: SignedCheckpoint) -> dict[str, str]:
        """The ``digest`` lines of a checkpoint's note (what the signature covers)."""
        lines = cp.note.split("\n\n", 1)[0].split("\n")[3:]
        return {p[1]: p[2] for p in (line.split(" ") for line in lines) if len(p) == 3 and p[0] == "digest"}

    def all(self) -> list[SignedCheckpoint]:
        self.setup()
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(select(checkpoints).order_by(checkpoints.c.id))]

    def latest(self, size: int | None = None) -> SignedCheckpoint | None:
        """The newest checkpoint (of that tree size, if given)."""
        found = [c for c in self.all() if size is None or c.size == size]
        return found[-1] if found else None

    def verifier_key(self) -> str | None:
        return load_verifier(self.key_path)

    def open(self, cp: SignedCheckpoint, vkey: str | None = None) -> None:
        """Check a stored checkpoint's signature and that its columns say what the note says."""
        parsed = open_checkpoint(cp.note, vkey or cp.verifier_key, self.origin)
        if (parsed.size, parsed.root) != (cp.size, cp.root):
            raise CheckpointError(f"checkpoint {cp.id}: columns differ from the signed note")
