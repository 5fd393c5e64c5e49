"""Light records: unwrapping the library's JSON wrappers, topics, quarters, canonical JSON."""

from datetime import date, datetime, timezone
from decimal import Decimal

from domain.community import Community
from projections.records import Record, canonical_json, data, quarter_of, topic_of, unwrap


def test_unwrap_turns_wrapped_values_into_python_types_recursively():
    state = {"d": {"_type_": "date_iso", "_data_": "2024-01-05"},
             "m": [{"_type_": "decimal_str", "_data_": "3600.00"}],
             "t": {"_type_": "datetime_iso", "_data_": "2024-01-05T01:02:03+00:00"}, "plain": {"a": 1}}
    assert unwrap(state) == {"d": date(2024, 1, 5), "m": [Decimal("3600.00")],
                             "t": datetime(2024, 1, 5, 1, 2, 3, tzinfo=timezone.utc), "plain": {"a": 1}}


def test_data_gives_the_payload_string_and_leaves_plain_values_alone():
    assert data({"_type_": "date_iso", "_data_": "2024-01-05"}) == "2024-01-05"
    assert data(3) == 3


def test_record_exposes_business_date_and_event_name():
    r = Record(1, "ab" * 16, 2, topic_of(Community.InspectionRecorded),
               {"occurred_on": {"_type_": "date_iso", "_data_": "2024-02-01"}})
    assert r.occurred_on == "2024-02-01"
    assert r.name == "InspectionRecorded"
    assert r.topic == "domain.community:Community.InspectionRecorded"


def test_quarter_of_a_day():
    assert [quarter_of(d) for d in ("2024-01-01", "2024-03-31", "2024-04-01", "2024-12-31")] == \
        ["2024-Q1", "2024-Q1", "2024-Q2", "2024-Q4"]


def test_canonical_json_sorts_keys_and_keeps_chinese():
    assert canonical_json({"b": 1, "a": "小区"}) == '{"a":"小区","b":1}'
