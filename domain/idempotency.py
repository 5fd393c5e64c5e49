"""Idempotency keys: a command's key and result, saved atomically with its events.

Stored as an aggregate of its own (id derived from the key) so the record is
written in the same transaction as the command's events: a retry after a crash
or a restart finds it, and two racing requests with one key collide on the
store's unique (id, version) constraint instead of both writing."""

from __future__ import annotations

from domain.base import LedgerAggregate, Stamp
from domain.values import check_text


class IdempotencyRecord(LedgerAggregate):
    KIND = "idempotency"

    class Applied(LedgerAggregate.Created):
        key: str
        command: str
        result: dict

        def apply(self, r: IdempotencyRecord) -> None:
            r.key, r.command, r.result = self.key, self.command, self.result

    @classmethod
    def record(cls, *, key: str, command: str, result: dict, stamp: Stamp) -> IdempotencyRecord:
        key = check_text(key, "idempotency_key", max_len=200)
        return cls._create_with(cls.Applied, key, stamp, key=key, command=command, result=result)
