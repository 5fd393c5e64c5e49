"""The demo district generator: a seeded, deterministic history of a district in
the Jinnan mix, written through the Ledger's commands in bulk mode.

    from domain.demo import generate
    summary = generate(ledger, communities=394, years=3, seed=2026)

Standard library and ``domain`` only: it is a client of the Ledger like any other."""

from domain.demo.generator import (
    DEFAULT_FLUSH_EVERY, DemoProgress, DemoSummary, count_events_by_topic, generate,
)
from domain.demo.pack import PACK_VERSION, default_pack_content, demo_pack
from domain.demo.plan import DistrictPlan, plan_district

__all__ = [
    "DEFAULT_FLUSH_EVERY", "DemoProgress", "DemoSummary", "DistrictPlan", "PACK_VERSION",
    "count_events_by_topic", "default_pack_content", "demo_pack", "generate", "plan_district",
]
