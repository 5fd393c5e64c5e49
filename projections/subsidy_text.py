"""Words of the subsidy read models: the reasons for a zero (a stable English
key and a plain Chinese sentence), and Chinese names of modes and grades."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Reason:
    key: str
    zh: str


_REASONS = {
    "no_pack_in_force": "该期间无生效的政策包",
    "pack_without_subsidy": "采用的政策包未规定补贴规则",
    "pack_invalid": "采用的政策包补贴规则无效（{error}）",
    "built_after_scope": "建成于 {year} 年，晚于实施范围（{limit} 年及以前）",
    "category_out_of_scope": "小区类别（{category}）不在补贴范围",
    "not_renovated": "尚未完成提升改造",
    "mode_not_covered": "管理模式（{mode}）不在补贴范围",
    "no_agreement": "无有效的服务协议",
    "term_not_started": "补贴期限尚未开始（无服务协议或改造日期）",
    "term_cap_reached": "已超过 {cap} 年补贴期限",
    "taper_zero": "退坡至第 {year} 年，补贴系数为零",
    "no_assessment": "本季度无联合考核结果",
    "assessment_vetoed": "一票否决（{items}），考核不达标",
    "grade_band_zero": "考核等级为{grade}，补贴比例为零",
    "no_survey": "无本期满意度调查",
    "survey_too_few": "有效问卷 {valid} 份，不足 {households} 户的 {share}，不作为补贴依据",
    "satisfaction_below": "满意度 {share}，低于 {minimum}",
    "complaints_cut_all": "有效投诉 {n} 件，扣减至零",
    "not_transition_year": "不在以奖代补过渡期内（{first}–{last} 年）",
    "no_evaluation": "无第三方绩效评价结果",
    "evaluation_failed": "第三方绩效评价未达标",
    "no_base_payment": "区级当年未实际拨付补贴",
    "district_not_co_funded": "本区（{district}）不在市级以奖代补范围",
    "amount_zero": "计算金额为零",
}

# The web pages translate stored sentences back at display time (English, category words):
# the stored Chinese bytes stay as they are, since read-model digests and signed publications cover them.
REASON_TEMPLATES = _REASONS

MODE_ZH = {
    "professional": "专业化", "self_governance": "自治", "trusteeship": "街道社区托管",
    "property_unit": "产权单位自管", "fallback": "保底服务",
}
GRADE_ZH = {"excellent": "优秀", "model": "示范", "standard": "达标", "fail": "不达标"}
PAYER_ZH = {"district": "区级", "town": "镇级", "city": "市级"}


def reason(key: str, **values: object) -> Reason:
    return Reason(key, _REASONS[key].format(**values))


def percent(value: Decimal | Fraction) -> str:
    """A share as a percent with up to one decimal, e.g. ``80 %``, ``79.9 %`` (display only).

    Truncated, never rounded up, so a share just under a threshold never shows as the threshold.
    """
    scaled = Decimal(value.numerator) / Decimal(value.denominator) * 100 if isinstance(value, Fraction) else value * 100
    text = f"{scaled.quantize(Decimal('0.1'), rounding=ROUND_DOWN):f}".rstrip("0").rstrip(".")
    return f"{text} %"
