"""Fixtures of the domain tests: an in-memory ledger, empty or with an active engagement."""

from __future__ import annotations

import pytest

from tests.unit.domain import builders as b


@pytest.fixture
def ledger():
    return b.new_ledger()


@pytest.fixture
def served(ledger):
    """A ledger where provider USCC serves community C-001 under engagement E-001 (2024–2025)."""
    b.active_engagement(ledger)
    return ledger
