"""Light event records: what projections see instead of domain-event objects.

Rebuilding from zero must run near the speed of a plain SELECT plus a JSON
decode, so a stored event becomes a :class:`Record` (a named tuple) whose
``state`` is the stored JSON decoded once (:func:`loads`: orjson, stdlib values), with the
library's ``{"_type_": …, "_data_": …}`` wrappers left in place. Handlers unwrap
only the fields they use, with the helpers below: most fields of our events are
plain JSON already, and unwrapping every timestamp would cost more than the
projection itself.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.base import aggregate_id

try:  # orjson decodes our states about 4x faster than the stdlib (benchmarks/replay.py)
    from orjson import JSONDecodeError as _FastError, loads as _fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency; the stdlib gives the same values
    _fast_loads, _FastError = json.loads, json.JSONDecodeError


def loads(raw: bytes | str) -> Any:
    """One stored state, decoded: orjson, or the stdlib for what orjson refuses (``NaN`` literals,
    integers beyond 64 bits), so the values are always those ``json.loads`` gives."""
    try:
        return _fast_loads(raw)
    except _FastError:
        return json.loads(raw)


class Record(NamedTuple):
    """One stored event: ledger position, aggregate id (32 hex digits), version, topic, decoded state."""

    position: int
    originator_id: str
    version: int
    topic: str
    state: dict

    @property
    def occurred_on(self) -> str:
        """The business date as ``YYYY-MM-DD`` (a string: compares and stores as is)."""
        return self.state["occurred_on"]["_data_"]

    @property
    def name(self) -> str:
        """The event class's name, e.g. ``InspectionRecorded``."""
        return self.topic.rsplit(".", 1)[-1]


def topic_of(event_class: type) -> str:
    """The stored topic of an event class, e.g. ``domain.community:Community.InspectionRecorded``."""
    return get_topic(event_class)


def hex_id(kind: str, code: str) -> str:
    """The stored originator id (32 hex digits) of the aggregate of ``kind`` with business ``code``."""
    return aggregate_id(kind, code).hex


def data(value: Any) -> Any:
    """The payload of a wrapped value (``"2024-01-05"`` for a date, ``"3600.00"`` for a Decimal)."""
    return value["_data_"] if isinstance(value, dict) and "_type_" in value else value


_DECODERS = {
    "date_iso": date.fromisoformat,
    "datetime_iso": datetime.fromisoformat,
    "decimal_str": Decimal,
    "uuid_hex": UUID,
}


def unwrap(value: Any) -> Any:
    """A wrapped value as its Python type (date, datetime, Decimal, UUID), recursively for containers."""
    if isinstance(value, dict):
        kind = value.get("_type_")
        if kind is not None and "_data_" in value:
            decoder = _DECODERS.get(kind)
            return decoder(value["_data_"]) if decoder else unwrap(value["_data_"])
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the form stored in read-model text columns and digests."""
    return json.dumps(unwrap(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def quarter_of(day: str) -> str:
    """``2024-05-17`` → ``2024-Q2``."""
    return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"
