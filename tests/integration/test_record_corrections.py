"""Corrections and withdrawals reach the row of every kind of community record (fees, inspections,
assessments, surveys), found through the recording event's ledger position, live and on a rebuild."""

from __future__ import annotations

from domain.ledger import Ledger
from projections import queries
from projections.runner import Runner
from projections.service import digests
from tests.integration.test_projection_helpers import MINE, POINTS, run_command, stamp


def _records(ledger: Ledger) -> None:
    assert run_command(ledger, "community", 1, 0, True)
    for kind in ("fees", "inspection", "assessment", "survey"):  # versions 2, 3, 4, 5 of community C1
        assert run_command(ledger, kind, 1, 0, False)


def test_every_kind_of_record_is_corrected_and_withdrawn_in_its_own_row(database_url) -> None:
    ledger = Ledger(database_url)
    _records(ledger)
    with Runner(database_url, projections=MINE) as runner:
        runner.catch_up()  # live: the corrections below meet rows written by an earlier batch
        ledger.community_command("correct_record", "C1", corrects_version=3, fields={"items": {"gate": True}},
                                 reason="更正", stamp=stamp(3))
        ledger.community_command("correct_record", "C1", corrects_version=4, fields={"points": POINTS},
                                 reason="更正", stamp=stamp(3))
        ledger.community_command("correct_record", "C1", corrects_version=5, fields={"satisfied": 30},
                                 reason="更正", stamp=stamp(3))
        for version in (2, 5):  # the fee month and the (corrected) survey are withdrawn
            ledger.community_command("withdraw_record", "C1", withdraws_version=version, reason="重复录入",
                                     stamp=stamp(3))
        runner.catch_up()
        engine = runner.engine
        assert queries.fee_rates(engine, "C1") == []  # withdrawn
        survey = queries.surveys(engine, "C1", include_withdrawn=True)[0]
        assert (survey["withdrawn"], survey["corrected"], survey["satisfied"]) == (True, True, 30)
        quarter = queries.assessments(engine, "C1")[0]
        assert quarter["assessment"]["total"] == sum(POINTS.values())
        assert [i["passed"] for i in quarter["inspections"]] == [True]
        live = digests(database_url, MINE)
        runner.reset()
        runner.catch_up()
    assert digests(database_url, MINE) == live  # a rebuild in one batch gives the same rows
    ledger.close()

