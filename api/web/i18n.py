"""The web pages' words: Chinese first, English for the switch (``?lang=en`` or the cookie).

Other pages add their words with :func:`add` from their own module, so this
file need not be edited by every page.
"""

from __future__ import annotations

from domain.errors import DomainError

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "taizhang_lang"

WORDS: dict[str, dict[str, str]] = {
    "app.name": {"zh": "台账 · 物业服务监管", "en": "Taizhang · property service governance"},
    "nav.dashboard": {"zh": "首页", "en": "Dashboard"},
    "nav.providers": {"zh": "物业企业", "en": "Providers"},
    "nav.communities": {"zh": "小区", "en": "Communities"},
    "nav.ratings": {"zh": "星级评定", "en": "Star ratings"},
    "nav.approvals": {"zh": "审批", "en": "Approvals"},
    "nav.blacklist": {"zh": "黑名单", "en": "Blacklist"},
    "nav.subsidies": {"zh": "补贴", "en": "Subsidies"},
    "nav.audit": {"zh": "审计", "en": "Audit"},
    "nav.inspection": {"zh": "录入巡查", "en": "Record inspection"},
    "nav.login": {"zh": "登录", "en": "Log in"},
    "nav.logout": {"zh": "退出登录", "en": "Log out"},
    "nav.skip": {"zh": "跳到正文", "en": "Skip to content"},
    "lang.switch": {"zh": "English", "en": "中文"},
    "user.anonymous": {"zh": "公众（未登录）", "en": "Public (not logged in)"},
    "dash.title": {"zh": "仪表盘", "en": "Dashboard"},
    "dash.events": {"zh": "事件数", "en": "Events"},
    "dash.position": {"zh": "账本最新位置", "en": "Last ledger position"},
    "dash.providers": {"zh": "物业企业", "en": "Providers"},
    "dash.communities": {"zh": "小区", "en": "Communities"},
    "dash.active": {"zh": "在管服务", "en": "Active engagements"},
    "dash.pending": {"zh": "待审批进驻", "en": "Entry requests pending"},
    "dash.complaints": {"zh": "未办结投诉", "en": "Open complaints"},
    "rw.updating": {"zh": "数据更新中：您刚提交的记录（台账位置 #{wanted}）尚未计入本页，本页数据截至台账位置 #{reached}。",
                    "en": "Updating: your last change (ledger position #{wanted}) is not in this page yet; "
                          "it shows the data as of ledger position #{reached}."},
    "rw.refresh": {"zh": "稍后刷新", "en": "Refresh in a moment"},
    "dash.lag": {"zh": "列表与统计来自读模型，截至账本位置 ", "en": "Lists and counts come from the read models, as of ledger position "},
    "dash.public": {"zh": "公众可查看已发布的星级评定结果和黑名单。", "en": "The public can see published star ratings and the blacklist."},
    "col.uscc": {"zh": "统一社会信用代码", "en": "USCC"},
    "col.name": {"zh": "名称", "en": "Name"},
    "col.kind": {"zh": "类型", "en": "Kind"},
    "col.code": {"zh": "编码", "en": "Code"},
    "col.street": {"zh": "街道/镇", "en": "Street"},
    "col.category": {"zh": "类别", "en": "Category"},
    "col.mode": {"zh": "管理模式", "en": "Mode"},
    "col.households": {"zh": "户数", "en": "Households"},
    "col.area": {"zh": "建筑面积（m²）", "en": "Floor area (m²)"},
    "col.provider": {"zh": "服务企业", "en": "Provider"},
    "col.engagement": {"zh": "服务关系", "en": "Engagement"},
    "col.version": {"zh": "版本", "en": "Version"},
    "col.status": {"zh": "状态", "en": "Status"},
    "col.requested_on": {"zh": "申请日期", "en": "Requested on"},
    "col.community": {"zh": "小区", "en": "Community"},
    "col.records": {"zh": "记录", "en": "Records"},
    "col.period": {"zh": "期间", "en": "Period"},
    "col.corrected": {"zh": "已更正/撤回", "en": "Corrected / withdrawn"},
    "col.legal": {"zh": "法定代表人", "en": "Legal representative"},
    "col.contact": {"zh": "联系方式", "en": "Contact"},
    "col.dishonesty": {"zh": "失信期", "en": "Dishonesty terms"},
    "col.renovated": {"zh": "改造完成", "en": "Renovated"},
    "col.build_year": {"zh": "建成年份", "en": "Built"},
    "none": {"zh": "无", "en": "none"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "empty": {"zh": "暂无记录。", "en": "Nothing recorded yet."},
    "placeholder.title": {"zh": "尚未发布", "en": "Not published yet"},
    "placeholder.body": {"zh": "此页面的内容尚未发布，请稍后再来。", "en": "This page has not been published yet."},
    "approvals.title": {"zh": "审批待办", "en": "Approvals inbox"},
    "approvals.intro": {"zh": "以下进驻申请等待社区党组织审批。", "en": "These entry requests await the party committee's decision."},
    "insp.title": {"zh": "录入每月巡查", "en": "Record a monthly inspection"},
    "insp.community": {"zh": "小区编码", "en": "Community code"},
    "insp.month": {"zh": "巡查月份（YYYY-MM）", "en": "Month (YYYY-MM)"},
    "insp.occurred_on": {"zh": "巡查日期", "en": "Inspection date"},
    "insp.items": {"zh": "巡查项目", "en": "Items"},
    "insp.pass": {"zh": "合格", "en": "pass"},
    "insp.fail": {"zh": "不合格", "en": "fail"},
    "insp.document": {"zh": "文书编号（可选）", "en": "Document no. (optional)"},
    "insp.submit": {"zh": "提交", "en": "Submit"},
    "insp.saved": {"zh": "已记录巡查，账本位置：", "en": "Inspection recorded at ledger position "},
    "form.errors": {"zh": "提交未成功，请修改标出的项目。", "en": "Not saved: please fix the marked fields."},
    "login.title": {"zh": "登录", "en": "Log in"},
    "login.dev": {"zh": "开发模式：直接选择身份（不安全，仅供演示）。", "en": "Dev mode: pick an identity (insecure, demo only)."},
    "login.user": {"zh": "用户名", "en": "User"},
    "login.role": {"zh": "角色", "en": "Role"},
    "login.org": {"zh": "单位（街道名称或部门）", "en": "Organisation (street or department)"},
    "login.token": {"zh": "访问令牌", "en": "Access token"},
    "login.submit": {"zh": "登录", "en": "Log in"},
    "login.failed": {"zh": "令牌无效。", "en": "Unknown token."},
    "error.title": {"zh": "出错了", "en": "Error"},
    "error.back": {"zh": "返回首页", "en": "Back to the dashboard"},
    "error.401": {"zh": "请先登录。", "en": "Please log in."},
    "error.403": {"zh": "您的角色无权进行此操作。", "en": "Your role may not do this."},
    "error.404": {"zh": "未找到。", "en": "Not found."},
}

LABELS: dict[str, dict[str, str]] = {
    # roles
    "housing_bureau": {"zh": "区住房建设委", "en": "Housing bureau"},
    "civil_affairs": {"zh": "区民政局", "en": "Civil affairs"},
    "finance": {"zh": "区财政局", "en": "Finance"},
    "department": {"zh": "评定部门", "en": "Assessing department"},
    "street": {"zh": "街道办事处", "en": "Street office"},
    "party_committee": {"zh": "社区党组织", "en": "Party committee"},
    "residents_committee": {"zh": "居委会", "en": "Residents' committee"},
    "auditor": {"zh": "审计", "en": "Auditor"},
    "public": {"zh": "公众", "en": "Public"},
    # evaluators (the committees are the roles above)
    "third_party": {"zh": "第三方", "en": "Third party"},
    # categories and modes
    "commercial": {"zh": "备案商品住宅", "en": "Commercial"},
    "resettlement": {"zh": "还迁", "en": "Resettlement"},
    "renovated_old": {"zh": "已改造旧楼区", "en": "Renovated old"},
    "other_old": {"zh": "其余老旧小区", "en": "Other old"},
    "professional": {"zh": "专业化物业服务", "en": "Professional"},
    "self_governance": {"zh": "居民自治", "en": "Self-governance"},
    "trusteeship": {"zh": "街道社区托管", "en": "Trusteeship"},
    "property_unit": {"zh": "产权单位自管", "en": "Property-unit"},
    "fallback": {"zh": "保底服务", "en": "Fallback service"},
    "company": {"zh": "物业服务企业", "en": "Company"},
    "street_centre": {"zh": "街道物业服务中心", "en": "Street service centre"},
    # basic services (inspection items)
    "gate_duty": {"zh": "门岗值勤", "en": "Gate duty"},
    "patrol": {"zh": "巡视管理", "en": "Patrol"},
    "cleaning": {"zh": "楼内外保洁", "en": "Cleaning"},
    "parking": {"zh": "车辆停放管理", "en": "Parking"},
    # engagement statuses
    "requested": {"zh": "待审批", "en": "Requested"},
    "approved": {"zh": "已批准", "en": "Approved"},
    "refused": {"zh": "未批准", "en": "Refused"},
    "active": {"zh": "在管", "en": "Active"},
    "exit_noticed": {"zh": "已告知退出", "en": "Exit noticed"},
    "exit_approved": {"zh": "已批准退出", "en": "Exit approved"},
    "ended": {"zh": "已退出", "en": "Ended"},
    # record kinds
    "InspectionRecorded": {"zh": "每月巡查", "en": "Monthly inspection"},
    "AssessmentRecorded": {"zh": "季度联合考核", "en": "Quarterly assessment"},
    "SatisfactionSurveyed": {"zh": "满意度调查", "en": "Satisfaction survey"},
    "EvaluationRecorded": {"zh": "评价", "en": "Evaluation"},
    "FeesCollected": {"zh": "物业费收缴", "en": "Fee collection"},
}

# Domain rules (DomainError.rule) in Chinese, for messages next to form fields.
RULES_ZH: dict[str, str] = {
    "not_after_today": "日期不能晚于今天（北京时间）。",
    "required": "此项必填。",
    "exists": "不存在，请检查编码。",
    "month_format": "月份格式应为 YYYY-MM，例如 2024-03。",
    "quarter_format": "季度格式应为 YYYY-Q1 至 YYYY-Q4。",
    "date": "日期格式应为 YYYY-MM-DD。",
    "one_per_period": "该期间已有记录；如需修改，请提交更正。",
    "code_format": "编码只能包含字母、数字、“-”“_”“.”，最长 64 位。",
    "uscc_format": "统一社会信用代码应为 18 位（数字和除 I、O、S、V、Z 外的大写字母）。",
    "uscc_check_character": "统一社会信用代码校验位不正确。",
    "own_street": "您只能为本街道的小区录入。",
    "role_permission": "您的角色无权进行此操作。",
    "hex_sha256": "附件 SHA-256 应为 64 位小写十六进制。",
    "fen": "金额最多保留两位小数（分）。",
    "decimal": "金额应为十进制数字。",
    "conflict": "记录已被他人修改，请刷新后重试。",
    "optimistic_concurrency": "记录已被他人修改，请刷新后重试。",
    "same_command": "重复提交的表单与原表单不一致，请重新打开表单。",
    "page_role": "您的角色无权查看此页面。",
    "read_models": "读模型不可用（内存账本或尚未建立：运行 taizhang project）。",
    "no_pack": "本台账尚未采纳政策包，无补贴数据（taizhang subsidy adopt）。",
    "period_format": "期间格式应为 YYYY、YYYY-Hn、YYYY-Qn 或 YYYY-MM，例如 2025-Q3。",
    "published": "该评星周期尚未公布。",
    "provable": "无法为该位置生成证明（不在完整性日志中或不在该检查点内）。",
    "integer": "应为整数。",
    "checkpoint_exists": "没有这个签名检查点（尚未签署时运行 taizhang audit checkpoint）。",
    "minimum": "数值过小。",
    "format": "格式应为 xlsx 或 csv。",
    "blacklisted": "该企业在黑名单上；同意进驻须填写特别批准理由。",
    "one_decision": "该事项已作出决定，或已无待审批事项，请刷新页面。",
    "after_previous_step": "决定日期不能早于该服务关系的上一步骤。",
    "max_length": "内容过长（最多 200 字）。",
}


def add(words: dict[str, dict[str, str]]) -> None:
    """Let a page module register its own words."""
    WORDS.update(words)


def translator(lang: str):
    def t(key: str) -> str:
        entry = WORDS.get(key) or LABELS.get(key)
        return entry.get(lang) or entry["zh"] if entry else key
    return t


def error_text(error: DomainError, lang: str) -> str:
    """The message to show next to a field: Chinese from the rule when known."""
    if lang == "zh" and error.rule in RULES_ZH:
        return RULES_ZH[error.rule]
    return error.message
