"""Building incrementally (event by event, with restarts) = rebuilding from zero = as-of the same prefix."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.ledger import Ledger
from projections.runner import Runner
from projections.service import build_as_of, digests, rebuild
from tests.integration.test_projection_helpers import KINDS, MINE, run_command

commands = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 2), st.integers(0, 4), st.booleans(),
                              st.booleans()), min_size=1, max_size=30)


def _digests(url: str) -> dict[str, str]:
    return {name: d["digest"] for name, d in digests(url, MINE).items()}


@pytest.mark.slow
@settings(max_examples=min(settings().max_examples, 30))
@given(commands=commands, data=st.data())
def test_incremental_with_restarts_equals_rebuild_equals_as_of(tmp_path_factory, commands, data):
    folder = tmp_path_factory.mktemp("eq")
    url = f"sqlite:///{folder / 'ledger.db'}"
    ledger = Ledger(url)
    # Ensure communities exist so that most commands are valid.
    for a in range(3):
        run_command(ledger, "community", a, 0, False)
    runner = Runner(url, projections=MINE, batch_size=1)
    seen: dict[int, dict[str, str]] = {}
    try:
        for kind, a, b, flag, restart in commands:
            run_command(ledger, kind, a, b, flag)
            if restart:
                runner.close()
                runner = Runner(url, projections=MINE, batch_size=1)
            runner.catch_up()
            seen[runner.position()] = _digests(url)
    finally:
        runner.close()
    final_position = max(seen)
    rebuilt = f"sqlite:///{folder / 'rebuilt.db'}"
    report = rebuild(url, MINE, target_url=rebuilt)
    assert report.ok
    assert _digests(rebuilt) == seen[final_position]
    prefix = data.draw(st.sampled_from(sorted(seen)))
    as_of = build_as_of(url, f"sqlite:///{folder / 'asof.db'}", position=prefix, names=MINE)
    assert as_of.report.ok and as_of.position == prefix
    assert _digests(as_of.target_url) == seen[prefix]
    ledger.close()
