"""The subsidy pages' reasons, modes and grades in the page's language.

The read models store each reason as a Chinese sentence (projections.subsidy_text),
some with a raw code inside (a community category such as ``other_old``). Their
digests and signed publications cover those bytes, so the sentences are translated
here, at display time: every stored sentence is matched against its template, and
rendered again in the page's language with the codes in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from projections.subsidy_text import GRADE_ZH, MODE_ZH, REASON_TEMPLATES

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
