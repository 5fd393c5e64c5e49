"""Words of the record forms (complaints, surveys, fees) and of the complaints on the
community page: Chinese first, English for the switch."""

from api.io.labels import CHANNEL
from api.web.i18n import add


def _w(**pairs: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key.replace("__", "."): {"zh": zh, "en": en} for key, (zh, en) in pairs.items()}


_CHANNEL_EN = {"hotline_12345": "12345 hotline", "walk_in": "Walk-in", "phone": "Phone", "online": "Online",
               "letter": "Letter"}

add({f"channel.{code}": {"zh": label, "en": _CHANNEL_EN.get(code, code)} for code, label in CHANNEL.canonical.items()})
add(_w(
    nav__complaint=("登记投诉", "File a complaint"), nav__resolution=("投诉办结", "Resolve a complaint"),
    nav__survey=("录入满意度调查", "Record a survey"), nav__fees=("录入物业费收缴", "Record fee collection"),
    rf__complaint_title=("投诉登记", "File a complaint"), rf__resolution_title=("投诉办结", "Resolve a complaint"),
    rf__survey_title=("录入满意度调查", "Record a satisfaction survey"),
    rf__fees_title=("录入物业费收缴（月度）", "Record a month's fee collection"),
    rf__community_name=("小区", "Community"),
    rf__errors_list=("请修改以下项目：", "Please fix:"),
    rf__complaint_code=("投诉编号（工单号）", "Complaint no. (work order)"),
    rf__complaint_code_hint=("字母、数字、“-”“_”“.”，如 TS-2024-0001", "letters, digits, '-', '_', '.', e.g. TS-2024-0001"),
    rf__category=("投诉类别", "Category"), rf__category_hint=("如 环境卫生、秩序维护", "e.g. cleaning, order"),
    rf__channel=("投诉渠道", "Channel"), rf__description=("投诉内容（可选）", "What was reported (optional)"),
    rf__complainant_name=("投诉人姓名（可选）", "Complainant's name (optional)"),
    rf__complainant_phone=("联系电话（可选）", "Complainant's phone (optional)"),
    rf__sealed_hint=("按人加密保存，可依法删除；不在任何列表中显示。",
                     "Encrypted per person, erasable on request; never shown in lists."),
    rf__provider_uscc=("被投诉企业统一社会信用代码（可选）", "Provider's USCC (optional)"),
    rf__provider_hint=("留空为小区当前的服务企业。", "Blank: the community's current provider."),
    rf__filed_on=("受理日期", "Filed on"), rf__date_hint=("不能晚于今天。", "Not after today."),
    rf__open_hint=("可从本小区未办结的投诉中选择。", "Pick one of the community's open complaints."),
    rf__substantiated=("是否属实", "Substantiated?"), rf__substantiated_yes=("属实", "Substantiated"),
    rf__substantiated_no=("不属实", "Not substantiated"),
    rf__resolution=("办结情况", "How it was resolved"), rf__resolved_on=("办结日期", "Resolved on"),
    rf__period=("调查期间", "Survey period"),
    rf__period_hint=("如 2024、2024-H1、2024-Q4", "e.g. 2024, 2024-H1, 2024-Q4"),
    rf__households=("总户数", "Households"), rf__households_hint=("默认为小区登记户数。", "Default: the registered households."),
    rf__valid_responses=("有效问卷数", "Valid responses"), rf__satisfied=("满意问卷数", "Satisfied"),
    rf__surveyed_on=("调查日期", "Survey date"),
    rf__fee_month=("收缴月份（YYYY-MM）", "Month (YYYY-MM)"),
    rf__households_billed=("应缴户数", "Households billed"), rf__households_paid=("实缴户数", "Households paid"),
    rf__amount_billed=("应收金额（元）", "Amount billed (yuan)"),
    rf__amount_collected=("实收金额（元）", "Amount collected (yuan)"),
    rf__money_hint=("最多两位小数，如 6000.00", "At most two decimals, e.g. 6000.00"),
    rf__collected_on=("收缴日期", "Collection date"),
    rf__back=("返回小区", "Back to the community"),
    # confirmations on the community page (?kind=)
    saved__complaint=("已登记投诉，账本位置：", "Complaint filed at ledger position "),
    saved__resolution=("已记录投诉办结，账本位置：", "Complaint resolution recorded at ledger position "),
    saved__survey=("已记录满意度调查，账本位置：", "Satisfaction survey recorded at ledger position "),
    saved__fees=("已记录物业费收缴，账本位置：", "Fee collection recorded at ledger position "),
    # the community page's complaints
    cp__title=("投诉", "Complaints"), cp__filed_on=("受理日期", "Filed on"), cp__category=("类别", "Category"),
    cp__channel=("渠道", "Channel"), cp__status=("办理情况", "Status"), cp__open=("未办结", "Open"),
    cp__resolved_yes=("已办结（属实）", "Resolved (substantiated)"),
    cp__resolved_no=("已办结（不属实）", "Resolved (not substantiated)"),
    cp__resolve=("办结", "Resolve"), cp__none=("暂无投诉。", "No complaint."),
))
