"""The public pages: no login, published results only, plain Chinese (English on request),
and current right after a write."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from domain.rating_result import result_digest
from tests.e2e.helpers import HB, ok, post
from tests.e2e.test_pages_ratings import UNPUBLISHED, close_client, story_client
from tests.integration import ratings_story as story


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> TestClient:
    client = story_client(tmp_path_factory.mktemp("public"))
    yield client
    close_client(client)


def test_published_stars_need_no_login_and_show_the_latest_publication(world) -> None:
    response = world.get("/public/stars")
    assert response.status_code == 200
    page = response.text
    for word in ("物业服务星级评定结果公示", "评定期间", "分数线", "计算自台账位置", "签名检查点", "复核", "重新公布"):
        assert word in page
    assert "当前结果为第 2 次公布" in page  # 2024 was republished after an upheld objection
    assert "已收到复核申请 2 件：成立 1 件，驳回 1 件，待决定 0 件" in page
    for u in story.usccs():
        assert u in page
    assert "/audit?position=" not in page  # event ids are for officials


def test_the_public_rows_are_exactly_what_the_latest_publication_signed(world) -> None:
    found = ok(world.get("/api/v1/public/stars"), 200)
    cycle = found["cycle"]
    assert cycle["code"] == "2024" and found["cycles"] == ["2024", "2023"]
    latest = cycle["publications"][-1]
    rows = {r["uscc"]: [r["composite"], r["stars"]] for r in cycle["results"]}
    # The digest recomputed from the public rows is the digest the Republished event carries.
    assert result_digest("2024", cycle["method"], cycle["cut_points"], rows) == latest["digest"]
    assert latest["changed"] == [story.usccs()[5]] and rows[story.usccs()[5]][1] > 0
    checkpoint = latest["checkpoint"]
    assert checkpoint["signed_with_publication"] and checkpoint["position"] >= latest["computed_from"]
    assert checkpoint["size"] >= 1 and checkpoint["root"]


def test_an_unpublished_cycle_is_never_shown(world) -> None:
    assert UNPUBLISHED not in ok(world.get("/api/v1/public/stars"), 200)["cycles"]
    assert world.get(f"/api/v1/public/stars?cycle={UNPUBLISHED}").status_code == 404
    assert world.get(f"/public/stars?cycle={UNPUBLISHED}").status_code == 404
    assert f"cycle={UNPUBLISHED}" not in world.get("/public/stars").text
    older = world.get("/public/stars?cycle=2023").text
    assert "2023-01-01 — 2023-12-31" in older and "当前结果为第" not in older  # published once


def test_the_public_blacklist_gives_the_reason_in_plain_chinese_since_and_until(world) -> None:
    page = world.get("/public/blacklist?on=2025-03-01")
    assert page.status_code == 200
    for word in ("物业服务企业黑名单", "截至 2025-03-01", "失信认定", "一票否决", "列入日期", "移出日期", "2025-07-01"):
        assert word in page.text
    entries = ok(world.get("/api/v1/public/blacklist?on=2025-03-01"), 200)["entries"]
    assert {(e["uscc"], e["reason_zh"]) for e in entries} >= {
        (story.usccs()[7], "失信认定"), (story.usccs()[1], "一票否决")}
    dishonest = next(e for e in entries if e["uscc"] == story.usccs()[7])
    assert (dishonest["since"], dishonest["until"]) == ("2025-01-01", "2025-07-01")  # until: first day off
    assert "events" not in dishonest and "/audit" not in page.text
    later = ok(world.get("/api/v1/public/blacklist?on=2025-08-01"), 200)["entries"]
    assert story.usccs()[7] not in {e["uscc"] for e in later}
    assert world.get("/api/v1/public/blacklist?on=2025-02-30").json()["error"]["field"] == "on"


def test_the_blacklist_is_current_right_after_a_write(world) -> None:
    target = story.usccs()[3]
    today = ok(world.get("/api/v1/public/blacklist"), 200)
    assert target not in {e["uscc"] for e in today["entries"]}
    term = {"term_start": today["on"], "term_end": "2099-12-31", "reason": "虚假承诺", "occurred_on": today["on"]}
    ok(post(world, f"/providers/{target}/dishonesty-declarations", term, HB))
    after = ok(world.get("/api/v1/public/blacklist"), 200)
    assert target in {e["uscc"] for e in after["entries"]} and after["as_of_position"] > today["as_of_position"]
    assert target in world.get("/public/blacklist").text


def test_the_public_pages_switch_to_english(world) -> None:
    try:
        page = world.get("/public/stars?lang=en").text
        assert '<html lang="en">' in page and "Published star ratings" in page and "Cut points" in page
        english = world.get("/public/blacklist?on=2025-03-01").text  # the cookie keeps English
        assert "Reasons: credit grade D" in english and "As of 2025-03-01" in english
        assert 'href="/public/blacklist?on=2025-03-01&amp;lang=zh"' in english  # the switch keeps the date
    finally:
        world.cookies.clear()


def test_anonymous_visitors_of_the_navigation_land_on_the_public_pages(world) -> None:
    assert world.get("/ratings").url.path == "/public/stars"
    assert world.get("/blacklist").url.path == "/public/blacklist"
    home = world.get("/").text
    assert 'href="/public/stars"' in home and "最新公布星级分布" in home and "今日黑名单企业" in home
    assert "应发补贴" not in home  # subsidies are not public


@pytest.mark.postgres
def test_the_result_pages_render_the_same_on_postgresql(postgres_url, tmp_path) -> None:
    from tests.e2e.helpers import AUDITOR

    client = story_client(tmp_path, postgres_url)
    try:
        stars = ok(client.get("/api/v1/public/stars"), 200)
        assert stars["cycles"] == ["2024", "2023"] and stars["cycle"]["publications"][-1]["checkpoint"]["size"]
        entries = ok(client.get("/api/v1/public/blacklist?on=2025-03-01"), 200)["entries"]
        assert {e["reason"] for e in entries} >= {"dishonesty", "veto"}
        for path in ("/public/stars", "/public/blacklist", "/ratings", "/ratings/2024", "/blacklist?on=2025-03-01",
                     f"/ratings/2024/providers/{story.usccs()[5]}", "/audit?position=3", "/"):
            assert client.get(path, headers=AUDITOR).status_code == 200, path
    finally:
        close_client(client)
