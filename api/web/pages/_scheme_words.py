"""A rating scheme in words (the cycle page's scheme block, the scheme-pack drop-down):
its method with its parameters read as a person would (按排名定额：10% / 23.33% / …,
固定分数线：5★ ≥ 90 / 4★ ≥ 80 …, 一维k均值聚类（精确）：k = 5), its standardisation,
and a pack's option (short enough for the select) and description in the page's language."""

from __future__ import annotations

import unicodedata
from typing import Any

from api.web.i18n import add, translator
from api.web.pages._words import _w  # (the keys' "__" → ".")

add(_w(
    std__raw=("原始分", "Raw scores"), std__zscore=("z 分数", "z-scores"), std__minmax=("最小–最大", "Min–max"),
    rt__not_started=("未开始", "Not started"), rt__winsor=("缩尾", "winsorised at"),
))


def _number(value: Any) -> str:
    """A parameter without float noise: 0.23333333333333334 → 23.33 (as a percent), 90.0 → 90."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def method_text(method: str, parameters: dict | None, lang: str) -> str:
    t = translator(lang)
    p = parameters or {}
    name = t(f"method.{method}")
    sep = "：" if lang == "zh" else ": "
    if method == "quota" and p.get("shares"):
        detail = " / ".join(f"{_number(100 * float(s))}%" for s in p["shares"])
    elif method == "thresholds" and p.get("thresholds"):
        top = len(p["thresholds"]) + 1  # one threshold per star above the lowest, from the top down
        detail = " / ".join(f"{top - i}★ ≥ {_number(v)}" for i, v in enumerate(p["thresholds"]))
    elif method == "kmeans":
        detail = f"k = {int(p.get('levels', 5))}"
    else:
        detail = ""
    if p.get("winsor") is not None:
        detail += f"{'，' if lang == 'zh' else ', '}{t('rt.winsor')} {p['winsor']}"
    return f"{name}{sep}{detail}" if detail else name


def standardisation_text(value: str | None, lang: str) -> str:
    return translator(lang)(f"std.{value}") if value else "—"


# The adopt form's select is as wide as the form (.form: 34rem) less its padding, border and arrow:
# a label wider than this is cut off in the closed select, so a pack's option stays short and its
# full description is listed under the select (register_pack_label's "about" key).
OPTION_EM = 28


def em_width(text: str) -> float:
    """A label's width in em, roughly: a wide (CJK, full-width) character 1, any other 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def _short(candidates: list[str]) -> str:
    return next((c for c in candidates if c and em_width(c) <= OPTION_EM), candidates[-1])


def register_pack_label(pack: dict) -> tuple[str, str]:
    """The word keys of a scheme pack's drop-down option and of its description under the select.

    The option: the pack's Chinese title (its part before a bracket when the whole is too wide), in
    English its method's name with its id (the packs carry Chinese titles only, unless they give
    ``title_en``). The description: the method with its parameters in words, the guardrail, the id and
    version; in Chinese, the full title instead when the option had to shorten it."""
    key, version = f"schemepack.{pack['id']}", pack.get("version", "")
    ident = f"{pack['id']} {version}".strip()
    title = pack.get("title") or pack["id"]
    guard = pack.get("guardrail")
    guard_zh = f"，切分点较上期变动不超过 ± {guard} 分" if guard is not None else ""
    guard_en = f", cut points move at most ± {guard} from the last cycle" if guard is not None else ""
    method = pack.get("method", "")
    name = {lang: translator(lang)(f"method.{method}") for lang in ("zh", "en")}
    zh = _short([title, title.split("（", 1)[0], name["zh"]])
    en = _short([pack.get("title_en", ""), f"{name['en']} ({pack['id']})", name["en"]])
    how = {lang: method_text(method, pack.get("parameters"), lang) for lang in ("zh", "en")}
    # A shortened Chinese option: the full title says the rest (the shipped titles name their parameters).
    about_zh = f"{title}（{ident}）" if zh != title else f"{how['zh']}{guard_zh}（{ident}）"
    about_en = (f"{pack['title_en']}; " if pack.get("title_en") and en != pack["title_en"] else "") + \
        f"{how['en']}{guard_en} ({ident})"
    add({key: {"zh": zh, "en": en}, f"{key}.about": {"zh": about_zh, "en": about_en}})
    return key, f"{key}.about"
