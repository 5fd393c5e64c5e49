"""HTTP fixtures: the app on a fresh SQLite file (PostgreSQL tests use make_client)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.e2e.helpers import make_client


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    from api.settings import Settings
    from projections.audit.service import AuditService

    AuditService.from_settings(Settings(database_url=sqlite_url, _env_file=None)).keygen()  # publications are signed
    c = make_client(sqlite_url)
    yield c
    c.app.state.ledger.close()
