"""Domain errors as short sentences for the people who fill in the sheets: Chinese (``zh``),
and English (``en``) for the web page's English mode.

(The web form's sentences live in ``api.web.i18n``; this module does not import the
web package so that the CLI stays light.) The domain's rule (``DomainError.rule``) picks the
Chinese sentence; numbers and codes are taken from the English message where the sentence
needs them. An unknown rule falls back to the English message, never to nothing. The English
sentence is the domain's own message (it is written next to its column), made a sentence, but
for a few rules whose message is written for developers.
"""

from __future__ import annotations

import re

from domain.errors import DomainError

from api.io.cells import CellError

# The domain's messages for an unknown and a repeated code (both languages' sentences read them).
_NO_SUCH = re.compile(r"no (.+?) with code '(.+)'")
_ALREADY = re.compile(r"a (.+?) with code '(.+)' already exists")

_KIND_ZH = {"community": "小区", "provider": "物业企业", "complaint": "投诉", "engagement": "服务关系",
            "rating cycle": "评星周期"}
_FIELD_ZH = {"households": "户数", "households_billed": "应缴户数", "amount_billed": "应收金额",
             "valid_responses": "有效问卷数", "filed date": "受理日期", "build_year": "建成年份"}

_SENTENCES: dict[str, str] = {
    "required": "此项必填。",
    "exists": "不存在，请检查编码。",
    "month_format": "月份格式应为 YYYY-MM，例如 2024-03。",
    "quarter_format": "季度格式应为 YYYY-Q1 至 YYYY-Q4。",
    "date": "日期格式应为 YYYY-MM-DD。",
    "code_format": "编码只能包含字母、数字、“-”“_”“.”，最长 64 位。",
    "uscc_format": "统一社会信用代码应为 18 位（数字和除 I、O、S、V、Z 外的大写字母）。",
    "uscc_check_character": "统一社会信用代码校验位不正确。",
    "own_street": "您只能为本街道的小区录入。",
    "role_permission": "您的角色无权进行此操作。",
    "fen": "金额最多保留两位小数（分）。",
    "decimal": "金额应为十进制数字。",
    "conflict": "记录已被他人修改，请重新导入。",
    "optimistic_concurrency": "记录已被他人同时修改，请重新导入。",
    "integer": "应为整数。",
    "number": "应为数字。",
    "finite": "应为有限的数字。",
    "boolean": "应填 合格/不合格 或 是/否。",
    "choice": "不是可选值。",
    "not_future": "建成年份不能晚于登记日期。",
    "within_valid": "满意问卷数不能超过有效问卷数。",
    "unique_voucher": "该凭证号已登记过，不能重复拨付。",
    "known_section": "不是考核表中的分项。",
    "known_veto": "不是考核表中的一票否决项。",
    "resolve_once": "该投诉已办结。",
    "same_command": "该行在以前的导入中对应另一项操作，请检查文件是否被修改。",
    "one_per_period": "该期间已有记录；如需修改，请提交更正。",
    "known_role": "角色无效。",
    "encoding": "CSV 文件编码无法识别，请另存为 UTF-8 或 GBK 编码。",
    "xlsx": "无法读取该 Excel 文件，请另存为 .xlsx 格式。",
    "format": "文件格式应为 .xlsx 或 .csv（旧版 .xls 请另存为 .xlsx）。",
    "max_size": "文件过大。",
}


def _number(message: str) -> str:
    found = re.search(r"-?\d+(\.\d+)?", message)
    return found.group(0) if found else ""


def zh(error: DomainError) -> str:
    """One Chinese sentence for ``error``."""
    if isinstance(error, CellError):
        return error.zh
    rule, message = error.rule, error.message
    if rule == "exists" and (match := _NO_SUCH.search(message)):
        return f"{_KIND_ZH.get(match[1], match[1])}“{match[2]}”不存在，请检查编码（或先导入该{_KIND_ZH.get(match[1], '')}）。"
    if rule == "unique" and (match := _ALREADY.search(message)):
        return f"{_KIND_ZH.get(match[1], match[1])}“{match[2]}”已登记，不能重复登记。"
    if rule == "minimum":
        if "negative" in message:
            return "不能为负数。"
        return f"应大于 {_number(message)}。" if ">" in message and "≥" not in message else f"不能小于 {_number(message)}。"
    if rule == "maximum":
        return "金额过大。" if "amount" in message else f"不能大于 {_number(message)}。"
    if rule == "max_length":
        return f"不能超过 {_number(message)} 个字符。"
    if rule in ("within_households", "within_billed"):
        match = re.search(r"exceed (?:the community's )?(\w+)", message)
        other = _FIELD_ZH.get(match[1], match[1]) if match else "上限"
        return f"不能超过{'小区的' if 'community' in message else ''}{other}。"
    if rule == "date_order":
        match = re.search(r"before (.+?) \((\d{4}-\d{2}-\d{2})\)", message)
        if match:
            return f"不能早于{_FIELD_ZH.get(match[1], match[1])}（{match[2]}）。"
    if rule == "one_provider_at_a_time":
        return "该小区仍有在管的物业服务企业。"
    if rule in _SENTENCES:
        return _SENTENCES[rule]
    return message


_SENTENCES_EN: dict[str, str] = {
    "same_command": "This row was imported before as another operation: check whether the file was changed.",
    "optimistic_concurrency": "Someone else changed the same records at the same time: import the file again.",
    "conflict": "Someone else changed the same records at the same time: import the file again.",
}


def sentence(message: str) -> str:
    """'must be ≥ 0' → 'Must be ≥ 0.'"""
    message = message.strip()
    if not message:
        return message
    return message[0].upper() + message[1:] + ("" if message.endswith((".", "!", "?")) else ".")


def en(error: DomainError) -> str:
    """One English sentence for ``error``, as the user reads it next to the row and column."""
    rule, message = error.rule, error.message
    if rule == "required" and message.startswith("is required"):
        rest = message.removeprefix("is required").strip()
        return f"Required{' ' + rest if rest else ': this cell is empty'}."
    if rule == "exists" and (match := _NO_SUCH.search(message)):
        return (f"{sentence(match[1])[:-1]} '{match[2]}' does not exist: check the code "
                f"(or import the {match[1]} first).")
    if rule == "unique" and (match := _ALREADY.search(message)):
        return f"{sentence(match[1])[:-1]} '{match[2]}' is already registered and cannot be registered again."
    if rule == "own_street":
        match = re.search(r"(\S+) (?:of|is on) street (.+)$", message)
        where = f" ({match[1]} is on {match[2]})" if match else ""
        return f"You may only enter records for the communities of your own street{where}."
    if rule in _SENTENCES_EN:
        return _SENTENCES_EN[rule]
    return sentence(message)
