"""The import page's row-by-row errors in Chinese (the default) and in English under ?lang=en:
each error names its row, its column (the file's Chinese header; in English with the field it
fills in) and its cell; a file with errors of several kinds writes nothing. On SQLite and
PostgreSQL."""

from __future__ import annotations

import html
import re

from tests.e2e.helpers import COMMUNITY_BODY, HB, OTHER_STREET, STREET_USER, closing_client, ok, post, setup_registry
from tests.unit.io.helpers import workbook

FEES = ["小区编码", "月份", "应缴户数", "实缴户数", "应收金额", "实收金额"]
ROWS = [["C-001", "2024-03", 230, 207, 6000, 5400],          # row 2: fine
        ["C-404", "2024-03", 230, 207, 6000, 5400],          # 3: no such community
        ["C-001", "2024-04", 230, 207, 6000.125, 5400],      # 4: more than two decimals
        ["C-001", "2024-13", 230, 207, 6000, 5400],          # 5: not a month
        ["C-001", "2024-05", 230, 300, 6000, 5400],          # 6: paid more than billed
        ["C-001", "2024-06", 999, 207, 6000, 5400],          # 7: more than the community's households
        ["C-001", "2024-07", "abc", 207, 6000, 5400],        # 8: not a whole number
        [None, "2024-08", 230, 207, 6000, 5400],             # 9: required
        ["C-001", "2024-03", 230, 207, 6000, 5400],          # 10: repeats row 2
        ["X-001", "2024-03", 20, 10, 600, 500]]              # 11: another street's community

ZH = [("3", "小区编码", "A3", "小区“C-404”不存在，请检查编码（或先导入该小区）。"),
      ("4", "应收金额", "E4", "金额 6000.125 超过两位小数（分），请核对。"),
      ("5", "月份", "B5", "“2024-13”不是有效月份，应为 YYYY-MM，例如 2024-03。"),
      ("6", "实缴户数", "D6", "不能超过应缴户数。"),
      ("7", "应缴户数", "C7", "不能超过小区的户数。"),
      ("8", "应缴户数", "C8", "“abc”不是整数。"),
      ("9", "小区编码", "A9", "此项必填。"),
      ("10", "月份", "—", "与第 2 行重复。"),
      ("11", "小区编码", "A11", "您只能为本街道的小区录入。")]
EN = [("3", "小区编码 (community_code)", "A3",
       "Community 'C-404' does not exist: check the code (or import the community first)."),
      ("4", "应收金额 (amount_billed)", "E4", "6000.125 has more than two decimals."),
      ("5", "月份 (month)", "B5", "'2024-13' is not a month (YYYY-MM)."),
      ("6", "实缴户数 (households_paid)", "D6", "Cannot exceed households_billed."),
      ("7", "应缴户数 (households_billed)", "C7", "Cannot exceed the community's households."),
      ("8", "应缴户数 (households_billed)", "C8", "'abc' is not a whole number."),
      ("9", "小区编码 (community_code)", "A9", "Required: this cell is empty."),
      ("10", "月份 (month)", "—", "Repeats row 2 (the same community_code and month)."),
      ("11", "小区编码 (community_code)", "A11",
       f"You may only enter records for the communities of your own street (X-001 is on {OTHER_STREET}).")]


def errors(page: str) -> list[tuple[str, str, str, str]]:
    """(row, column, cell, message) of each row of the error table."""
    rows = re.findall(r'<tr><td>[^<]*</td><td class="num">([^<]*)</td><td>([^<]*)</td>\s*<td>([^<]*)</td>'
                      r"<td>([^<]*)</td></tr>", page)
    return [tuple(html.unescape(cell) for cell in row) for row in rows]


def upload(client, rows, lang: str, headers=FEES):
    return client.post(f"/imports?lang={lang}", data={"kind": "fees"},
                       files={"file": ("物业费.xlsx", workbook(headers, rows))}, headers=STREET_USER)


def test_row_errors_of_several_kinds_in_chinese_and_in_english_and_nothing_written(database_url) -> None:
    with closing_client(database_url) as client:
        setup_registry(client)
        ok(post(client, "/communities", {**COMMUNITY_BODY, "code": "X-001", "street": OTHER_STREET}, HB))
        before = client.app.state.ledger.max_position()

        zh = upload(client, ROWS, "zh")
        assert zh.status_code == 422 and "未写入任何数据" in zh.text
        assert errors(zh.text) == ZH
        en = upload(client, ROWS, "en")
        assert en.status_code == 422 and "Nothing was written; fix these and import again:" in en.text
        assert errors(en.text) == EN
        # Only the file's own words (its headers, a street name) are Chinese in English.
        for _, _, _, message in errors(en.text):
            assert not re.search(r"[\u4e00-\u9fff]", message.replace(OTHER_STREET, "")), message

        assert client.app.state.ledger.max_position() == before


def test_header_errors_in_chinese_and_in_english(database_url) -> None:
    with closing_client(database_url) as client:
        setup_registry(client)
        before = client.app.state.ledger.max_position()
        headers = ["小区编码", "月份", "乱列", "应缴户数", "应缴户数", "实缴户数", "应收金额"]
        rows = [["C-001", "2024-03", "x", 230, 230, 207, 6000]]
        zh = errors(upload(client, rows, "zh", headers).text)
        assert zh[:2] == [("1", "乱列", "C1", "无法识别的列“乱列”。可用的列：小区编码、月份、应缴户数、实缴户数、应收金额、"
                                              "实收金额、收缴日期、文书编号。"),
                          ("1", "应缴户数", "E1", "“应缴户数”列重复出现。")]
        assert zh[2:] == [("1", "实收金额", "—", "缺少必填列“实收金额”。")]
        en = errors(upload(client, rows, "en", headers).text)
        assert en[0][:3] == ("1", "乱列", "C1")
        assert en[0][3].startswith("Unknown column '乱列'. The columns are: 小区编码 (community_code), 月份 (month), ")
        assert en[1:] == [("1", "应缴户数 (households_billed)", "E1",
                           "Column '应缴户数' (households_billed) appears more than once."),
                          ("1", "实收金额 (amount_collected)", "—",
                           "The required column '实收金额' (amount_collected) is missing.")]
        assert client.app.state.ledger.max_position() == before
