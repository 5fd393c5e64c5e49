"""The Ledger's publishing commands (a mixin of :class:`domain.ledger.Ledger`): star ratings,
the blacklist and subsidy lists, each with the signed checkpoint it was computed from.

Two ports, set by whoever wires the ledger (domain imports neither):

* ``ledger.checkpoints``: a :class:`CheckpointSigner`
  (``projections.audit.service.AuditService.ledger`` sets one). Without it a
  publication is recorded unsigned (``checkpoint_size`` None): unit tests on
  ``memory://``, which has no integrity log.
* ``ledger.publisher``: a :class:`PublicationCalculator`
  (``projections.publication_calc.publication_calculator``) for the blacklist and subsidy lists.

See :mod:`domain.publication` for the order: compute as of P → validate → sign → record.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from domain.application import CommandResult
from domain.base import Stamp
from domain.errors import RuleViolation
from domain.publication import Publication, Sign, check_period, digest_name, publication_code, subsidy_key
from domain.values import check_code, check_date


class CheckpointSigner(Protocol):
    """Signs checkpoints of the integrity log (a port: ``projections.audit`` implements it)."""

    def sign(self, reason: str, position: int, digests: dict[str, str]) -> dict:
        """Sign the log up to ``position`` with ``digests`` in the note; returns
        ``{"size": tree size, "root": base64 root, "position": last ledger position covered}``."""


class PublicationCalculator(Protocol):
    """Computes what is published from the ledger up to a position (a port: the projections implement it)."""

    def blacklist(self, as_of: date, upto: int) -> dict:
        """``{"rows", "digest"}``: the entries in force on ``as_of``."""

    def subsidy_list(self, period: str, pack_id: str, upto: int) -> dict:
        """``{"rows", "digest", "pack_version"}``: one row per community of ``period``."""


class PublicationCommands:
    checkpoints: CheckpointSigner | None = None
    publisher: PublicationCalculator | None = None

    def signer(self, reason: str, position: int, kind: str, key: str) -> Sign | None:
        """``sign(number, digest)`` for a publication computed from ``position`` (None: no signer wired)."""
        signer = self.checkpoints
        if signer is None:
            return None
        return lambda number, digest: signer.sign(reason, position, {digest_name(kind, key, number): digest})

    def _stored(self) -> None:
        """Publications read and sign the stored log: a batch's pending events must be in it."""
        if self._batch is not None:
            self.flush()

    def _publisher(self, calculator: PublicationCalculator | None) -> PublicationCalculator:
        found = calculator or self.publisher
        if found is None:
            raise RuleViolation("calculator", "configured", "no publication calculator is configured for this ledger")
        self._stored()
        return found

    def publication(self, kind: str, key: str) -> Publication | None:
        """The publications of one list so far (None: never published)."""
        code = publication_code(kind, key)
        return self._get(Publication, code, "key") if self.exists(Publication, code) else None

    def _series(self, kind: str, key: str, stamp: Stamp) -> Publication:
        return self.publication(kind, key) or Publication.start(kind=kind, key=key, stamp=stamp)

    # --- star ratings ----------------------------------------------------------------------------
    def publish_cycle(self, code: str, *, stamp: Stamp, idempotency_key: str | None = None,
                      expected_version: int | None = None) -> CommandResult:
        """Publish a computed result with a checkpoint of the log as it stands (which covers the
        result's inputs and its ResultComputed event); ``cycle_command("publish", …)`` comes here."""
        from domain.rating_cycle import RatingCycle  # rating_cycle imports domain.publication

        self._stored()

        def work() -> list:
            cycle = self._get(RatingCycle, code, "cycle_code", expected_version)
            sign = self.signer(f"publish {code}", self.max_position(), "ratings", code)
            cycle.publish(stamp=stamp, sign=sign)
            return [cycle]
        return self._run("publish", work, idempotency_key=idempotency_key, stamp=stamp)

    # --- blacklist and subsidy lists -------------------------------------------------------------------
    def publish_blacklist(self, *, as_of: date, stamp: Stamp, calculator: PublicationCalculator | None = None,
                          idempotency_key: str | None = None) -> CommandResult:
        """Publish the blacklist in force on ``as_of`` as the ledger knows it now."""
        key = check_date(as_of, "as_of").isoformat()
        calc = self._publisher(calculator)

        def work() -> list:
            series = self._series("blacklist", key, stamp)
            upto = self.max_position()
            found = calc.blacklist(as_of, upto)
            series.publish_blacklist(as_of=as_of, rows=found["rows"], digest=found["digest"], position=upto,
                                     stamp=stamp, sign=self.signer(f"publish blacklist {key}", upto, "blacklist", key))
            return [series]
        return self._run("publish_blacklist", work, idempotency_key=idempotency_key, stamp=stamp)

    def publish_subsidy_list(self, *, period: str, stamp: Stamp, pack_id: str | None = None,
                             calculator: PublicationCalculator | None = None,
                             idempotency_key: str | None = None) -> CommandResult:
        """Publish a period's subsidy list (default pack: the ledger's) as the ledger knows it now."""
        period = check_period(period)
        pack = check_code(pack_id or self.pack_id, "pack_id")
        key = subsidy_key(pack, period)
        calc = self._publisher(calculator)

        def work() -> list:
            series = self._series("subsidy_list", key, stamp)
            upto = self.max_position()
            found: dict[str, Any] = calc.subsidy_list(period, pack, upto)
            series.publish_subsidy_list(
                period=period, pack_id=pack, pack_version=found["pack_version"], rows=found["rows"],
                digest=found["digest"], position=upto, stamp=stamp,
                sign=self.signer(f"publish subsidy list {pack} {period}", upto, "subsidy_list", key))
            return [series]
        return self._run("publish_subsidy_list", work, idempotency_key=idempotency_key, stamp=stamp)
