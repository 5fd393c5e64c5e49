"""Helpers for the audit tests: an audited ledger with a signing key, a few
realistic events, and direct SQL on the event table (the tamperer's tools)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from projections.audit.service import AuditService
from projections.db import engine_for
from tests.unit.domain import builders as b

ORIGIN = "taizhang.test/audit"


def audit_service(url: str, tmp_path: Path, keygen: bool = True) -> AuditService:
    service = AuditService(url, tmp_path / "signing.key", ORIGIN)
    if keygen:
        service.keygen()
    return service


def fill(ledger: Any, providers: int = 6, complaint: bool = True) -> None:
    """An active engagement, some providers, and (optionally) a complaint with personal data."""
    b.active_engagement(ledger)
    for i in range(providers):
        b.provider(ledger, b.uscc(100 + i))
    if complaint:
        file_complaint(ledger, "CP-1", "王小明", "13800000001")


def file_complaint(ledger: Any, code: str, name: str, phone: str):
    return ledger.file_complaint(code=code, community_code=b.COMMUNITY, stamp=b.stamp(role="residents_committee"),
                                 category="环境卫生", channel="hotline_12345", description="楼道堆放杂物",
                                 complainant_name=name, complainant_phone=phone)


class Tamperer:
    """Direct SQL on the event table, as someone with database access would do it."""

    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        self.pg = self.engine.dialect.name == "postgresql"
        self.table = "taizhang_events" if self.pg else "stored_events"
        self.pos = "notification_id" if self.pg else "rowid"

    def run(self, sql: str, **params: Any) -> Any:
        with self.engine.begin() as conn:
            return conn.execute(text(sql), params)

    def row(self, position: int) -> tuple:
        return tuple(self.run(f"SELECT originator_id, originator_version, topic, state FROM {self.table} "
                              f"WHERE {self.pos} = :p", p=position).one())

    def positions(self) -> list[int]:
        return [r[0] for r in self.run(f"SELECT {self.pos} FROM {self.table} ORDER BY {self.pos}")]

    def flip_byte(self, position: int, offset: int = 10) -> None:
        state = bytearray(self.row(position)[3])
        state[offset % len(state)] ^= 0x01
        self.run(f"UPDATE {self.table} SET state = :s WHERE {self.pos} = :p", s=bytes(state), p=position)

    def delete(self, position: int) -> None:
        self.run(f"DELETE FROM {self.table} WHERE {self.pos} = :p", p=position)

    def _insert(self, position: int | None, row: tuple) -> None:
        cols, vals = "originator_id, originator_version, topic, state", ":o, :v, :t, :s"
        if position is not None:
            cols, vals = f"{self.pos}, {cols}", f":p, {vals}"
        self.run(f"INSERT INTO {self.table} ({cols}) VALUES ({vals})",
                 p=position, o=row[0], v=row[1], t=row[2], s=row[3])

    def swap(self, a: int, b_: int) -> None:
        """Exchange the events at two positions (each keeps its content, changes place)."""
        ra, rb = self.row(a), self.row(b_)
        self.delete(a)
        self.delete(b_)
        self._insert(a, rb)
        self._insert(b_, ra)

    def forge(self, position: int | None = None, like: int = 1) -> int:
        """Insert a forged event (a copy of ``like`` under a new aggregate id); returns its position."""
        import uuid

        oid, _, topic, state = self.row(like)
        new_id = uuid.uuid4()
        self._insert(position, (new_id if self.pg else new_id.hex, 1, topic, state))
        return position if position is not None else self.positions()[-1]

    def dispose(self) -> None:
        self.engine.dispose()
