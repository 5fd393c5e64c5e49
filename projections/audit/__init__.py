"""Audit: a tamper-evident ledger (RFC 9162 Merkle log over the events, written in
the events' own transaction), signed checkpoints, proofs, offline bundles,
replay of publications, and per-person sealing of personal data.

Entry point: :class:`projections.audit.service.AuditService`.  Nothing here is
imported eagerly: ``verify``, ``checkpoint`` and ``offline`` must stay importable
with the standard library and ``cryptography`` alone (the auditor's side).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "AuditService": "projections.audit.service",
    "IntegrityLog": "projections.audit.log",
    "integrity_env": "projections.audit.recorder",
    "PersonVault": "projections.audit.vault",
    "SignedCheckpoint": "projections.audit.notary",
    "verify_bundle": "projections.audit.offline",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
