"""Complainants' names and phones are sealed per person; forgetting a person
destroys the key: the name reads as erased while event hashes, proofs,
counts and read-model digests stay exactly as they were."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain.errors import ValidationError
from projections.audit.vault import ERASED, PersonVault, VaultError, person_keys
from tests.unit.audit.support import Tamperer, audit_service, file_complaint, fill
from tests.unit.domain import builders as b


@pytest.fixture
def audited(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    ledger = service.ledger()
    fill(ledger, providers=1, complaint=False)
    file_complaint(ledger, "CP-1", "王小明", "13800000001")
    file_complaint(ledger, "CP-2", "王小明", "13800000001")  # the same person again
    file_complaint(ledger, "CP-3", "李四", "")  # no phone: a person of its own
    return service, ledger


def _filed(ledger, code):
    return b.get(ledger, __import__("domain.complaint").complaint.Complaint, code)


def _tokens(database_url) -> list[tuple[str, str]]:
    import json

    tamper = Tamperer(database_url)
    rows = tamper.run(f"SELECT state FROM {tamper.table} WHERE topic LIKE '%Complaint.Filed' ORDER BY {tamper.pos}")
    states = [json.loads(bytes(r[0])) for r in rows]
    tamper.dispose()
    return [(s["complainant_name"], s["complainant_phone"]) for s in states]


def test_names_and_phones_are_stored_only_sealed(audited, database_url):
    service, _ = audited
    tamper = Tamperer(database_url)
    everything = b"".join(bytes(r[0]) for r in tamper.run(f"SELECT state FROM {tamper.table}"))
    tamper.dispose()
    for secret in ("王小明", "13800000001", "李四"):
        assert secret.encode() not in everything
    (n1, p1), (n2, _), (n3, p3) = _tokens(database_url)
    assert [service.vault.open(t) for t in (n1, p1, n3)] == ["王小明", "13800000001", "李四"]
    assert p3 == ""  # nothing to seal
    assert PersonVault.person_of(n1) == PersonVault.person_of(n2) != PersonVault.person_of(n3)


def test_forgetting_a_person_erases_the_name_and_keeps_hashes_proofs_and_counts(audited, database_url):
    from projections.service import digests, rebuild

    service, ledger = audited
    cp = service.make_checkpoint("before forgetting")
    proof_before = service.prove_inclusion(service.log.max_position())
    rebuild(database_url, ["complaints"])
    before = digests(database_url, ["complaints"])["complaints"]

    person = service.forget("13800000001")["person_id"]

    (n1, p1), (n2, p2), (n3, _) = _tokens(database_url)
    assert service.vault.open(n1) is None and service.vault.open(p2) is None
    assert service.vault.display(n1) == ERASED and service.vault.display(n3) == "李四"
    assert service.vault.erased_at(person)
    assert service.verify().ok
    assert service.log.root(cp.size) == cp.root
    assert service.prove_inclusion(service.log.max_position(), cp.size)["proof"] == proof_before["proof"]
    rebuild(database_url, ["complaints"])
    after = digests(database_url, ["complaints"])["complaints"]
    assert after["digest"] == before["digest"] and after["tables"] == before["tables"]
    with pytest.raises(VaultError):
        service.forget(person)  # gone already
    # the same phone later is a new person, with a new key
    file_complaint(ledger, "CP-4", "王小明", "13800000001")
    (n4, _), = _tokens(database_url)[3:]
    assert service.vault.open(n4) == "王小明" and PersonVault.person_of(n4) != person


def test_a_person_can_be_forgotten_by_id(audited, database_url):
    service, _ = audited
    (_, _), (_, _), (n3, _) = _tokens(database_url)
    service.forget(PersonVault.person_of(n3))
    assert service.vault.open(n3) is None


def test_an_altered_or_moved_token_does_not_open(audited, database_url):
    service, _ = audited
    (n1, _), _, (n3, _) = _tokens(database_url)
    body = n1.rsplit(":", 1)[1]
    flipped = n1[:-3] + ("A" if n1[-3] != "A" else "B") + n1[-2:]
    with pytest.raises(VaultError):
        service.vault.open(flipped)
    moved = f"pd1:{PersonVault.person_of(n3)}:{body}"  # another person's key cannot open it
    with pytest.raises(VaultError):
        service.vault.open(moved)


def test_a_refused_complaint_creates_no_person_key(audited):
    service, ledger = audited
    with service.vault.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(person_keys)).scalar_one()
    with pytest.raises(ValidationError):
        ledger.file_complaint(code="CP-9", community_code=b.COMMUNITY, stamp=b.stamp(), category="x",
                              channel="carrier_pigeon", description="", complainant_name="赵六",
                              complainant_phone="13900000000")
    with service.vault.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(person_keys)).scalar_one() == before


def test_plain_values_pass_through_open(tmp_path):
    vault = PersonVault(f"sqlite:///{tmp_path / 'v.db'}").setup()
    assert vault.open("not sealed") == "not sealed"
    with pytest.raises(VaultError):
        vault.seal("", "x")
