"""The /imports page: upload from the browser, errors in a Chinese table, templates to download."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from tests.e2e.helpers import FINANCE, STREET_USER, setup_registry
from tests.unit.io.helpers import workbook

INSPECTION = ["小区编码", "月份", "门岗值勤", "巡视管理", "楼内外保洁", "车辆停放管理"]


def upload(client, kind, data, headers, **form):
    return client.post("/imports", data={"kind": kind, **form}, files={"file": ("巡查.xlsx", data)}, headers=headers)


def test_the_form_offers_the_kinds_the_role_may_import(client):
    page = client.get("/imports", headers=STREET_USER)
    assert page.status_code == 200 and "每月巡查" in page.text and "物业企业</option>" not in page.text
    assert "补贴拨付</option>" in client.get("/imports", headers=FINANCE).text


def test_an_upload_shows_the_summary_or_every_error(client):
    setup_registry(client)
    good = workbook(INSPECTION, [["C-001", "2024-03", "合格", "合格", "不合格", "合格"]])
    page = upload(client, "inspections", good, STREET_USER)
    assert page.status_code == 200 and "已导入" in page.text
    bad = workbook(INSPECTION, [["C-404", "2024-04", "合格", "合格", "合格", "合格"],
                                ["C-001", "2024-13", "合格", "合格", "合格", "合格"]])
    before = client.app.state.ledger.max_position()
    page = upload(client, "inspections", bad, STREET_USER)
    assert page.status_code == 422 and "未写入任何数据" in page.text
    assert "“2024-13”不是有效月份" in page.text and "小区“C-404”不存在" in page.text
    assert client.app.state.ledger.max_position() == before


def test_a_kind_the_role_may_not_import_is_refused_on_the_page(client):
    page = upload(client, "providers", workbook(["统一社会信用代码"], []), STREET_USER)
    assert page.status_code == 403 and "您的角色无权进行此操作" in page.text


def test_templates_download_as_xlsx(client):
    response = client.get("/imports/templates/fees.xlsx", headers=STREET_USER)
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).sheetnames == ["物业费收缴", "说明"]
