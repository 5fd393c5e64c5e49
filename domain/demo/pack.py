"""The policy pack the demo district adopts before its history starts.

The ledger's own pack as shipped in ``domain/packs`` (``jinnan.json`` for the
default ledger) when there is one; otherwise an inline stand-in built from the
code defaults (``domain.sheet.DEFAULT_SHEET`` and ``domain.engagement.ExitRules``).
The pack is made effective from the start of the demo's history even when the
file's own date is later, so every demo record falls under it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from domain.engagement import ExitRules
from domain.errors import ValidationError
from domain.packs import load_pack
from domain.packs.loader import with_inline_rules
from domain.sheet import DEFAULT_SHEET

PACK_VERSION = "2023.1-demo"


def default_pack_content() -> dict:
    """A fresh dict each call (the adoption event keeps the content it was given)."""
    return {
        "title": "津南区社区物业管理（演示）",
        "assessment_sheet": {
            "sections": dict(DEFAULT_SHEET.sections),
            "veto_items": list(DEFAULT_SHEET.veto_items),
            "grades": [[floor, name] for floor, name in DEFAULT_SHEET.grades],
        },
        "exit": asdict(ExitRules()),
    }


def demo_pack(pack_id: str) -> tuple[str, date | None, dict]:
    """(version, the file's effective date or None, content) of the pack the demo adopts."""
    try:
        pack = load_pack(pack_id)
    except ValidationError:
        return PACK_VERSION, None, default_pack_content()
    return pack.version, pack.effective_from, with_inline_rules(pack.content)  # recorded as adopt_pack records it
