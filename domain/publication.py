"""Publications of the blacklist and of subsidy lists, and what every publication
(these and the star ratings) carries: the signed checkpoint of the log it was
computed from.

A publication fixes rows computed by a projection from the ledger up to a
position, their digest (recomputed here from the rows, so a publication can
never carry the digest of something else) and the tree size and root of a
signed checkpoint covering that position.

Order, and why: the service layer computes the rows as of position P; the
aggregate validates the publication; only then is the checkpoint signed
(``sign(number, digest)``: the digest is signed in the checkpoint's note too);
then the publication event is recorded with the checkpoint's size and root.
So the checkpoint covers the publication's inputs (every event up to P, and
for a rating cycle its ResultComputed event) but not the publication event
itself, which the next checkpoint covers; a refused publication never leaves a
signed checkpoint behind.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from datetime import date
from typing import Callable

from domain.base import LedgerAggregate, Stamp
from domain.errors import RuleViolation, ValidationError
from domain.values import check_choice, check_code, check_count, check_date, check_text, check_uscc

KINDS = ("blacklist", "subsidy_list")
BLACKLIST_REASONS = ("grade", "veto", "dishonesty")
# blacklist row: uscc, reason, since, until (first day off; None: open-ended), detail, event references
BLACKLIST_WIDTH = 6
# subsidy row: street, community code, name, modes, area, rates, months, grades, due, paid,
# outstanding, overpaid, reasons, {payer: [due, paid, outstanding, overpaid]}
SUBSIDY_WIDTH = 14
_PERIOD = re.compile(r"\d{4}(-Q[1-4]|-H[12]|-(0[1-9]|1[0-2]))?")

Sign = Callable[[int, str], "dict | None"]  # (publication number, digest) -> {"size", "root", "position"}


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def publication_digest(kind: str, key: str, rows: list) -> str:
    """SHA-256 over ``[kind, key]`` then one canonical JSON line per row (the projections and an
    auditor's replay use this same function)."""
    h = hashlib.sha256(canonical([kind, key]).encode() + b"\n")
    for row in rows:
        h.update(canonical(row).encode())
        h.update(b"\n")
    return h.hexdigest()


def digest_name(kind: str, key: str, number: int) -> str:
    """How a publication's digest is named in a checkpoint note: ``ratings:2025:1``, ``blacklist:2026-01-08:1``."""
    return f"{kind}:{key}:{number}"


def check_checkpoint(checkpoint: object, position: int) -> tuple[int, str]:
    """(size, root) of a signed checkpoint that covers ``position``."""
    if not isinstance(checkpoint, dict):
        raise ValidationError("checkpoint", "shape", "must be {size, root, position}")
    size = check_count(checkpoint.get("size"), "checkpoint.size", minimum=1)
    root = checkpoint.get("root")
    try:
        raw = base64.b64decode(root.encode("ascii"), validate=True) if isinstance(root, str) else b""
    except (binascii.Error, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise ValidationError("checkpoint.root", "sha256_base64", "must be a SHA-256 root in base64")
    covered = check_count(checkpoint.get("position"), "checkpoint.position", minimum=1)
    if covered < position:
        raise RuleViolation("checkpoint.position", "covers_inputs",
                            f"the checkpoint covers the ledger up to {covered}, "
                            f"the publication was computed from {position}")
    return size, root


def signed_checkpoint(sign: Sign | None, number: int, digest: str,
                      position: int) -> tuple[int | None, str | None]:
    """Call ``sign`` (after every check of the publication) and check what it returns; no signer: unsigned."""
    if sign is None:
        return None, None
    checkpoint = sign(number, digest)
    return (None, None) if checkpoint is None else check_checkpoint(checkpoint, position)


def check_rows(rows: object, width: int, key_check: Callable[[object, str], object]) -> list:
    """A list of rows of ``width`` cells in plain JSON (what a replay will read back)."""
    if not isinstance(rows, list):
        raise ValidationError("rows", "list", "must be a list of rows")
    try:
        clean = json.loads(json.dumps(rows, allow_nan=False))
    except (TypeError, ValueError):
        raise ValidationError("rows", "json", "must be plain JSON (lists, text, finite numbers)") from None
    for i, row in enumerate(clean):
        if not isinstance(row, list) or len(row) != width:
            raise ValidationError(f"rows.{i}", "row_shape", f"must be a row of {width} cells")
        key_check(row[0] if width == BLACKLIST_WIDTH else row[1], f"rows.{i}")
    return clean


def _blacklist_key(value: object, field: str) -> None:
    check_uscc(value if isinstance(value, str) else "", field)


def _community_key(value: object, field: str) -> None:
    check_code(value if isinstance(value, str) else "", field)


def check_period(period: object, field: str = "period") -> str:
    if not isinstance(period, str) or not _PERIOD.fullmatch(period):
        raise ValidationError(field, "period_format", "must be a period YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM")
    return period


def publication_code(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def subsidy_key(pack_id: str, period: str) -> str:
    return f"{pack_id}:{period}"


class Publication(LedgerAggregate):
    """Every publication of one list (the blacklist as of a date, a pack's subsidy list of a
    period): number 1, then later ones when the rows changed; the first stays in the history."""

    KIND = "publication"

    class Started(LedgerAggregate.Created):
        code: str
        kind: str
        key: str

        def apply(self, p: Publication) -> None:
            p.code, p.kind, p.key = self.code, self.kind, self.key
            p.publications = []  # {"number", "digest", "position", "on", "checkpoint_size", "checkpoint_root"}
            p.rows = []  # the latest publication's rows

    class Published(LedgerAggregate.Event):
        number: int
        digest: str
        position: int  # ledger position the rows were computed from
        checkpoint_size: int | None  # the signed checkpoint covering that position (None: unsigned)
        checkpoint_root: str | None
        rows: list

        def apply(self, p: Publication) -> None:
            p.publications.append({"number": self.number, "digest": self.digest, "position": self.position,
                                   "on": self.occurred_on, "checkpoint_size": self.checkpoint_size,
                                   "checkpoint_root": self.checkpoint_root})
            p.rows = list(self.rows)

    class BlacklistPublished(Published):
        as_of: date

    class SubsidyListPublished(Published):
        period: str
        pack_id: str
        pack_version: str

        def apply(self, p: Publication) -> None:
            super().apply(p)
            p.pack_version = self.pack_version

    @classmethod
    def start(cls, *, kind: str, key: str, stamp: Stamp) -> Publication:
        check_choice(kind, "kind", set(KINDS))
        return cls._create_with(cls.Started, publication_code(kind, key), stamp,
                                code=publication_code(kind, key), kind=kind, key=key)

    @property
    def latest(self) -> dict | None:
        return self.publications[-1] if self.publications else None

    def _check(self, rows: list, digest: str, position: int) -> int:
        """The next publication number, once the rows, their digest and the position hold."""
        check_count(position, "position", minimum=1)
        if digest != publication_digest(self.kind, self.key, rows):
            raise ValidationError("digest", "matches_rows", "the digest does not match the published rows")
        last = self.latest
        if last is not None:
            if position < last["position"]:
                raise RuleViolation("position", "not_before_previous",
                                    f"publication {last['number']} was computed from a later position "
                                    f"({last['position']})")
            if digest == last["digest"]:
                raise RuleViolation("digest", "changes_result", f"{self.key} was already published with these rows "
                                    f"(publication {last['number']}); nothing changed")
        return len(self.publications) + 1

    def publish_blacklist(self, *, as_of: date, rows: list, digest: str, position: int, stamp: Stamp,
                          sign: Sign | None = None) -> None:
        if self.kind != "blacklist" or check_date(as_of, "as_of").isoformat() != self.key:
            raise ValidationError("as_of", "publication_key", f"this publication is {self.code}")
        clean = check_rows(rows, BLACKLIST_WIDTH, _blacklist_key)
        for i, row in enumerate(clean):
            check_choice(row[1], f"rows.{i}.reason", set(BLACKLIST_REASONS))
        number = self._check(clean, digest, position)
        size, root = signed_checkpoint(sign, number, digest, position)
        self._trigger(self.BlacklistPublished, stamp, as_of=as_of, number=number, digest=digest, position=position,
                      checkpoint_size=size, checkpoint_root=root, rows=clean)

    def publish_subsidy_list(self, *, period: str, pack_id: str, pack_version: str, rows: list, digest: str,
                             position: int, stamp: Stamp, sign: Sign | None = None) -> None:
        key = subsidy_key(check_code(pack_id, "pack_id"), check_period(period))
        if self.kind != "subsidy_list" or key != self.key:
            raise ValidationError("period", "publication_key", f"this publication is {self.code}")
        pack_version = check_text(pack_version, "pack_version", max_len=20)
        clean = check_rows(rows, SUBSIDY_WIDTH, _community_key)
        number = self._check(clean, digest, position)
        size, root = signed_checkpoint(sign, number, digest, position)
        self._trigger(self.SubsidyListPublished, stamp, period=period, pack_id=pack_id, pack_version=pack_version,
                      number=number, digest=digest, position=position, checkpoint_size=size,
                      checkpoint_root=root, rows=clean)
