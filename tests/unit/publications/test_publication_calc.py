"""The pieces publications are computed and replayed with: folds as of a position, roots of
prefixes in one pass, published rows and their lines, the demo's quarter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, strategies as st

from domain.demo.publish import last_complete_quarter
from projections.audit.merkle import leaf_hash, root_from_leaf_hashes
from projections.audit.publication_replay import roots_at, split_recorded
from projections.publication_calc import Fold, line_row, publication_calculator, row_line
from projections.subsidy_read import Line
from tests.unit.domain import builders as b
from tests.unit.ratings import scenario as s


@given(st.integers(min_value=1, max_value=70), st.data())
def test_roots_at_gives_the_root_of_every_asked_prefix_in_one_pass(n, data):
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    sizes = data.draw(st.sets(st.integers(min_value=1, max_value=n)))
    root, count, found = roots_at(iter(leaves), sizes)
    assert (root, count) == (root_from_leaf_hashes(leaves), n)
    assert found == {k: root_from_leaf_hashes(leaves[:k]) for k in sizes}


class Counter:
    def __init__(self) -> None:
        self.total = 0

    def apply(self, record) -> None:
        self.total += record


def test_a_fold_moves_forward_and_starts_again_for_an_earlier_position():
    reads: list[tuple[int, int]] = []

    def read(after, upto, topics):
        reads.append((after, upto))
        return range(after + 1, upto + 1)

    fold = Fold(Counter, (), read)
    assert fold.at(3).total == 6 and fold.at(5).total == 15 and fold.at(5).total == 15
    assert fold.at(2).total == 3
    assert reads == [(0, 3), (3, 5), (0, 2)]


def test_last_complete_quarter_is_the_one_ending_on_the_horizon_or_the_one_before():
    assert last_complete_quarter(date(2025, 12, 31)) == "2025-Q4"
    assert last_complete_quarter(date(2025, 12, 29)) == "2025-Q3"
    assert last_complete_quarter(date(2025, 3, 31)) == "2025-Q1"
    assert last_complete_quarter(date(2025, 2, 1)) == "2024-Q4"
    assert last_complete_quarter(date(2024, 6, 30)) == "2024-Q2"


def test_a_note_names_publications_apart_from_read_models():
    models, pubs = split_recorded({"registry": "a", "ratings": "b", "ratings:2025:1": "c",
                                   "blacklist:2026-01-08:2": "d", "subsidy_list:jinnan:2025-Q4:1": "e"})
    assert models == {"registry": "a", "ratings": "b"}
    assert set(pubs) == {"ratings:2025:1", "blacklist:2026-01-08:2", "subsidy_list:jinnan:2025-Q4:1"}


def test_a_published_subsidy_row_reads_back_as_the_same_line():
    line = Line("双港镇", "C-1", "幸福里", ["professional", "trusteeship"], Decimal("1234.5"), ["0.10", "0.30"], 3,
                ["excellent"], Decimal("300.00"), Decimal("100.00"), Decimal("200.00"), Decimal("0.00"),
                ["2025-10：满意度不足"], by_payer={"district": [Decimal("300.00"), Decimal("100.00"),
                                                             Decimal("200.00"), Decimal("0.00")]})
    again = row_line(line_row(line))
    assert line_row(again) == line_row(line)
    assert (again.due, again.rate, again.mode_zh) == (line.due, line.rate, line.mode_zh)


def test_the_ledger_calculator_lists_a_dishonest_provider_only_within_its_term():
    ledger = s.wired()
    uscc = b.uscc(7)
    b.provider(ledger, uscc)
    ledger.provider_command("declare_dishonest", uscc, term_start=date(2025, 1, 1), term_end=date(2025, 6, 30),
                            reason="投标材料弄虚作假", stamp=b.stamp(date(2025, 1, 1)))
    calc = publication_calculator(ledger)
    upto = ledger.max_position()
    (row,) = calc.blacklist(date(2025, 3, 1), upto)["rows"]
    assert row[:4] == [uscc, "dishonesty", "2025-01-01", "2025-07-01"]
    assert row[5][0]["position"] == upto  # event references carry their ledger position
    assert calc.blacklist(date(2025, 7, 1), upto)["rows"] == []
    assert calc.blacklist(date(2025, 3, 1), upto - 1)["rows"] == []  # as of before the declaration
