"""What a blacklist or subsidy-list publication contains, computed from the log as of a position.

The rows are those of the read models (``credit_blacklist`` entries in force on
a day; the subsidy export's lines of a period), computed from the same states
(:class:`~projections.credit_state.CreditState`, :class:`~projections.subsidy_inputs.SubsidyInputs`)
folded up to exactly the position, never from tables that may have moved on.
One code path serves the Ledger at publication time
(:class:`LedgerPublicationCalculator`, the domain's ``PublicationCalculator``
port), the ``publications`` read model and an auditor's replay.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Sequence

from domain.errors import RuleViolation, ValidationError
from domain.publication import publication_digest, subsidy_key
from projections.credit import provider_rows
from projections.credit_calc import listed_on
from projections.credit_state import TOPICS as CREDIT_TOPICS, CreditState
from projections.ledger_log import read_records, recorder_lookup
from projections.records import Record
from projections.subsidies import pack_ids, rows_of
from projections.subsidy_book import adoptions_of, compute_dues, in_force
from projections.subsidy_inputs import NESTED, TOPICS as SUBSIDY_TOPICS, SubsidyInputs
from projections.subsidy_periods import parse_period
from projections.subsidy_read import Line, period_lines

Reader = Callable[[int, int, Sequence[str]], Iterable[Record]]  # (after, upto, topics) -> records in order
SUBSIDY_TOPIC_LIST = tuple(sorted(SUBSIDY_TOPICS))


class Fold:
    """A state folded from the log up to a position: moved forward on demand, started again
    from zero when asked for an earlier position (so any position gives the same state)."""

    def __init__(self, make: Callable[[], Any], topics: Sequence[str], read: Reader,
                 settle: Callable[[Any], None] | None = None) -> None:
        self.make, self.topics, self.read, self.settle = make, tuple(topics), read, settle
        self.state: Any = None
        self.position = 0

    def at(self, upto: int) -> Any:
        if self.state is None or upto < self.position:
            self.state, self.position = self.make(), 0
        if upto > self.position:
            for record in self.read(self.position, upto, self.topics):
                self.state.apply(record)
            self.position = upto
            if self.settle is not None:
                self.settle(self.state)
        return self.state


def source_reader(source: Any, page: int = 20000) -> Reader:
    """A :data:`Reader` over a :class:`projections.source.EventSource` (SQLite or PostgreSQL)."""
    def read(after: int, upto: int, topics: Sequence[str]) -> Iterator[Record]:
        while after < upto:
            batch = source.read(after, upto, page, list(topics))
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1].position
    return read


def recorder_reader(recorder: Any) -> Reader:
    """A :data:`Reader` over a Ledger's recorder (any store, also ``memory://``)."""
    return lambda after, upto, topics: read_records(recorder, after, upto, topics)


# --- the blacklist -----------------------------------------------------------------------------------
def blacklist_rows(state: CreditState, as_of: str) -> list[list]:
    """Entries in force on ``as_of``, by provider then entry order (the order of ``blacklist_on``):
    [uscc, reason, since, until, detail, event references]."""
    rows = []
    for uscc in sorted(state.items):
        _, _, entries = provider_rows(state, uscc)
        rows += [[uscc, e["reason"], e["since"], e["until"], e["detail"], e["events"]]
                 for e in listed_on(entries, as_of)]
    return rows


def blacklist_result(state: CreditState, as_of: str) -> dict:
    rows = blacklist_rows(state, as_of)
    return {"rows": rows, "digest": publication_digest("blacklist", as_of, rows)}


# --- subsidy lists ---------------------------------------------------------------------------------------
def _money(value: Decimal) -> str:
    return str(value)


def line_row(line: Line) -> list:
    return [line.street, line.community_code, line.community_name, list(line.modes), str(line.area),
            list(line.rates), line.months, list(line.grades), _money(line.due), _money(line.paid),
            _money(line.outstanding), _money(line.overpaid), list(line.reasons),
            {payer: [_money(v) for v in values] for payer, values in sorted(line.by_payer.items())}]


def row_line(row: list) -> Line:
    """A published row back as the export's :class:`Line` (the workbook prints exactly what was published)."""
    (street, code, name, modes, area, rates, months, grades, due, paid, outstanding, overpaid, reasons,
     by_payer) = row
    return Line(street, code, name, list(modes), Decimal(area), list(rates), months, list(grades), Decimal(due),
                Decimal(paid), Decimal(outstanding), Decimal(overpaid), list(reasons),
                by_payer={p: [Decimal(v) for v in values] for p, values in by_payer.items()})


def _payments(state: dict) -> list[dict]:
    out = []
    for code, c in state["communities"].items():
        for body in c["payments"].values():
            span = parse_period(body["period"])
            out.append({"community_code": code, "period": body["period"], "payer": body["payer"],
                        "amount": body["amount"], "period_start": span and span.start.isoformat(),
                        "period_end": span and span.end.isoformat()})
    return out


def subsidy_result(inputs: SubsidyInputs, pack_id: str, label: str) -> dict:
    """``{"rows", "digest", "pack_version"}`` of a complete period's list under an adopted pack."""
    state = inputs.state()
    if pack_id not in pack_ids(state):
        raise RuleViolation("pack_id", "adopted", f"{pack_id} is not adopted in this ledger")
    period = parse_period(label)
    if period is None:
        raise ValidationError("period", "period_format", "must be a period YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM")
    horizon = state["horizon"]
    if horizon is None or horizon < period.end.isoformat():
        raise RuleViolation("period", "complete", f"the ledger's records reach {horizon or 'no date'}; "
                            f"{label} ends on {period.end.isoformat()}: publish a complete period")
    adoption = in_force(adoptions_of(state, pack_id), period.start)
    if adoption is None:
        raise RuleViolation("period", "pack_in_force", f"no version of {pack_id} is in force on {period.start}")
    dues = rows_of(compute_dues(state, pack_id, first=period.start))
    communities = {code: {k: v for k, v in c.items() if k not in NESTED.values()}
                   for code, c in state["communities"].items()}
    rows = [line_row(line) for line in period_lines(dues, _payments(state), period, communities)]
    return {"rows": rows, "digest": publication_digest("subsidy_list", subsidy_key(pack_id, label), rows),
            "pack_version": adoption.version}


# --- the Ledger's port ---------------------------------------------------------------------------------------
def _forget_subsidy_changes(inputs: SubsidyInputs) -> None:
    inputs.changed.clear()  # what a read model would write: nothing to write here
    inputs.take_stale()


def credit_fold(read: Reader, lookup: Callable) -> Fold:
    return Fold(lambda: CreditState(lookup), CREDIT_TOPICS, read, CreditState.clean)


def subsidy_fold(read: Reader) -> Fold:
    return Fold(SubsidyInputs, SUBSIDY_TOPIC_LIST, read, _forget_subsidy_changes)


def ledger_lookup(ledger: Any) -> Callable[[str, int], Record | None]:
    """Look-backs with the event's ledger position (``recorder_lookup`` says 0): credit items name
    the events they rest on, and the published rows must be those the read model shows."""
    from uuid import UUID

    find = recorder_lookup(ledger.recorder)

    def lookup(originator_id: str, version: int) -> Record | None:
        record = find(originator_id, version)
        if record is None:
            return None
        found = ledger._positions_of([(UUID(originator_id), version)])
        return record._replace(position=found[0] if found else 0)
    return lookup


class LedgerPublicationCalculator:
    """The Ledger's ``PublicationCalculator``: folds the ledger's own log (any store) in memory,
    kept between publications and moved forward to each one's position."""

    def __init__(self, ledger: Any) -> None:
        read = recorder_reader(ledger.recorder)
        self.credit = credit_fold(read, ledger_lookup(ledger))
        self.subsidy = subsidy_fold(read)
        self.lock = threading.Lock()  # API workers are threads

    def blacklist(self, as_of, upto: int) -> dict:
        with self.lock:
            return blacklist_result(self.credit.at(upto), as_of.isoformat())

    def subsidy_list(self, period: str, pack_id: str, upto: int) -> dict:
        with self.lock:
            return subsidy_result(self.subsidy.at(upto), pack_id, period)

    def horizon(self, upto: int) -> str | None:
        """The latest business date the subsidy facts reach (``YYYY-MM-DD``): what "complete" is measured by."""
        with self.lock:
            return self.subsidy.at(upto).meta["horizon"]


def publication_calculator(ledger: Any) -> LedgerPublicationCalculator:
    """Factory for the CLI and the API: ``ledger.publisher = publication_calculator(ledger)``."""
    return LedgerPublicationCalculator(ledger)
