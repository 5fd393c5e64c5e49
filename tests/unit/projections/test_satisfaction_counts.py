"""Whether a survey counts for subsidy decisions follows the pack in force, exactly."""

from __future__ import annotations

from projections.models.satisfaction import figures


class _Pack:
    def __init__(self, pack: dict) -> None:
        self.pack = pack

    def pack_on(self, _day: str) -> dict:
        return self.pack


SHIJINGSHAN_LIKE = {"subsidy": {"satisfaction": {"min_share": "0.80", "min_valid_share": "0.30"}}}


def test_a_survey_with_exactly_the_minimum_valid_share_counts():
    assert figures(_Pack(SHIJINGSHAN_LIKE), households=1000, valid=300, satisfied=250, day="2024-06-30")["counts"]
    assert not figures(_Pack(SHIJINGSHAN_LIKE), households=1000, valid=299, satisfied=250, day="2024-06-30")["counts"]


def test_the_pack_sets_the_minimum_valid_share():
    strict = {"subsidy": {"satisfaction": {"min_valid_share": "0.50"}}}
    assert not figures(_Pack(strict), households=100, valid=49, satisfied=40, day="2024-06-30")["counts"]
    assert figures(_Pack(strict), households=100, valid=50, satisfied=40, day="2024-06-30")["counts"]


def test_without_a_pack_rule_the_policies_default_of_30_percent_applies():
    assert figures(_Pack({}), households=10, valid=3, satisfied=1, day="2024-06-30")["counts"]
    assert not figures(_Pack({}), households=10, valid=2, satisfied=1, day="2024-06-30")["counts"]
