"""Today in the ledger's legal time zone (Asia/Shanghai), whatever the server's zone.

Business dates default to it, and a business date after it is refused: on a UTC
server, ``date.today()`` would date every command sent before 08:00 Beijing time
to the day before.
"""

from __future__ import annotations

from datetime import date, datetime

from projections.service import LEDGER_TZ


def ledger_today(now: datetime | None = None) -> date:
    """``now`` (an aware datetime; default the current time) as a date in China."""
    return (now or datetime.now(LEDGER_TZ)).astimezone(LEDGER_TZ).date()
