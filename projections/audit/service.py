"""The audit capability in one object, for the CLI, the API and the publishing features.

    audit = AuditService.from_settings(settings)      # any object with the Settings fields
    ledger = audit.ledger(pack_id=…, blacklist=…)       # integrity log in every save, vault, receipts
    cp = audit.make_checkpoint("publication: rating cycle 2024", digests={"ratings": hex})
    audit.sign("publish 2024", position, {"ratings:2024:1": hex})  # the ledger's CheckpointSigner port
    audit.prove_inclusion(position=42)                  # JSON-ready dicts
    audit.verify().ok
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from domain.errors import RuleViolation
from domain.ledger import Ledger
from projections.audit import proofs
from projections.audit.bundle import export_bundle
from projections.audit.log import IntegrityLog, b64
from projections.audit.notary import Notary, SignedCheckpoint, keygen
from projections.audit.recorder import integrity_env
from projections.audit.scan import VerifyReport, verify_database
from projections.audit.vault import PersonVault


class AuditError(ValueError):
    """A request the audit layer cannot serve (names what is missing)."""


class AuditService:
    def __init__(self, database_url: str, signing_key_path: str | Path = "taizhang-signing.key",
                 origin: str = "taizhang.example/jinnan", person_keys_url: str = "") -> None:
        self.database_url = database_url
        self.log = IntegrityLog(database_url)
        self.notary = Notary(self.log, Path(signing_key_path), origin)
        self.person_keys_url = person_keys_url or database_url
        self._vault: PersonVault | None = None
        self._lock = threading.Lock()
        self.last_signed: SignedCheckpoint | None = None  # the checkpoint of the last publication signed

    @classmethod
    def from_settings(cls, settings: Any) -> AuditService:
        return cls(settings.database_url, settings.signing_key_path, settings.checkpoint_origin,
                   getattr(settings, "person_keys_url", "") or "")

    # --- wiring a ledger ---------------------------------------------------------------------
    def ledger_env(self) -> dict[str, str]:
        """Pass as ``Ledger(url, env=…)``: the integrity log is written in each save's transaction."""
        return integrity_env(self.database_url)

    @property
    def vault(self) -> PersonVault:
        with self._lock:
            if self._vault is None:
                self._vault = PersonVault(self.person_keys_url).setup()
        return self._vault

    def attach(self, ledger: Ledger) -> Ledger:
        self.log.setup()
        self.log.attach(ledger)
        return ledger

    def ledger(self, **kwargs: Any) -> Ledger:
        """A Ledger that logs in its own transactions and signs its publications (``sign``)."""
        env = {**self.ledger_env(), **kwargs.pop("env", {})}
        kwargs.setdefault("vault", self.vault)
        ledger = self.attach(Ledger(self.database_url, env=env, **kwargs))
        ledger.checkpoints = self
        return ledger

    # --- checkpoints ---------------------------------------------------------------------------
    def keygen(self) -> str:
        return keygen(self.notary.key_path, self.notary.origin)

    def make_checkpoint(self, reason: str, digests: dict[str, str] | None = None) -> SignedCheckpoint:
        """Sign the log as it stands (a publication passes the digests of what it published)."""
        return self.notary.make_checkpoint(reason, digests)

    def sign(self, reason: str, position: int, digests: dict[str, str]) -> dict:
        """The Ledger's ``CheckpointSigner`` (domain.publishing): a checkpoint of exactly the log up
        to ``position`` (the publication's inputs), the published digests signed in its note."""
        if not self.notary.key_path.exists():
            raise RuleViolation("signing_key", "required", f"no signing key at {self.notary.key_path}: run "
                                "`taizhang audit keygen` (every publication carries a signed checkpoint)")
        with self._lock:
            self.log.catch_up()
            index = self.log.leaf_index(position)
            if index is None:
                raise RuleViolation("position", "logged", f"ledger position {position} is not in the integrity log")
            cp = self.last_signed = self.notary.make_checkpoint(reason, digests, size=index + 1)
        return {"size": cp.size, "root": b64(cp.root), "position": cp.position}

    def checkpoint(self, size: int | None = None) -> SignedCheckpoint:
        cp = self.notary.latest(size)
        if cp is None:
            raise AuditError("no checkpoint yet: run `taizhang audit checkpoint`" if size is None
                             else f"no checkpoint of size {size}")
        self.notary.open(cp, self.notary.verifier_key())
        return cp

    # --- proofs ----------------------------------------------------------------------------------
    def prove_inclusion(self, position: int, checkpoint_size: int | None = None) -> dict[str, Any]:
        cp = self.checkpoint(checkpoint_size)
        return proofs.inclusion(self.log, position, cp.size, cp)

    def prove_consistency(self, old: int, new: int) -> dict[str, Any]:
        """Between two checkpoints (by size); sizes without a checkpoint use the stored tree."""
        size, _ = self.log.state()
        if new > size:
            raise AuditError(f"to: the log has {size} leaves")
        return proofs.consistency(self.log, old, new, self.notary.latest(old), self.notary.latest(new))

    # --- verification and export -------------------------------------------------------------------
    def verify(self) -> VerifyReport:
        return verify_database(self.log, self.notary, self.notary.verifier_key())

    def export(self, path: str | Path, prove: list[int] | None = None, checkpoint: bool = True) -> dict[str, Any]:
        if checkpoint and self.notary.key_path.exists():
            size, _ = self.log.state()
            latest = self.notary.latest()
            if self.log.unlogged() or latest is None or latest.size != size:
                self.make_checkpoint("export")
        return export_bundle(self.log, self.notary, path, prove, self.notary.verifier_key())

    def status(self) -> dict[str, Any]:
        size, last = self.log.state()
        latest = self.notary.latest()
        return {"tree_size": size, "last_position": last, "root": b64(self.log.root(size)),
                "ledger_position": self.log.max_position(), "unlogged": self.log.unlogged(),
                "checkpoints": len(self.notary.all()), "latest_checkpoint": latest.as_dict() if latest else None,
                "signing_key": str(self.notary.key_path), "key_present": self.notary.key_path.exists()}

    # --- personal data ---------------------------------------------------------------------------------
    def forget(self, person: str) -> dict[str, Any]:
        person_id = self.vault.forget(person)
        return {"person_id": person_id, "erased_at": self.vault.erased_at(person_id)}
