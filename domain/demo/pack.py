"""The policy pack the demo district adopts before its history starts.

An inline stand-in, built from the code defaults (``domain.sheet.DEFAULT_SHEET``
and ``domain.engagement.ExitRules``) so the two cannot drift; the subsidies
issue replaces it with the real pack files."""

from __future__ import annotations

from dataclasses import asdict

from domain.engagement import ExitRules
from domain.sheet import DEFAULT_SHEET

PACK_VERSION = "2023.1-demo"


def default_pack_content() -> dict:
    """A fresh dict each call (the adoption event keeps the content it was given)."""
    return {
        "name": "津南区社区物业管理（演示）",
        "source": "津南区社区物业管理提升工作方案 (2023) — demo stand-in",
        "assessment_sheet": {
            "sections": dict(DEFAULT_SHEET.sections),
            "veto_items": list(DEFAULT_SHEET.veto_items),
            "grades": [[floor, name] for floor, name in DEFAULT_SHEET.grades],
        },
        "exit": asdict(ExitRules()),
    }
