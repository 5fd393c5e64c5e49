"""A timeline of ledger commands, run in business-date order.

A community's history is drawn first (every command with its date) and then
run sorted by date, so each aggregate's events are in ``occurred_on`` order
whatever order the story was drawn in. Commands dated after the period's end
are dropped: the district's ledger stops on its last day (an unresolved
complaint stays open, a subsidy for the last quarter is not paid yet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

# Same-day order: the community exists, then its engagements move, then records are made.
REGISTER, RENOVATE, MODE, COMMITTEE, REQUEST, DECIDE, SIGN, EXIT, HANDOVER, END = range(10)
RECORD, FOLLOW_UP, COMPLAINT, RESOLVE = 20, 21, 30, 31


@dataclass
class Timeline:
    last_day: date
    _actions: list[tuple[date, int, int, Callable[..., Any], tuple, dict]] = field(default_factory=list)

    def at(self, day: date, order: int, command: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Schedule ``command(*args, **kwargs)`` on ``day``; False (and dropped) after the last day."""
        if day > self.last_day:
            return False
        self._actions.append((day, order, len(self._actions), command, args, kwargs))
        return True

    def run(self) -> int:
        """Run everything in (date, same-day order, insertion) order; returns the number of commands."""
        self._actions.sort(key=lambda a: a[:3])
        for _, _, _, command, args, kwargs in self._actions:
            command(*args, **kwargs)
        count = len(self._actions)
        self._actions.clear()
        return count
