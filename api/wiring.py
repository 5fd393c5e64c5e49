"""How a Ledger gets what the projections provide, for every entry point (CLI, demo, API).

The domain declares ports and imports none of their implementations; this is the
one place that plugs them in, so the CLI and the web app publish the same way:

* ``ledger.checkpoints`` (the integrity log's signer) and the integrity log in each
  command's transaction: :meth:`projections.audit.service.AuditService.ledger`;
* ``ledger.ratings``, ``ledger.blacklist``, ``ledger.publisher``: :func:`wire`.
"""

from __future__ import annotations

import threading
from typing import Any


class Serialised:
    """Calls the wrapped object's methods one at a time (under ``lock``)."""

    def __init__(self, target: object, lock: threading.RLock) -> None:
        self._target, self._lock = target, lock

    def __getattr__(self, name: str) -> object:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args: object, **kwargs: object) -> object:
            with self._lock:
                return attr(*args, **kwargs)
        return call


def wire(ledger: Any, lock: threading.RLock | None = None) -> Any:
    """Plug the ratings calculator, the blacklist view and the publication calculator into a
    Ledger (ports already set are kept).

    ``lock``: for a Ledger shared by threads (API workers). The ratings calculator and the
    blacklist view follow the log in memory and are not thread-safe, so their calls are
    serialised under it; the publication calculator holds a lock of its own.
    """
    from projections.blacklist import blacklist_view
    from projections.publication_calc import publication_calculator
    from projections.ratings import ratings_calculator

    def guarded(port: object) -> object:
        return port if lock is None else Serialised(port, lock)

    ledger.ratings = ledger.ratings or guarded(ratings_calculator(ledger))
    ledger.blacklist = ledger.blacklist or guarded(blacklist_view(ledger=ledger))
    ledger.publisher = ledger.publisher or publication_calculator(ledger)
    return ledger


def audited_ledger(settings: Any, database_url: str | None = None, *, lock: threading.RLock | None = None,
                   **kwargs: Any) -> Any:
    """A Ledger on ``database_url`` (default: the settings') with the integrity log in each
    transaction, publications signed with the key at ``settings.signing_key_path`` (a
    publication without a key is refused, naming ``signing_key``), and :func:`wire`\\ d."""
    from projections.audit.service import AuditService

    url = database_url or settings.database_url
    service = AuditService(url, settings.signing_key_path, settings.checkpoint_origin,
                           getattr(settings, "person_keys_url", "") or "")
    return wire(service.ledger(pack_id=settings.pack_id, **kwargs), lock)
