"""HTTP fixtures: the app on a fresh SQLite file (PostgreSQL tests use make_client)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.e2e.helpers import make_client


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    c = make_client(sqlite_url)
    yield c
    c.app.state.ledger.close()
