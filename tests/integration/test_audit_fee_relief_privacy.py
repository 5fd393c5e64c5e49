"""Fee-relief households (低保/特困) are personal data: sealed in the log, forgettable."""

from __future__ import annotations

import json
from datetime import date

from api.settings import Settings
from domain.base import Stamp
from domain.values import Actor
from projections.audit.service import AuditService
from projections.audit.vault import ERASED

STREET = Actor("st-1", "street", "咸水沽镇")


def test_a_relief_household_is_sealed_and_reads_as_erased_once_forgotten(sqlite_url, tmp_path):
    audit = AuditService.from_settings(Settings(database_url=sqlite_url, signing_key_path=tmp_path / "k",
                                                _env_file=None))
    ledger = audit.ledger()
    stamp = Stamp(date(2024, 3, 1), STREET)
    ledger.register_community(code="C-1", name="幸福里", street="咸水沽镇", category="renovated_old",
                              build_year=1992, floor_area=8000.0, households=120, mode="trusteeship", stamp=stamp)
    ledger.community_command("apply_fee_relief", "C-1", household="3号楼101 王某", kind="dibao", months=12,
                             stamp=stamp)
    stored = b"".join(n.state for n in ledger.recorder.select_notifications(1, 100))
    assert "王某".encode() not in stored
    token = [n for n in ledger.recorder.select_notifications(1, 100) if n.topic.endswith("FeeReliefApplied")][0]
    household = json.loads(token.state)["household"]
    assert audit.vault.display(household) == "3号楼101 王某"
    audit.forget(audit.vault.person_of(household))
    assert audit.vault.display(household) == ERASED
    assert audit.verify().findings == []  # hashes and proofs still hold: the ciphertext stays in the log
