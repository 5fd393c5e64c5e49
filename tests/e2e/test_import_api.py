"""POST /api/v1/imports/{kind}: multipart upload, summary or 422 with every bad row,
the role of the underlying command, the street scope, dry runs and replays."""

from __future__ import annotations

from tests.e2e.helpers import FINANCE, HB, STREET_USER, as_role, ok, setup_registry, uscc
from tests.unit.io.helpers import csv_bytes, workbook

INSPECTION = ["小区编码", "月份", "门岗值勤", "巡视管理", "楼内外保洁", "车辆停放管理"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, kind, data, headers, name="巡查.xlsx", **form):
    return client.post(f"/api/v1/imports/{kind}", files={"file": (name, data, XLSX)}, data=form, headers=headers)


def position(client) -> int:
    return client.app.state.ledger.max_position()


def test_an_import_returns_the_summary_then_replays(client):
    setup_registry(client)
    data = workbook(INSPECTION, [["C-001", "2024-03", "合格", "合格", "不合格", "合格"]])
    body = ok(upload(client, "inspections", data, STREET_USER), 201)
    assert (body["rows"], body["events"], body["written"]) == (1, 1, True)
    assert body["last_position"] == position(client)
    again = ok(upload(client, "inspections", data, STREET_USER), 200)
    assert (again["events"], again["replayed"], again["written"]) == (0, 1, False)
    community = ok(client.get("/api/v1/communities/C-001", headers=STREET_USER), 200)
    assert [r["kind"] for r in community["records"]] == ["InspectionRecorded"]


def test_bad_rows_are_a_422_listing_each_in_chinese_and_nothing_is_written(client):
    setup_registry(client)
    before = position(client)
    data = csv_bytes(["小区编码", "期间", "拨付层级", "金额", "凭证号"],
                     [["C-001", "2024-Q1", "区级", "3600.00", "V-1"], ["C-404", "2024-Q1", "区级", "1", "V-2"],
                      ["C-001", "2024-Q1", "县级", "3600.005", "V-3"]], "gbk")
    response = upload(client, "subsidies", data, FINANCE, name="补贴.csv")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["field"], error["rule"]) == ("file", "import_rows") and "3 处错误" in error["message"]
    assert [(d["row"], d["column"], d["rule"]) for d in error["details"]] == [
        (3, "小区编码", "exists"), (4, "拨付层级", "choice"), (4, "金额", "fen")]
    assert error["details"][1]["message"] == "“县级”不是可选值，应为：区级、镇级、市级。"
    assert error["report"]["written"] is False and position(client) == before


def test_dry_run_writes_nothing(client):
    setup_registry(client)
    before = position(client)
    data = workbook(INSPECTION, [["C-001", "2024-04", 1, 1, 1, 1]])
    body = ok(upload(client, "inspections", data, STREET_USER, dry_run="true"), 200)
    assert body["dry_run"] and body["events"] == 1 and position(client) == before


def test_the_role_of_the_command_is_required(client):
    setup_registry(client)
    data = csv_bytes(["统一社会信用代码", "企业名称", "法定代表人", "联系方式"], [[uscc(9), "甲", "张", "1"]])
    refused = upload(client, "providers", data, STREET_USER, name="p.csv")
    assert refused.status_code == 403 and refused.json()["error"]["rule"] == "role_permission"
    assert upload(client, "providers", data, {}, name="p.csv").status_code == 401
    assert ok(upload(client, "providers", data, HB, name="p.csv"), 201)["events"] == 1


def test_a_street_imports_its_own_communities_only(client):
    setup_registry(client)
    other = as_role("street", "辛庄镇", "st-2")
    data = workbook(INSPECTION, [["C-001", "2024-05", 1, 1, 1, 1]])
    response = upload(client, "inspections", data, other)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["rule"] == "own_street"


def test_unknown_kind_and_unreadable_file(client):
    assert upload(client, "buildings", b"x", HB).status_code == 404
    response = upload(client, "inspections", b"PK\x03\x04 not a workbook", STREET_USER)
    assert response.status_code == 422 and response.json()["error"]["field"] == "file"


def test_the_endpoint_is_documented(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/imports/{kind}" in spec["paths"]
