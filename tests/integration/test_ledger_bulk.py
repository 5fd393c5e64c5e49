"""Bulk imports: one batch far larger than one transaction should carry."""

from __future__ import annotations

from datetime import date

import pytest

from domain.base import Stamp
from domain.ledger import Ledger
from domain.values import Actor

STREET = Actor("street-1", "street", "咸水沽镇")


@pytest.mark.slow
def test_a_batch_of_13000_events_is_written_whole_on_both_stores(database_url):
    ledger = Ledger(database_url)
    stamp = Stamp(date(2024, 1, 2), STREET)
    # A single flush at the end. Saved whole, ~9 MB in one PostgreSQL transaction
    # stalled psycopg for good (seen here); the flush saves it in chunks.
    with ledger.batch(flush_every=10**9):
        for n in range(1000):
            ledger.register_community(code=f"C-{n:04d}", name=f"小区{n}", street="咸水沽镇" * 20,
                                      category="renovated_old", build_year=1990, floor_area=5000.0,
                                      households=100, mode="trusteeship", stamp=stamp)
            for month in range(1, 13):
                ledger.community_command("record_inspection", f"C-{n:04d}", month=f"2024-{month:02d}",
                                         items={f"item-{i}": True for i in range(12)}, stamp=stamp)
    assert ledger.max_position() >= 13000
    ledger.close()
