"""The star-rating pages and their JSON for the housing bureau and the auditor: cycles,
one cycle (distribution, cut points, publications with the republication, objections),
one provider's explanation (departments, re-normalised weights, events, credit), and the
internal blacklist with its rules and events. The world is tests/integration/ratings_story.py
(two published cycles, objections, a republication, a dishonesty term, a veto) plus a 2025
cycle computed but never published."""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.vocab import DEPARTMENTS
from tests.e2e.helpers import AUDITOR, FINANCE, HB, PARTY, STREET_USER, make_client, ok
from tests.integration import ratings_story as story
from tests.unit.ratings import scenario as s

UNPUBLISHED = "2025"


def story_client(folder: Path, database_url: str | None = None) -> TestClient:
    """An app on a ledger (default: SQLite in ``folder``) holding the ratings story, signed publications and all."""
    from projections.audit.service import AuditService

    url = database_url or f"sqlite:///{folder / 'story.db'}"
    client = make_client(url, signing_key_path=folder / "signing.key")
    AuditService.from_settings(client.app.state.settings).keygen()
    ledger = client.app.state.ledger
    for step in story.steps():
        step(ledger)
    s.open_cycle(ledger, UNPUBLISHED, (date(2025, 1, 1), date(2025, 12, 31)), pack=story.PACK)
    for u in story.usccs()[2:]:
        for department, value in zip(DEPARTMENTS, (95, 96, 97, 98, 99, 94)):
            s.score(ledger, u, department, value, UNPUBLISHED, on=date(2025, 12, 20))
    s.close(ledger, UNPUBLISHED, date(2026, 1, 5))
    s.compute(ledger, UNPUBLISHED, date(2026, 1, 6))
    return client


def close_client(client: TestClient) -> None:
    read_models = getattr(client.app.state, "read_models", None)
    if read_models is not None:
        read_models.close()
    client.app.state.ledger.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> TestClient:
    client = story_client(tmp_path_factory.mktemp("ratings"))
    yield client
    close_client(client)


def html(response, status: int = 200) -> str:
    assert response.status_code == status, response.text[:500]
    return response.text


def test_the_cycles_page_lists_every_cycle_with_its_status(world) -> None:
    page = html(world.get("/ratings", headers=HB))
    assert "星级评定周期" in page
    for code in ("2023", "2024", UNPUBLISHED):
        assert f'href="/ratings/{code}"' in page
    assert "已公布" in page and "已计算，未公布" in page
    cycles = {c["code"]: c for c in ok(world.get("/api/v1/ratings/cycles", headers=AUDITOR), 200)["cycles"]}
    assert cycles["2024"]["publications"] == 2 and cycles[UNPUBLISHED]["status"] == "computed"
    # all eight: provider 5 (three departments, not rated at first) is rated since the republication
    assert cycles["2024"]["providers"] == cycles["2024"]["rated"] == 8


def test_a_cycle_page_shows_distribution_cut_points_publications_and_objections(world) -> None:
    page = html(world.get("/ratings/2024", headers=HB))
    detail = ok(world.get("/api/v1/ratings/cycles/2024", headers=HB), 200)
    assert "星级分布" in page and "分数线" in page and "一维k均值聚类" in page
    assert sum(detail["distribution"].values()) == detail["providers"] == 8
    for stars, cut in zip(range(2, 7), detail["cut_points"]):
        if cut is not None:
            assert f"{stars}★ ≥ {cut:.2f}" in page
    assert [p["number"] for p in detail["publications"]] == [1, 2]
    assert "重新公布" in page and all(p["verified"] for p in detail["publications"])
    assert list(detail["publications"][1]["changed"]) == [story.usccs()[5]]
    assert "城管评分已送达未录入" in page and "对星级有异议" in page
    assert [o["status"] for o in detail["objections"]] == ["upheld", "rejected"]
    assert "成立" in page and "驳回" in page
    assert "± 5" in page and "对照上一周期 2023" in page  # the guardrail against the 2023 cut points


def test_a_provider_explanation_shows_each_department_the_weights_used_and_the_events(world) -> None:
    objector = story.usccs()[5]  # three scores, then the upheld objection added urban management
    page = html(world.get(f"/ratings/2024/providers/{objector}?on=2025-02-01", headers=AUDITOR))
    x = ok(world.get(f"/api/v1/ratings/cycles/2024/providers/{objector}?on=2025-02-01", headers=AUDITOR), 200)
    departments = {d["department"]: d for d in x["rating"]["departments"]}
    scored = [d for d in departments.values() if d["score"] is not None]
    assert {d for d, v in departments.items() if v["score"] is not None} == {
        "housing_bureau", "civil_affairs", "fire_rescue", "urban_management"}
    assert math.isclose(sum(d["weight"] for d in scored), 1.0) and all(
        d["weight"] == 0 for d in departments.values() if d["score"] is None)
    urban = departments["urban_management"]
    assert urban["score"] == 91 and urban["sources"][0]["kind"] == "objection"
    for word in ("评定依据", "区住房建设委", "实际权重（重新归一化）", "未评分：权重分给其他部门", "信用分变化", "本行经复核改变"):
        assert word in page
    for source in departments["housing_bureau"]["sources"]:
        for event in source["events"]:
            assert f'href="/audit?position={event["position"]}"' in page
    assert x["credit_timeline"] and "信用分" in page


def test_a_provider_serving_two_communities_is_explained_by_served_area(world) -> None:
    first = story.usccs()[0]
    x = ok(world.get(f"/api/v1/ratings/cycles/2024/providers/{first}", headers=HB), 200)
    sources = x["rating"]["departments"][0]["sources"]
    assert {(s["community"], s["served_area"]) for s in sources} == {("C-1", 30000.0), ("C-2", 10000.0)}
    assert "C-1（30,000 m²）" in html(world.get(f"/ratings/2024/providers/{first}", headers=HB))


def test_the_internal_blacklist_shows_the_rule_and_the_events_as_of_a_date(world) -> None:
    page = html(world.get("/blacklist?on=2025-03-01", headers=PARTY))
    listed = ok(world.get("/api/v1/blacklist?on=2025-03-01", headers=PARTY), 200)
    reasons = {(e["uscc"], e["reason"]) for e in listed["in_force"]}
    assert (story.usccs()[7], "dishonesty") in reasons and (story.usccs()[1], "veto") in reasons
    assert "失信认定" in page and "一票否决" in page and "退出逾期未交接" in page
    for entry in listed["in_force"]:
        assert entry["events"] and f'#{entry["events"][0]["position"]}' in page
    later = ok(world.get("/api/v1/blacklist?on=2025-08-01", headers=HB), 200)
    assert story.usccs()[7] not in {e["uscc"] for e in later["in_force"]}  # the term ended on 2025-06-30
    assert any(e["uscc"] == story.usccs()[7] and e["state"] == "past" for e in later["history"])
    assert 'value="2025-08-01"' in html(world.get("/blacklist?on=2025-08-01", headers=HB))


def test_the_rating_pages_are_for_the_bureau_and_the_auditor_only(world) -> None:
    anonymous = world.get("/ratings", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/public/stars"
    assert world.get("/blacklist", follow_redirects=False).headers["location"] == "/public/blacklist"
    for path in ("/ratings", "/ratings/2024", f"/ratings/2024/providers/{story.usccs()[0]}"):
        refused = world.get(path, headers=STREET_USER)
        assert refused.status_code == 403 and "您的角色无权查看此页面" in refused.text
    assert world.get("/api/v1/ratings/cycles", headers=FINANCE).json()["error"]["rule"] == "page_role"
    assert world.get("/api/v1/ratings/cycles").status_code == 401
    assert world.get("/api/v1/blacklist").status_code == 401


def test_unknown_cycles_providers_and_dates_are_named(world) -> None:
    assert world.get("/ratings/NOPE", headers=HB).status_code == 404
    missing = world.get(f"/api/v1/ratings/cycles/2024/providers/{story.usccs()[0][:-1]}X", headers=HB)
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "uscc"
    bad = world.get("/api/v1/blacklist?on=2025-13-01", headers=HB)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "on"
    assert re.search("日期格式应为 YYYY-MM-DD", world.get("/blacklist?on=yesterday", headers=HB).text)


def test_the_internal_blacklist_in_english_gives_the_rule_and_detail_in_english(world) -> None:
    page = html(world.get("/blacklist?on=2025-03-01&lang=en", headers=PARTY))
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "One-vote veto" in table and "Exit handover overdue" in table and "within the term" in table
    for chinese in ("一票否决", "失信认定", "退出逾期未交接", "信用分低于"):
        assert chinese not in table, chinese
