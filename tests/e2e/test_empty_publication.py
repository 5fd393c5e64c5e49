"""A computed result that rates no provider is not published: the API answers 409 naming the
problem (field ``results``, rule ``provider_rated``), ``taizhang cycle publish`` exits 2 with it,
and the wizard shows it in Chinese (English under ?lang=en); nothing is written or signed, and
the cycle stays computed. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import api.cli_cycle as cli_cycle
from projections.audit.service import AuditService
from tests.e2e.forms_support import form_key
from tests.e2e.test_cycle_wizard import CYCLE, HB, TODAY, USCC, ok, post, status, step, web  # noqa: F401  (fixture)

ZH = "没有企业获评星级：计算结果中所有企业均未评定，不能公布空结果。"
EN = "no provider rated"


def computed_with_no_provider_rated(client: TestClient, one_department: bool) -> None:
    """Through the wizard: opened, closed with no score (or one department's only: the scheme needs
    two), computed. Computing stays allowed: the cycle page says no provider is rated."""
    step(client, "open", period_start="2024-01-01", period_end="2024-12-31", occurred_on="2024-01-06")
    if one_department:
        ok(post(client, "/cycles/RC-2024/scores", {"subject_kind": "provider", "subject": USCC,
                                                   "department": "housing_bureau", "score": 95,
                                                   "occurred_on": "2024-12-01"}, HB))
    step(client, "close", occurred_on="2025-01-05")
    step(client, "result", occurred_on="2025-01-06")
    cycle = status(client)
    assert cycle["status"] == "computed"


def unchanged(client: TestClient):
    """What a refused publication must leave as it is: the ledger, the cycle and the signed checkpoints."""
    audit = AuditService.from_settings(client.app.state.settings)
    return (client.app.state.ledger.max_position(), status(client)["version"], len(audit.notary.all()))


def test_the_api_refuses_to_publish_a_result_that_rates_no_provider(web) -> None:
    computed_with_no_provider_rated(web, one_department=True)
    before = unchanged(web)
    response = post(web, "/cycles/RC-2024/publication", {"occurred_on": TODAY.isoformat()}, HB)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert (error["code"], error["field"], error["rule"]) == ("rule_violation", "results", "provider_rated")
    assert EN in error["message"] and "RC-2024" in error["message"]
    assert unchanged(web) == before and status(web)["status"] == "computed" and status(web)["publications"] == 0


def test_the_wizard_shows_the_refusal_in_chinese_and_in_english(web) -> None:
    computed_with_no_provider_rated(web, one_department=False)
    before = unchanged(web)
    for lang, words in (("zh", ZH), ("en", EN)):
        key = form_key(web.get(f"{CYCLE}/publication?lang={lang}", headers=HB).text)
        page = web.post(f"{CYCLE}/publication?lang={lang}", data={"form_key": key, "occurred_on": TODAY.isoformat()},
                        headers=HB, follow_redirects=False)
        assert page.status_code == 409 and words in page.text, page.text[-1500:]
        assert 'id="_form-error"' in page.text
    assert unchanged(web) == before and status(web)["status"] == "computed"


def test_the_cli_refuses_to_publish_a_result_that_rates_no_provider(web, database_url) -> None:
    computed_with_no_provider_rated(web, one_department=True)
    before = unchanged(web)
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """taizhang"""

    cli_cycle.register(app)
    result = CliRunner().invoke(app, ["cycle", "publish", "RC-2024", "--database-url", database_url],
                                env={"COLUMNS": "200", "TAIZHANG_SIGNING_KEY_PATH":
                                     str(web.app.state.settings.signing_key_path)})
    assert result.exit_code == 2, result.output
    assert "results:" in result.output and EN in result.output
    assert unchanged(web) == before and status(web)["status"] == "computed"
