"""Words of the approvals inbox and the engagement page: Chinese first, English for the switch."""

from api.web.i18n import add


def _w(**pairs: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key.replace("__", "."): {"zh": zh, "en": en} for key, (zh, en) in pairs.items()}


add(_w(
    ap__entries=("待审批的进驻申请", "Entry requests awaiting a decision"),
    ap__exits=("待审批的退出告知", "Exit notices awaiting a decision"),
    ap__exits_intro=("以下服务关系已告知退出，等待社区党组织审批退出。",
                     "These engagements have an exit notice awaiting the party committee's decision."),
    ap__read_only=("您可以查看，但只有本街道的社区党组织可以作出决定。",
                   "You may read; only the party committee of the community's street decides."),
    ap__services=("服务内容", "Services"), ap__fee=("收费标准（元/m²·月）", "Fee standard (yuan/m²·month)"),
    ap__term=("服务期限（月）", "Term (months)"), ap__served_area=("服务面积（m²）", "Served area (m²)"),
    ap__blacklist=("黑名单状态", "Blacklist status"),
    ap__bl_clear=("截至今天（{day}）未列入黑名单。", "Not on the blacklist as of today ({day})."),
    ap__bl_listed=("截至今天（{day}）已列入黑名单：", "On the blacklist as of today ({day}):"),
    ap__bl_position=("依据：台账位置 #{n} 时的黑名单（作出决定时将以最新位置为准并记入决定）。",
                     "Read from the blacklist as of ledger position #{n} "
                     "(the decision records the position it rests on)."),
    ap__since=("列入日期", "since"), ap__until=("移出日期", "off the list on"), ap__open_ended=("未定", "open-ended"),
    ap__decide=("作出决定", "Decide"), ap__approve=("同意", "Approve"), ap__refuse=("不同意", "Refuse"),
    ap__decision=("决定", "Decision"), ap__reason=("理由（必填）", "Reason (required)"),
    ap__override=("特别批准理由（该企业在黑名单上，同意进驻须填写）",
                  "Override reason (the provider is blacklisted: required to approve)"),
    ap__submit=("提交决定", "Submit decision"),
    ap__exit_by=("告知方", "Notice by"), ap__exit_date=("拟退出日期", "Exit date"),
    ap__exit_reason=("退出原因", "Reason for exit"), ap__noticed_on=("告知日期", "Noticed on"),
    ap__done_entry_yes=("已记录：同意 {code} 进驻", "Recorded: entry of {code} approved"),
    ap__done_entry_no=("已记录：不同意 {code} 进驻", "Recorded: entry of {code} refused"),
    ap__done_exit_yes=("已记录：同意 {code} 退出", "Recorded: exit of {code} approved"),
    ap__done_exit_no=("已记录：不同意 {code} 退出", "Recorded: exit of {code} refused"),
    ap__done_at=("（台账位置 #{n}）。", " (ledger position #{n})."),
    ap__rested_on=("本决定依据台账位置 #{n} 时的黑名单：该企业{state}。",
                   "This decision rested on the blacklist as of ledger position #{n}: the provider was {state}."),
    ap__state_listed=("已列入黑名单", "blacklisted"), ap__state_clear=("未列入黑名单", "not blacklisted"),
    ap__override_recorded=("特别批准理由：", "Override reason: "),
    ap__view=("查看服务关系", "View the engagement"),
    eng__title=("服务关系", "Engagement"), eng__request=("进驻申请", "Entry request"),
    eng__decisions=("审批记录", "Decisions"), eng__kind_entry=("进驻审批", "Entry decision"),
    eng__kind_exit=("退出审批", "Exit decision"), eng__exit_notice=("退出告知", "Exit notice"),
    eng__rested_on=("依据的黑名单位置", "Blacklist position it rested on"),
    eng__decided_by=("决定人", "Decided by"), eng__override=("特别批准理由", "Override reason"),
    eng__period=("服务期", "Service period"),
    by__provider_non_renewal=("企业到期不续约", "Provider does not renew"),
    by__community_termination=("业主/社区解聘", "Terminated by the community"),
    by__mutual=("双方协商", "By mutual agreement"),
))
