"""Words of the rating-cycle wizard (评定向导) and the Chinese sentences for the cycle's
rules: Chinese first, English for the switch."""

from api.web.i18n import add
from api.web.pages._record_forms import add_sentences


def _w(**pairs: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key.replace("__", "."): {"zh": zh, "en": en} for key, (zh, en) in pairs.items()}


add(_w(
    cw__title=("评定向导", "Rating cycle wizard"), cw__back=("返回评定周期", "Back to the cycle"),
    cw__step_scheme=("方案", "Scheme"), cw__step_open=("开始评定", "Open"), cw__step_scores=("评分", "Scores"),
    cw__step_close=("截止", "Close"), cw__step_compute=("计算结果", "Compute"), cw__step_publish=("公布", "Publish"),
    cw__step_appeals=("复核", "Objections"),
    cw__done=("已完成", "done"), cw__current=("当前步骤", "current step"), cw__todo=("待进行", "to do"),
    cw__scores=("已收到 {n} 条部门评分（各部门通过接口或表格导入提交）。",
                "{n} department scores received (departments submit them through the API or an import)."),
    cw__no_action=("您的角色不能推进此步骤。", "Your role may not move this step on."),
    cw__pending=("待决定的复核申请", "Objections awaiting a decision"),
    cw__decide_link=("作出复核决定", "Decide"),
    cw__open_title=("开始评定", "Open the cycle"), cw__open_button=("开始评定", "Open the cycle"),
    cw__period_start=("评定期间起", "Period from"), cw__period_end=("评定期间止", "Period to"),
    cw__opened_on=("开始日期", "Opened on"),
    cw__close_title=("截止评分", "Close the cycle to scores"), cw__close_button=("截止评分", "Close to scores"),
    cw__close_hint=("截止后各部门不能再提交或更正评分。", "After closing, no score can be submitted or corrected."),
    cw__closed_on=("截止日期", "Closed on"),
    cw__compute_title=("计算评定结果", "Compute the result"), cw__compute_button=("计算评定结果", "Compute"),
    cw__computed_on=("计算日期", "Computed on"),
    cw__publish_title=("公布结果", "Publish the result"), cw__publish_button=("公布结果", "Publish"),
    cw__published_on=("公布日期", "Published on"),
    cw__objection_title=("复核申请", "Record an objection"), cw__objection_button=("登记复核申请", "Record"),
    cw__provider_uscc=("申请企业统一社会信用代码", "Objecting provider's USCC"),
    cw__objection_reason=("申请理由", "Grounds"), cw__filed_on=("收到日期", "Received on"),
    cw__decide_title=("复核决定", "Decide an objection"), cw__decide_button=("记录复核决定", "Record the decision"),
    cw__objection=("复核申请", "Objection"), cw__upheld=("复核结论", "Decision"),
    cw__upheld_yes=("成立（改正评分或星级）", "Upheld (corrects a score or the stars)"),
    cw__upheld_no=("驳回", "Rejected"),
    cw__decision_reason=("决定理由", "Reason"), cw__department=("改正的部门评分：部门", "Corrected score: department"),
    cw__no_department=("—（不改部门评分）", "— (no department score)"), cw__score=("改正后的分数（0–100）", "Corrected score (0–100)"),
    cw__stars=("或直接改定星级", "Or the stars to give"),
    cw__remedy_hint=("成立时填写部门和分数，或只填星级；驳回时都不填。",
                     "Upheld: a department and score, or stars only; rejected: neither."),
    cw__decided_on=("决定日期", "Decided on"),
    cw__republish_title=("重新公布", "Publish again"), cw__republish_button=("重新公布", "Publish again"),
    cw__republish_hint=("应用已成立的复核申请；首次公布保留在公布记录中。",
                        "Applies the upheld objections; the first publication stays in the history."),
    cw__republished_on=("重新公布日期", "Published again on"),
    saved__cycle_open=("已开始评定，账本位置：", "Cycle opened at ledger position "),
    saved__cycle_close=("已截止评分，账本位置：", "Cycle closed at ledger position "),
    saved__cycle_compute=("已计算评定结果，账本位置：", "Result computed at ledger position "),
    saved__cycle_publish=("已公布结果，账本位置：", "Result published at ledger position "),
    saved__cycle_objection=("已登记复核申请，账本位置：", "Objection recorded at ledger position "),
    saved__cycle_decision=("已记录复核决定，账本位置：", "Decision recorded at ledger position "),
    saved__cycle_republish=("已重新公布，账本位置：", "Published again at ledger position "),
))

add_sentences({
    "open_once": "该周期已开始评定，不能再次开始。",
    "cycle_open": "该周期不在评分阶段（尚未开始或已截止）。",
    "closed_first": "须先截止评分才能计算结果；已公布的结果不能重新计算。",
    "computed_first": "须先计算结果才能公布；结果已公布的，请走复核和重新公布。",
    "published_first": "结果公布后才能登记复核申请。",
    "upheld_objection": "没有尚未公布的成立复核申请，无需重新公布。",
    "changes_result": "成立的复核申请没有改变已公布的结果。",
    "cycle_version:current": "计算期间周期已有变化，请重试。",
    "configured": "本台账未配置评定计算，无法计算结果。",
    "in_result": "该企业不在本周期的评定结果中。",
    "one_pending": "该企业已有未决定的复核申请。",
    "appeal_window": "已超过复核申请期限（公布后若干个工作日）。",
    "known_objection": "没有这个复核申请，请从列表中选择。",
    "decide_once": "该复核申请已作出决定。",
    "one_remedy": "成立时须填写部门和分数，或只填星级（二者选一）。",
    "scheme_department": "不是本周期方案中的评分部门。",
    "star_range": "星级应为方案范围内的整数。",
    "rated_only": "该企业未获评星级，只能改正部门评分。",
    "no_remedy": "驳回的复核申请不改变任何评分或星级，请清空部门、分数和星级。",
    "period_end:date_order": "评定期间止不能早于评定期间起。",
    "bool_parsing": "请选择一项。",
})
