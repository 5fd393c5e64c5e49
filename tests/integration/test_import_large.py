"""A large file: 5,000 monthly inspections (420 communities × 12 months) import in one
batch, with the integrity log, in a few seconds; a file with one bad row among them
writes nothing. PostgreSQL (one round trip per idempotency key) is marked slow."""

from __future__ import annotations

import time

import pytest

from api.io import run_import
from projections.audit.service import AuditService
from tests.unit.io.helpers import STREET, registry, table, workbook

ROWS, COMMUNITIES = 5000, 420
HEADERS = ["小区编码", "月份", "门岗值勤", "巡视管理", "楼内外保洁", "车辆停放管理"]


def inspections(bad_row: int | None = None) -> bytes:
    rows = []
    for i in range(ROWS):
        m = i // COMMUNITIES
        month = f"{2023 + m // 12}-{m % 12 + 1:02d}" if i != bad_row else "2024-13"
        rows.append([f"C-{i % COMMUNITIES + 1:03d}", month, "合格", "✓", "不合格" if i % 7 == 0 else "合格", 1])
    return workbook(HEADERS, rows)


def _import_large(url: str, tmp_path) -> None:
    audit = AuditService(url, tmp_path / "signing.key")
    ledger = audit.ledger()
    try:
        registry(ledger, communities=COMMUNITIES, provider=False)
        before = ledger.max_position()
        refused = run_import(ledger, "inspections", table(inspections(bad_row=4321)), STREET)
        assert [(e.row, e.column) for e in refused.errors] == [(4323, "月份")]
        assert ledger.max_position() == before
        t = table(inspections())
        started = time.perf_counter()
        report = run_import(ledger, "inspections", t, STREET)
        seconds = time.perf_counter() - started
        assert report.ok and report.events == ROWS
        # Each row: its event and its idempotency record, all in this import's positions.
        assert (report.first_position, report.last_position) == (before + 1, before + 2 * ROWS)
        assert audit.log.state()[0] == ledger.max_position()  # the integrity log covers every flushed event
        print(f"{ROWS} inspection rows imported in {seconds:.2f} s ({url.split(':')[0]})")
        assert seconds < 30  # generous: a regression guard, not a benchmark
    finally:
        ledger.close()


def test_five_thousand_inspections_in_one_batch_sqlite(sqlite_url, tmp_path):
    _import_large(sqlite_url, tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_five_thousand_inspections_in_one_batch_postgres(postgres_url, tmp_path):
    _import_large(postgres_url, tmp_path)
