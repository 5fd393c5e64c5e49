"""The /imports page: upload from the browser, errors in a Chinese table, templates to download;
the kinds by their English names under ?lang=en (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook

from api.io import KINDS
from tests.e2e.helpers import FINANCE, STREET_USER, closing_client, setup_registry
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


def options(html: str) -> list[tuple[str, str]]:
    return re.findall(r"<option value=\"(\w+)\"(?: selected)?>([^<]+)</option>", html)


def test_in_english_the_kinds_have_english_names_and_chinese_stays_the_default(database_url):
    with closing_client(database_url) as c:
        setup_registry(c)
        zh = c.get("/imports", headers=STREET_USER).text
        offered = [name for name, _ in options(zh)]
        assert "inspections" in offered and "subsidies" not in offered
        assert options(zh) == [(name, KINDS[name].title) for name in offered]
        en = c.get("/imports?lang=en", headers=FINANCE).text
        assert "Subsidy payments</option>" in en and "补贴拨付" not in en
        links = re.findall(r'<li><a href="/imports/templates/(\w+)\.xlsx">([^<]+)</a></li>', en)
        assert links == [(k.name, k.title_en) for k in KINDS.values()]
        assert not any(re.search(r"[\u4e00-\u9fff]", title) for _, title in links)
        en = c.get("/imports?lang=en", headers=STREET_USER).text
        assert options(en) == [(name, KINDS[name].title_en) for name in offered]
        assert ("inspections", "Monthly inspections") in options(en)
        # an upload in English: the summary names the kind in English; the rows are written (on either database)
        good = workbook(INSPECTION, [["C-001", "2024-03", "合格", "合格", "不合格", "合格"]])
        before = c.app.state.ledger.max_position()
        page = c.post("/imports?lang=en", data={"kind": "inspections"}, files={"file": ("巡查.xlsx", good)},
                      headers=STREET_USER)
        assert page.status_code == 200 and "Imported" in page.text and "· Monthly inspections ·" in page.text
        assert c.app.state.ledger.max_position() > before
        # a problem before any row is read, in English too
        page = c.post("/imports?lang=en", data={"kind": "nothing"}, files={"file": ("x.csv", b"a\n")},
                      headers=STREET_USER)
        assert page.status_code == 422 and "kind: choose what to import" in page.text
        # the template keeps its Chinese sheet name: the spreadsheet is filled in Chinese
        sheet = c.get("/imports/templates/fees.xlsx?lang=en", headers=STREET_USER)
        assert load_workbook(BytesIO(sheet.content)).sheetnames == ["物业费收缴", "说明"]


def test_every_kind_has_an_english_name():
    assert all(k.title_en and not re.search(r"[\u4e00-\u9fff]", k.title_en) for k in KINDS.values())
    assert len({k.title_en for k in KINDS.values()}) == len(KINDS)
