"""The eight import kinds: one sheet layout each (a Chinese name, which is also the sheet's, and an
English one for the web page's English mode), Chinese headers with a fixed
mapping to the fields of an existing Ledger command (English field names are
accepted as headers too). Rules stay in the domain: a row only becomes a call."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.sheet import AssessmentSheet

from api.io import cells
from api.io.cells import CellError
from api.io.labels import CATEGORY, CHANNEL, ITEM, MODE, PAYER, PROVIDER_KIND, SECTION, VETO, Labels
from api.io.spec import SOURCE, Column, Kind, Step, date_column, month_end, period_end

COMMUNITY = Column("community_code", "小区编码", cells.text, aliases=("小区代码",), example="C-001")


def _fixed(*columns: Column):
    return lambda sheet: (*columns, SOURCE)


def _kw(row: dict, *names: str) -> dict[str, Any]:
    return {n: row[n] for n in names}


# --- registry ------------------------------------------------------------------------------------
PROVIDERS = Kind(
    "providers", "物业企业", "Providers", ("register_provider",),
    _fixed(Column("uscc", "统一社会信用代码", cells.text, example="91120112MA0000001N"),
           Column("name", "企业名称", cells.text, example="津南安居物业有限公司"),
           Column("legal_representative", "法定代表人", cells.text, example="张三"),
           Column("contact", "联系方式", cells.text, example="022-88886666"),
           Column("kind", "类型", cells.choice(PROVIDER_KIND), required=False, labels=PROVIDER_KIND,
                  hint="留空为物业服务企业", example="物业服务企业"),
           date_column("登记日期")),
    lambda ledger, row, on: [Step("register_provider", lambda **kw: ledger.register_provider(
        **_kw(row, "uscc", "name", "legal_representative", "contact"), kind=row["kind"] or "company", **kw), on)],
    community=lambda row: None, unique=("uscc",),
)

COMMUNITIES = Kind(
    "communities", "小区", "Communities", ("register_community",),
    _fixed(Column("code", "小区编码", cells.text, aliases=("小区代码",), hint="字母、数字、-、_、.", example="C-001"),
           Column("name", "小区名称", cells.text, example="幸福里"),
           Column("street", "街道", cells.text, aliases=("街道/镇", "街镇"), example="双港镇"),
           Column("category", "类别", cells.choice(CATEGORY), labels=CATEGORY, example="已改造旧楼区"),
           Column("build_year", "建成年份", cells.integer, hint="四位年份", example=1990),
           Column("floor_area", "建筑面积(m²)", cells.number, aliases=("建筑面积", "面积"), example=12000),
           Column("households", "户数", cells.integer, aliases=("总户数",), example=240),
           Column("mode", "管理模式", cells.choice(MODE), labels=MODE, example="专业化"),
           date_column("登记日期")),
    lambda ledger, row, on: [Step("register_community", lambda **kw: ledger.register_community(
        **_kw(row, "code", "name", "street", "category", "build_year", "floor_area", "households", "mode"), **kw),
        on)],
    community=lambda row: row["code"], street=lambda row: row["street"], unique=("code",),
)


# --- records --------------------------------------------------------------------------------------
def _community_step(ledger: Any, command: str, row: dict, on: date, *names: str) -> list[Step]:
    code = row["community_code"]
    return [Step(command, lambda **kw: ledger.community_command(command, code, **_kw(row, *names), **kw), on)]


def _item_columns(sheet: AssessmentSheet) -> tuple[Column, ...]:
    return tuple(Column(f"item.{code}", label, cells.passed, hint="合格/不合格（或 ✓/✗、1/0）", example="合格",
                        labels=Labels({"pass": "合格", "fail": "不合格"}), aliases=(code,))
                 for code, label in ITEM.canonical.items())


INSPECTIONS = Kind(
    "inspections", "每月巡查", "Monthly inspections", ("record_inspection",),
    lambda sheet: (COMMUNITY, Column("month", "月份", cells.month, aliases=("巡查月份",), hint="YYYY-MM",
                                     example="2024-03"),
                   *_item_columns(sheet), date_column("巡查日期"), SOURCE),
    lambda ledger, row, on: [Step("record_inspection", lambda **kw: ledger.community_command(
        "record_inspection", row["community_code"], month=row["month"],
        items={k[5:]: v for k, v in row.items() if k.startswith("item.")}, **kw), on)],
    community=lambda row: row["community_code"], unique=("community_code", "month"),
    period_end=lambda row: month_end(row["month"]),
)


def _assessment_columns(sheet: AssessmentSheet) -> tuple[Column, ...]:
    sections = tuple(Column(f"points.{code}", SECTION.label(code), cells.number, aliases=(code,),
                            hint=f"0–{top:g} 分", example=top) for code, top in sheet.sections.items())
    vetoes = Labels({code: VETO.label(code) for code in sheet.veto_items})
    return (COMMUNITY, Column("quarter", "季度", cells.quarter, aliases=("考核季度",), hint="YYYY-Q1 至 YYYY-Q4",
                              example="2024-Q1"),
            *sections,
            Column("vetoes", "一票否决项", cells.many(vetoes), required=False, labels=vetoes,
                   hint="无则留空；多项用“；”分隔", example=None),
            date_column("考核日期"), SOURCE)


def _assessment_steps(ledger: Any, row: dict, on: date) -> list[Step]:
    points = {k[7:]: v for k, v in row.items() if k.startswith("points.")}
    return [Step("record_assessment", lambda **kw: ledger.record_assessment(
        row["community_code"], quarter=row["quarter"], points=points, vetoes=row["vetoes"] or [], **kw), on)]


ASSESSMENTS = Kind(
    "assessments", "季度联合考核", "Quarterly joint assessments", ("record_assessment",), _assessment_columns,
    _assessment_steps,
    community=lambda row: row["community_code"], unique=("community_code", "quarter"),
    period_end=lambda row: period_end(row["quarter"]),
    note="考核表（分项及满分、一票否决项）按考核日期生效的政策包；任一一票否决项即为不达标。",
)

SURVEYS = Kind(
    "surveys", "满意度调查", "Satisfaction surveys", ("record_survey",),
    _fixed(COMMUNITY, Column("period", "期间", cells.text, aliases=("调查期间",), hint="如 2024、2024-H1、2024-Q4",
                             example="2024"),
           Column("households", "户数", cells.integer, aliases=("总户数",), example=240),
           Column("valid_responses", "有效问卷数", cells.integer, aliases=("有效问卷", "有效份数"), example=120),
           Column("satisfied", "满意问卷数", cells.integer, aliases=("满意数", "满意份数", "满意"), example=102),
           date_column("调查日期")),
    lambda ledger, row, on: _community_step(ledger, "record_survey", row, on, "period", "households",
                                            "valid_responses", "satisfied"),
    community=lambda row: row["community_code"], unique=("community_code", "period"),
    period_end=lambda row: period_end(row["period"]),
)

FEES = Kind(
    "fees", "物业费收缴", "Fee collection", ("record_fees",),
    _fixed(COMMUNITY, Column("month", "月份", cells.month, hint="YYYY-MM", example="2024-03"),
           Column("households_billed", "应缴户数", cells.integer, example=230),
           Column("households_paid", "实缴户数", cells.integer, example=207),
           Column("amount_billed", "应收金额", cells.money, aliases=("应收金额(元)",), hint="元，最多两位小数",
                  example="6000.00"),
           Column("amount_collected", "实收金额", cells.money, hint="元，最多两位小数", example="5400.00"),
           date_column("收缴日期")),
    lambda ledger, row, on: _community_step(ledger, "record_fees", row, on, "month", "households_billed",
                                            "households_paid", "amount_billed", "amount_collected"),
    community=lambda row: row["community_code"], unique=("community_code", "month"),
    period_end=lambda row: month_end(row["month"]),
)


# --- complaints and money -------------------------------------------------------------------------
def _complaint_steps(ledger: Any, row: dict, on: date) -> list[Step]:
    steps = [Step("file_complaint", lambda **kw: ledger.file_complaint(
        code=row["code"], community_code=row["community_code"], provider_uscc=row["provider_uscc"] or None,
        category=row["category"], channel=row["channel"], description=row["description"] or "",
        complainant_name=row["complainant_name"] or "", complainant_phone=row["complainant_phone"] or "", **kw),
        on)]
    if row["substantiated"] is None:
        if row["resolution"] is not None or row["resolved_on"] is not None:
            raise CellError("substantiated", "required", "is required (是/否) when 办结情况 or 办结日期 is given",
                            "填写了办结情况或办结日期时，此项必填（是/否）。")
        return steps
    for name in ("resolution", "resolved_on"):
        if row[name] is None:
            raise CellError(name, "required", "is required when 是否属实 (substantiated) is given",
                            "填写了“是否属实”时，此项必填。")
    steps.append(Step("resolve_complaint", lambda **kw: ledger.resolve_complaint(
        row["code"], substantiated=row["substantiated"], resolution=row["resolution"], **kw),
        row["resolved_on"], suffix=":resolve", fields={"occurred_on": "resolved_on", "complaint": "resolution"}))
    return steps


COMPLAINTS = Kind(
    "complaints", "投诉", "Complaints", ("file_complaint", "resolve_complaint"),
    _fixed(Column("code", "投诉编号", cells.text, aliases=("工单编号", "工单号"), example="TS-2024-0001"),
           COMMUNITY,
           Column("provider_uscc", "企业统一社会信用代码", cells.text, required=False,
                  hint="留空为小区当前的服务企业", aliases=("统一社会信用代码",)),
           Column("category", "类别", cells.text, aliases=("投诉类别",), example="环境卫生"),
           Column("channel", "渠道", cells.choice(CHANNEL), labels=CHANNEL, aliases=("来源",), example="12345热线"),
           Column("description", "投诉内容", cells.text, required=False, aliases=("内容",), example="楼道垃圾未及时清运"),
           Column("complainant_name", "投诉人", cells.text, required=False, hint="加密保存"),
           Column("complainant_phone", "联系电话", cells.text, required=False, hint="加密保存"),
           date_column("受理日期"),
           Column("substantiated", "是否属实", cells.yes_no, required=False, hint="已办结时填 是/否；未办结留空",
                  labels=Labels({"yes": "是", "no": "否"}), example="是"),
           Column("resolution", "办结情况", cells.text, required=False, example="已责令物业限期整改"),
           Column("resolved_on", "办结日期", cells.day, required=False, hint="YYYY-MM-DD", example=None)),
    _complaint_steps,
    community=lambda row: row["community_code"], unique=("code",),
    note="投诉人姓名与联系电话按人加密保存，可依法删除。填写“是否属实”即同时登记办结。",
)

SUBSIDIES = Kind(
    "subsidies", "补贴拨付", "Subsidy payments", ("pay_subsidy",),
    _fixed(COMMUNITY, Column("period", "期间", cells.text, hint="如 2024-Q1、2024", example="2024-Q1"),
           Column("payer_level", "拨付层级", cells.choice(PAYER), labels=PAYER, aliases=("支付层级",),
                  example="区级"),
           Column("amount", "金额", cells.money, aliases=("拨付金额",), hint="元，最多两位小数", example="3600.00"),
           Column("voucher_no", "凭证号", cells.text, aliases=("凭证编号",), example="QJ-2024-Q1-C-001"),
           date_column("拨付日期")),
    lambda ledger, row, on: _community_step(ledger, "pay_subsidy", row, on, "period", "payer_level", "amount",
                                            "voucher_no"),
    community=lambda row: row["community_code"],
    unique=("community_code", "voucher_no"),
    document=lambda row: row["voucher_no"],
    note="文书编号留空时以凭证号为依据文件。",
)

KINDS: dict[str, Kind] = {k.name: k for k in (PROVIDERS, COMMUNITIES, INSPECTIONS, ASSESSMENTS, SURVEYS, FEES,
                                              COMPLAINTS, SUBSIDIES)}
