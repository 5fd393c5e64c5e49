"""A rating scheme in words (the cycle page's scheme block, the scheme-pack drop-down):
its method with its parameters read as a person would (按排名定额：10% / 23.33% / …,
固定分数线：5★ ≥ 90 / 4★ ≥ 80 …, 一维k均值聚类（精确）：k = 5), its standardisation,
and a pack's label in the page's language."""

from __future__ import annotations

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


def register_pack_label(pack: dict) -> str:
    """The word key of a scheme pack's drop-down label: its Chinese title, and in English its method in
    words with its id and version (the packs carry Chinese titles only, unless they give ``title_en``)."""
    key = f"schemepack.{pack['id']}"
    guardrail = f", cut points move at most ± {pack['guardrail']}" if pack.get("guardrail") is not None else ""
    en = pack.get("title_en") or (f"{method_text(pack.get('method', ''), pack.get('parameters'), 'en')}{guardrail}"
                                  f" ({pack['id']} {pack.get('version', '')})".replace(" )", ")"))
    add({key: {"zh": pack.get("title") or pack["id"], "en": en}})
    return key
