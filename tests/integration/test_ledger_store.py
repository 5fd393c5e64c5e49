"""The Ledger on real stores (each test runs on SQLite and on PostgreSQL): what is
written is what a new process reads back, idempotency keys survive a restart,
concurrent writers conflict instead of interleaving, multi-aggregate commands
are atomic, batch mode writes the same events, Decimal and date round-trip."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain.base import aggregate_id
from domain.community import Community
from domain.engagement import Engagement
from domain.errors import ConflictError
from domain.ledger import Ledger
from domain.provider import Provider
from tests.unit.domain import builders as b


@pytest.fixture
def open_ledger(database_url):
    """Ledger factory on the test's store; every ledger is closed before the store is dropped."""
    opened: list[Ledger] = []

    def open_(url: str = database_url, **kwargs) -> Ledger:
        ledger = Ledger(url, **kwargs)
        opened.append(ledger)
        return ledger

    yield open_
    for ledger in opened:
        ledger.close()


@pytest.fixture
def second_url(database_url, request):
    """A second, empty store of the same kind."""
    if database_url.startswith("sqlite"):
        yield database_url.replace("taizhang.db", "taizhang-2.db")
        return
    admin = request.getfixturevalue("postgres_admin")
    schema = database_url.rsplit("schema=", 1)[1] + "_b"
    admin.execute(f"CREATE SCHEMA {schema}")
    yield database_url.rsplit("schema=", 1)[0] + f"schema={schema}"
    admin.execute(f"DROP SCHEMA {schema} CASCADE")


def lifecycle(ledger: Ledger, flush=None) -> None:
    """A whole engagement, from registration to the next provider, with records on the way."""
    b.active_engagement(ledger)
    ledger.community_command("record_inspection", b.COMMUNITY, month="2024-02", items={"cleaning": True},
                             stamp=b.stamp(date(2024, 2, 28), "street"), idempotency_key="insp-2024-02")
    ledger.record_assessment(b.COMMUNITY, quarter="2024-Q1", points=b.POINTS, vetoes=[],
                             stamp=b.stamp(date(2024, 3, 31)))
    ledger.community_command("pay_subsidy", b.COMMUNITY, period="2024-Q1", payer_level="district",
                             amount="3600.00", voucher_no="PZ-1", stamp=b.stamp(date(2024, 4, 15), "finance"))
    if flush:
        flush()
    ledger.provider_command("declare_dishonest", b.USCC, term_start=date(2024, 5, 1), term_end=date(2025, 5, 1),
                            reason="失信", stamp=b.stamp(date(2024, 5, 1)))
    b.exit_notice(ledger)
    b.approve_exit(ledger)
    b.hand_over(ledger)
    ledger.end_engagement(b.ENGAGEMENT, ended_on=b.END, stamp=b.stamp(b.END, "street"))
    b.provider(ledger, b.uscc(2))
    b.request_entry(ledger, "E-002", provider_uscc=b.uscc(2))
    b.decide(ledger, "E-002")
    b.sign(ledger, "E-002", start=date(2026, 1, 1), end=date(2027, 12, 31))


AGGREGATES = [(Provider, b.USCC), (Provider, b.uscc(2)), (Community, b.COMMUNITY),
              (Engagement, b.ENGAGEMENT), (Engagement, "E-002")]


def stored(ledger: Ledger) -> dict[UUID, list[tuple[int, str, dict]]]:
    """Every stored event per aggregate: (version, topic, state without the recorded timestamp)."""
    events: dict[UUID, list[tuple[int, str, dict]]] = {}
    for n in ledger.recorder.select_notifications(1, 100000):
        state = json.loads(n.state)
        state.pop("timestamp")
        events.setdefault(n.originator_id, []).append((n.originator_version, n.topic, state))
    return events


def test_full_lifecycle_is_read_back_identically_by_a_new_ledger(open_ledger):
    writer = open_ledger(env=b.IN_MEMORY_ENV)
    lifecycle(writer)
    reader = open_ledger()
    assert reader.max_position() == writer.max_position()
    for cls, code in AGGREGATES:
        agg_id = aggregate_id(cls.KIND, code)
        assert b.state(reader.repository.get(agg_id)) == b.state(b.in_memory(writer, agg_id)), (cls.KIND, code)
    assert b.get(reader, Engagement, b.ENGAGEMENT).status == "ended"
    community = b.get(reader, Community, b.COMMUNITY)
    assert (community.current_engagement, community.current_provider) == ("E-002", b.uscc(2))
    assert community.vouchers == {"PZ-1"}


def test_idempotency_key_survives_a_restart(open_ledger):
    first_process = open_ledger()
    b.active_engagement(first_process)
    first = first_process.community_command("record_inspection", b.COMMUNITY, month="2024-01",
                                            items={"cleaning": True}, stamp=b.stamp(), idempotency_key="insp-1")
    first_process.close()
    restarted = open_ledger()
    position = restarted.max_position()
    again = restarted.community_command("record_inspection", b.COMMUNITY, month="2024-01",
                                        items={"cleaning": True}, stamp=b.stamp(), idempotency_key="insp-1")
    assert again.replayed
    assert (again.positions, again.versions) == (first.positions, first.versions)
    assert restarted.max_position() == position


def interleave(ledger: Ledger, other_writer) -> None:
    """Make ``ledger``'s next save happen just after ``other_writer()``: both loaded the same state."""
    save = ledger.save

    def late_save(*aggregates, **kwargs):
        ledger.save = save
        other_writer()
        return save(*aggregates, **kwargs)

    ledger.save = late_save


def test_second_of_two_concurrent_writers_gets_a_conflict_and_writes_nothing(open_ledger):
    first, second = open_ledger(), open_ledger()
    b.active_engagement(first)
    interleave(second, lambda: first.community_command(
        "record_inspection", b.COMMUNITY, month="2024-01", items={"cleaning": True}, stamp=b.stamp()))
    with pytest.raises(ConflictError) as info:
        second.community_command("record_inspection", b.COMMUNITY, month="2024-02", items={"cleaning": False},
                                 stamp=b.stamp(), idempotency_key="late")
    assert (info.value.field, info.value.rule) == ("expected_version", "optimistic_concurrency")
    reader = open_ledger()
    assert set(b.get(reader, Community, b.COMMUNITY).records) == {("InspectionRecorded", "2024-01")}
    assert aggregate_id("idempotency", "late") not in reader.repository  # the key was not consumed
    retried = second.community_command("record_inspection", b.COMMUNITY, month="2024-02",
                                       items={"cleaning": False}, stamp=b.stamp(), idempotency_key="late")
    assert not retried.replayed and retried.positions == [first.max_position() - 1]


def test_multi_aggregate_command_is_atomic(open_ledger):
    """sign_agreement writes the engagement and the community together: when the
    community moved on meanwhile, neither is written."""
    first, second = open_ledger(), open_ledger()
    b.provider(first)
    b.community(first)
    b.request_entry(first)
    b.decide(first)
    engagement_version = b.version(first, Engagement, b.ENGAGEMENT)
    interleave(second, lambda: first.community_command(
        "record_inspection", b.COMMUNITY, month="2024-01", items={"cleaning": True}, stamp=b.stamp()))
    with pytest.raises(ConflictError):
        b.sign(second)
    position = first.max_position()
    reader = open_ledger()
    assert reader.max_position() == position
    assert b.version(reader, Engagement, b.ENGAGEMENT) == engagement_version
    assert b.get(reader, Engagement, b.ENGAGEMENT).status == "approved"
    assert b.get(reader, Community, b.COMMUNITY).current_engagement is None
    result = b.sign(second)  # a retry on fresh state succeeds, both aggregates at once
    # (PostgreSQL's sequence may skip the ids the rolled-back insert drew: positions can have gaps.)
    assert result.positions[0] > position and result.positions[1] == result.positions[0] + 1


def test_batch_mode_writes_the_same_events_as_one_by_one_commands(open_ledger, second_url):
    one_by_one = open_ledger()
    lifecycle(one_by_one)
    batched = open_ledger(second_url)
    with batched.batch() as flush:
        lifecycle(batched, flush)
        assert batched.max_position() < one_by_one.max_position()  # the second half is not saved yet
    assert stored(batched) == stored(one_by_one)
    assert batched.max_position() == one_by_one.max_position()


def test_decimal_and_date_round_trip_exactly(open_ledger):
    writer = open_ledger()
    b.active_engagement(writer)
    writer.community_command("record_fees", b.COMMUNITY, month="2024-01", households_billed=200,
                             households_paid=180, amount_billed="6000", amount_collected=Decimal("5400.10"),
                             stamp=b.stamp(date(2024, 1, 31)))
    writer.community_command("pay_subsidy", b.COMMUNITY, period="2024-Q1", payer_level="city", amount="0.01",
                             voucher_no="PZ-9", stamp=b.stamp(date(2024, 2, 29), "finance"))
    reader = open_ledger()
    community = b.get(reader, Community, b.COMMUNITY)
    fees, paid = list(reader.events.get(community.id, gt=community.version - 2))
    assert type(fees.amount_billed) is Decimal and str(fees.amount_billed) == "6000.00"
    assert str(fees.amount_collected) == "5400.10" and str(paid.amount) == "0.01"
    assert type(fees.occurred_on) is date and fees.occurred_on == date(2024, 1, 31)
    assert paid.occurred_on == date(2024, 2, 29)
    engagement = b.get(reader, Engagement, b.ENGAGEMENT)
    assert (type(engagement.start), engagement.start, engagement.end) == (date, b.START, b.END)
    raw = json.loads(reader.recorder.select_notifications(reader.max_position(), 1)[0].state)
    assert raw["amount"] == {"_type_": "decimal_str", "_data_": "0.01"}
    assert raw["occurred_on"] == {"_type_": "date_iso", "_data_": "2024-02-29"}
