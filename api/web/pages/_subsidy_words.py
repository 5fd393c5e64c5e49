"""The subsidy pages' reasons, modes, grades and conditions in the page's language.

The read models store each reason as a Chinese sentence (projections.subsidy_text),
some with a raw code inside (a community category such as ``other_old``). Their
digests and signed publications cover those bytes, so the sentences are translated
here, at display time: every stored sentence is matched against its template, and
rendered again in the page's language with the codes in words. The explanation page's
conditions (a name and a detail per check) are matched the same way, by check key.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from projections.subsidy_text import GRADE_ZH, MODE_ZH, PAYER_ZH, REASON_TEMPLATES

from api.io.labels import VETO
from api.web.i18n import LABELS, translator
from api.web.pages import _words  # noqa: F401  (registers the grade words)

REASONS_EN = {
    "no_pack_in_force": "no policy pack in force for the period",
    "pack_without_subsidy": "the adopted pack has no subsidy rules",
    "pack_invalid": "the adopted pack's subsidy rules are invalid ({error})",
    "built_after_scope": "built in {year}, after the scope (built in {limit} or earlier)",
    "category_out_of_scope": "community category ({category}) not covered",
    "not_renovated": "renovation not completed",
    "mode_not_covered": "management mode ({mode}) not covered",
    "no_agreement": "no service agreement in force",
    "term_not_started": "subsidy term not started (no service agreement or renovation date)",
    "term_cap_reached": "beyond the {cap}-year subsidy term",
    "taper_zero": "tapered to year {year}: the factor is zero",
    "no_assessment": "no joint assessment this quarter",
    "assessment_vetoed": "one-vote veto ({items}): the assessment fails",
    "grade_band_zero": "assessment grade {grade}: the subsidy share is zero",
    "no_survey": "no satisfaction survey for the period",
    "survey_too_few": "{valid} valid questionnaires, fewer than {share} of {households} households: not a basis",
    "satisfaction_below": "satisfaction {share}, below {minimum}",
    "complaints_cut_all": "{n} valid complaints: cut to zero",
    "not_transition_year": "outside the award-in-lieu transition ({first}–{last})",
    "no_evaluation": "no third-party performance evaluation",
    "evaluation_failed": "third-party performance evaluation failed",
    "no_base_payment": "the district paid no subsidy that year",
    "district_not_co_funded": "this district ({district}) is not co-funded by the city",
    "amount_zero": "the computed amount is zero",
}
# Separators and prefixes of a line's joined reasons (projections.subsidy_read.Line.reason).
_JOINS_EN = {"以奖代补：": "City award: ", "：": ": ", "；": "; ", "、": ", "}
_VALUE = r"[^；、，（）：]+"
_ITEMS = r"[^）]+"  # veto items are joined with 、 inside the brackets


def _regex(key: str, template: str) -> str:
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"(?P<{key}__{part}>{_ITEMS if part == 'items' else _VALUE})")
        else:
            out.append(re.escape(part))
    return f"(?P<{key}>{''.join(out)})"


_PATTERN = re.compile("|".join([_regex(k, z) for k, z in REASON_TEMPLATES.items()]
                               + [re.escape(j) for j in _JOINS_EN]))
_MODES = {zh: code for code, zh in MODE_ZH.items()}
_GRADES = {zh: code for code, zh in GRADE_ZH.items()}


def _value(name: str, value: str, lang: str, t: Callable[[str], str]) -> str:
    if name == "category" and value in LABELS:
        return t(value)
    if name == "items":
        return veto_words(value.split("、"), lang)
    if lang == "en" and name == "mode" and value in _MODES:
        return t(_MODES[value])
    if lang == "en" and name == "grade" and value in _GRADES:
        return t("grade." + _GRADES[value])
    return value


def reason_text(text: str, lang: str) -> str:
    """A stored reason (or a line's joined reasons) in ``lang``; a sentence no template knows stays as it is."""
    t = translator(lang)

    def one(m: re.Match) -> str:
        key = next((k for k in REASON_TEMPLATES if m.group(k) is not None), None)
        if key is None:
            return _JOINS_EN[m.group(0)] if lang == "en" else m.group(0)
        values = {name.split("__", 1)[1]: _value(name.split("__", 1)[1], v, lang, t)
                  for name, v in m.groupdict().items() if v is not None and name.startswith(key + "__")}
        return (REASONS_EN[key] if lang == "en" else REASON_TEMPLATES[key]).format(**values)

    return _PATTERN.sub(one, text)


def modes_text(codes: list[str], lang: str) -> str:
    """A line's modes: the stored Chinese words in Chinese, the vocabulary's English otherwise."""
    t = translator(lang)
    return "、".join(MODE_ZH.get(c, c) for c in codes) if lang == "zh" else ", ".join(t(c) for c in codes)


def grades_text(codes: list[str], lang: str) -> str:
    t = translator(lang)
    return ("、" if lang == "zh" else ", ").join(t("grade." + c) for c in codes)


# --- the explanation page's conditions (projections.subsidy_rules / subsidy_award Check) ------------
# A condition's name as the projection stores it, in English; ``{payer}`` is a payer level's Chinese word.
CHECK_NAMES_EN = {
    "建成年份": "Year built", "小区类别": "Community category", "计补月数": "Months counted",
    "补贴年度": "Subsidy year", "季度联合考核": "Quarterly joint assessment", "一票否决": "One-vote veto",
    "考核等级与补贴比例": "Assessment grade and subsidy share", "满意度": "Satisfaction",
    "有效问卷": "Valid questionnaires", "有效投诉扣减": "Cut for valid complaints",
    "以奖代补过渡期": "Award-in-lieu transition", "第三方绩效评价": "Third-party performance evaluation",
    "评价效果差扣减": "Cut for a poor evaluation", "{payer}实际拨付": "Actually paid by the {payer} level",
}
# A condition's detail, by check key: (stored Chinese template, English template). The first that
# matches the whole detail wins; the values are rendered by _detail_value (codes in words).
CHECK_DETAILS = {
    "scope_category": [("{category} ∈ {categories}", "{category} ∈ {categories}")],
    "months": [("{counted}/{total}", "{counted}/{total}"),
               ("{counted}/{total}（{skipped}）", "{counted}/{total} ({skipped})")],
    "term": [("第 {years} 年，上限 {cap} 年；退坡系数 {tapers}", "term year {years} (at most {cap}); taper {tapers}"),
             ("第 {years} 年；退坡系数 {tapers}", "term year {years}; taper {tapers}")],
    "assessment": [("无考核结果", "no assessment result"),
                   ("{total} 分，{grade}，{band}", "{total} points, {grade}, share {band}")],
    "veto": [("无", "none"), ("{items}", "{items}")],
    "satisfaction": [("无满意度调查", "no satisfaction survey"),
                     ("{ratio} = {share} {cmp} {minimum}（{period}）", "{ratio} = {share} {cmp} {minimum} ({period})")],
    "survey_responses": [("{ratio} 户 < {share}", "{ratio} households < {share}")],
    "complaints": [("{n} 件，允许 {allowed} 件，系数 {factor}", "{n} complaints, {allowed} allowed, factor {factor}")],
    "base_paid": [("{amount} 元", "{amount} yuan")],
    "evaluation": [("无评价结果", "no evaluation result"), ("{score} 分（{period}）", "{score} points ({period})")],
    "substandard": [("{score} < {below}，扣 {cut}", "{score} < {below}, cut {cut}")],
}
# Values that may hold separators (lists; the months left out, each with its reason).
_ANY = {"skipped": r".+", "items": r".+", "categories": r"\[.*\]", "years": r"\[[^\]]*\]|—", "tapers": r"[^；]+"}
VETO_EN = {"facility_damage_unreported": "serious facility damage not reported for repair",
           "illegal_structures_returned": "illegal structures, flyers or street vendors back in force",
           "gate_staff_absent": "gate staff asleep or long absent"}


def _full(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(f"(?P<{p}>{_ANY.get(p, _VALUE)})" if i % 2 else re.escape(p)
                              for i, p in enumerate(parts)) + r"\Z")


_NAME_PATTERNS = [(_full(zh), en) for zh, en in CHECK_NAMES_EN.items()]
_DETAIL_PATTERNS = {key: [(_full(zh), zh, en) for zh, en in pairs] for key, pairs in CHECK_DETAILS.items()}


def veto_words(codes: list[str], lang: str) -> str:
    """Veto items in words: the import sheet's Chinese label, or English; an unknown code stays a code."""
    words = [VETO.label(c) if lang == "zh" else VETO_EN.get(c, c) for c in codes]
    return ("；" if lang == "zh" else "; ").join(words)  # a label may hold 、 (门岗睡岗、长时间脱岗)


def _detail_value(name: str, value: str, lang: str, t: Callable[[str], str]) -> str:
    if name == "categories":
        codes = re.findall(r"'([^']*)'", value)
        return "{" + ("、" if lang == "zh" else ", ").join(t(c) if c in LABELS else c for c in codes) + "}"
    if name == "skipped":
        return reason_text(value, lang)
    if name == "tapers" and lang == "en":
        return value.replace("、", ", ")
    if name == "years" and lang == "en":
        return value.strip("[]")
    return _value(name, value, lang, t)


def check_name(name: str, lang: str) -> str:
    """A condition's stored name in ``lang`` (Chinese as stored)."""
    if lang == "zh":
        return name
    t = translator(lang)
    for pattern, en in _NAME_PATTERNS:
        if m := pattern.match(name):
            payer = m.groupdict().get("payer")
            code = next((c for c, zh in PAYER_ZH.items() if zh == payer), None)
            return en.format(payer=t("payer." + code).lower() if code else payer)
    return name


def check_detail(key: str, detail: str, lang: str) -> str:
    """A condition's stored detail in ``lang``: codes in words, and in English the sentence in English.
    A detail no template knows stays as it is."""
    t = translator(lang)
    for pattern, zh, en in _DETAIL_PATTERNS.get(key, ()):
        if m := pattern.match(detail):
            values = {n: _detail_value(n, v, lang, t) for n, v in m.groupdict().items()}
            return (en if lang == "en" else zh).format(**values)
    return detail
