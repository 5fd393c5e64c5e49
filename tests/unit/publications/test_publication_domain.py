"""Publications in the domain (memory ledger, fake ports): what the events carry, the order
compute → validate → sign → record, and what is refused before anything is signed or written."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date

import pytest

from domain.errors import RuleViolation, ValidationError
from domain.publication import Publication, check_checkpoint, publication_digest
from domain.rating_cycle import RatingCycle
from tests.unit.domain import builders as b
from tests.unit.ratings import scenario as s

AS_OF = date(2025, 1, 10)
ROOT = base64.b64encode(hashlib.sha256(b"root").digest()).decode()


class Signer:
    """A CheckpointSigner that records its calls; ``short`` makes it cover one event too few."""

    def __init__(self, short: bool = False) -> None:
        self.calls: list[tuple[str, int, dict]] = []
        self.short = short

    def sign(self, reason: str, position: int, digests: dict) -> dict:
        self.calls.append((reason, position, dict(digests)))
        return {"size": position + 1, "root": ROOT, "position": position - self.short}


class Lists:
    """A PublicationCalculator with rows given by the test (digest computed as the projections do)."""

    def __init__(self, rows: list | None = None) -> None:
        self.rows = rows if rows is not None else [[b.uscc(1), "dishonesty", "2025-01-01", "2025-07-01", "投标造假", []]]
        self.asked: list[int] = []

    def blacklist(self, as_of: date, upto: int) -> dict:
        self.asked.append(upto)
        return {"rows": self.rows, "digest": publication_digest("blacklist", as_of.isoformat(), self.rows)}

    def subsidy_list(self, period: str, pack_id: str, upto: int) -> dict:
        rows = [["双港镇", "C-1", "幸福里", ["professional"], "1000.0", ["0.10"], 3, ["excellent"], "300.00",
                 "300.00", "0.00", "0.00", [], {"district": ["300.00", "300.00", "0.00", "0.00"]}]]
        return {"rows": rows, "digest": publication_digest("subsidy_list", f"{pack_id}:{period}", rows),
                "pack_version": "2023.1"}


@pytest.fixture
def ledger():
    ledger = s.wired()
    b.provider(ledger)
    ledger.checkpoints, ledger.publisher = Signer(), Lists()
    return ledger


def stored(ledger, topic_suffix: str) -> list[dict]:
    return [json.loads(n.state) for n in ledger.recorder.select_notifications(1, 10**6)
            if n.topic.endswith(topic_suffix)]


def test_a_blacklist_publication_records_rows_digest_position_and_the_checkpoint_signed_before_it(ledger):
    before = ledger.max_position()
    result = ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(AS_OF))
    (reason, position, digests), = ledger.checkpoints.calls
    assert position == before == ledger.publisher.asked[0] < min(result.positions)
    (event,) = stored(ledger, "Publication.BlacklistPublished")
    assert digests == {f"blacklist:{AS_OF}:1": event["digest"]} and reason == f"publish blacklist {AS_OF}"
    assert (event["number"], event["position"], event["checkpoint_size"], event["checkpoint_root"]) == \
        (1, before, before + 1, ROOT)
    assert event["rows"] == ledger.publisher.rows
    assert event["digest"] == publication_digest("blacklist", AS_OF.isoformat(), event["rows"])


def test_a_refused_publication_signs_nothing_and_writes_nothing(ledger):
    ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(AS_OF))
    written, signed = ledger.max_position(), len(ledger.checkpoints.calls)
    with pytest.raises(RuleViolation) as refused:  # the same rows again: nothing changed
        ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(AS_OF))
    assert (refused.value.field, refused.value.rule) == ("digest", "changes_result")
    ledger.publisher.rows = [["not a uscc", "grade", "2025-01-01", None, "", []]]
    with pytest.raises(ValidationError) as bad:
        ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(AS_OF))
    assert bad.value.field == "rows.0"
    assert (ledger.max_position(), len(ledger.checkpoints.calls)) == (written, signed)


def test_a_digest_that_is_not_the_rows_digest_is_refused_before_signing(ledger):
    class Forged(Lists):
        def blacklist(self, as_of, upto):
            return {**super().blacklist(as_of, upto), "digest": "0" * 64}
    with pytest.raises(ValidationError) as refused:
        ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(AS_OF), calculator=Forged())
    assert (refused.value.field, refused.value.rule) == ("digest", "matches_rows")
    assert ledger.checkpoints.calls == []


def test_a_checkpoint_that_does_not_cover_the_inputs_is_refused(ledger):
    b.provider(ledger, b.uscc(3))
    ledger.checkpoints = Signer(short=True)
    with pytest.raises(RuleViolation) as refused:
        ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(AS_OF))
    assert (refused.value.field, refused.value.rule) == ("checkpoint.position", "covers_inputs")
    assert not stored(ledger, "Publication.BlacklistPublished")


@pytest.mark.parametrize("checkpoint, field", [
    ({"size": 0, "root": ROOT, "position": 5}, "checkpoint.size"),
    ({"size": 5, "root": "not base64!", "position": 5}, "checkpoint.root"),
    ({"size": 5, "root": base64.b64encode(b"short").decode(), "position": 5}, "checkpoint.root"),
    ("5 " + ROOT, "checkpoint"),
])
def test_a_malformed_checkpoint_names_its_field(checkpoint, field):
    with pytest.raises(ValidationError) as bad:
        check_checkpoint(checkpoint, 5)
    assert bad.value.field == field


def test_changed_rows_make_a_second_publication_and_the_first_keeps_its_checkpoint(ledger):
    ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(AS_OF))
    b.provider(ledger, b.uscc(2))  # the log moves on
    ledger.publisher.rows = []
    ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(date(2025, 1, 12)))
    pub = ledger.publication("blacklist", AS_OF.isoformat())
    first, second = pub.publications
    assert (first["number"], second["number"]) == (1, 2) and first["checkpoint_size"] < second["checkpoint_size"]
    assert pub.rows == [] and [e["number"] for e in stored(ledger, "BlacklistPublished")] == [1, 2]


def test_without_a_publisher_or_with_a_bad_period_nothing_is_published(ledger):
    ledger.publisher = None
    with pytest.raises(RuleViolation) as refused:
        ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(AS_OF))
    assert refused.value.field == "calculator"
    ledger.publisher = Lists()
    with pytest.raises(ValidationError) as bad:
        ledger.publish_subsidy_list(period="2025-Q5", stamp=b.stamp(AS_OF))
    assert bad.value.field == "period"
    assert ledger.checkpoints.calls == []


def test_a_subsidy_list_publication_is_keyed_by_pack_and_period(ledger):
    ledger.publish_subsidy_list(period="2025-Q4", pack_id="jinnan", stamp=b.stamp(AS_OF))
    (event,) = stored(ledger, "Publication.SubsidyListPublished")
    assert (event["period"], event["pack_id"], event["pack_version"], event["checkpoint_root"]) == \
        ("2025-Q4", "jinnan", "2023.1", ROOT)
    assert ledger.checkpoints.calls[0][2] == {"subsidy_list:jinnan:2025-Q4:1": event["digest"]}
    assert ledger.publication("subsidy_list", "jinnan:2025-Q4").pack_version == "2023.1"


def _published_cycle(ledger) -> list[str]:
    codes = s.providers(ledger, 4, first=10)
    s.open_cycle(ledger)
    for i, u in enumerate(codes):
        s.score_all(ledger, u, [70 + 6 * i] * 6)
    s.close(ledger)
    s.compute(ledger)
    s.publish(ledger)
    return codes


def test_a_rating_publication_carries_the_checkpoint_of_the_log_that_holds_its_result(ledger):
    _published_cycle(ledger)
    (reason, position, digests), = ledger.checkpoints.calls
    (computed,) = stored(ledger, "RatingCycle.ResultComputed")
    (published,) = stored(ledger, "RatingCycle.Published")
    assert reason == f"publish {s.CYCLE}" and digests == {f"ratings:{s.CYCLE}:1": computed["digest"]}
    assert position > computed["position"]  # the checkpoint holds the ResultComputed event too
    assert (published["checkpoint_size"], published["checkpoint_root"], published["class_version"]) == \
        (position + 1, ROOT, 2)


def test_a_republication_signs_its_own_checkpoint_and_the_first_keeps_its_own(ledger):
    codes = _published_cycle(ledger)
    objection = s.object_to(ledger, codes[0], s.CYCLE, date(2025, 1, 14), reason="评分有误")
    s.decide(ledger, objection, True, s.CYCLE, date(2025, 1, 20), stars=5)
    ledger.republish(s.CYCLE, stamp=b.stamp(date(2025, 1, 21)))
    first, second = ledger.checkpoints.calls
    assert list(second[2]) == [f"ratings:{s.CYCLE}:2"] and second[1] > first[1]
    (published,), (republished,) = stored(ledger, ".Published"), stored(ledger, ".Republished")
    assert published["checkpoint_size"] == first[1] + 1 and republished["checkpoint_size"] == second[1] + 1


def test_without_a_signer_a_publication_is_recorded_unsigned():
    ledger = s.wired()
    b.provider(ledger)
    ledger.publisher = Lists()
    ledger.publish_blacklist(as_of=AS_OF, stamp=b.stamp(AS_OF))
    (event,) = stored(ledger, "BlacklistPublished")
    assert (event["checkpoint_size"], event["checkpoint_root"]) == (None, None)


def test_a_stored_v1_publication_event_reads_back_without_a_checkpoint(ledger):
    _published_cycle(ledger)
    note = next(n for n in ledger.recorder.select_notifications(1, 10**6) if n.topic.endswith(".Published"))
    state = json.loads(note.state)
    for key in ("class_version", "checkpoint_size", "checkpoint_root"):
        state.pop(key)
    from dataclasses import replace

    old = ledger.mapper.to_domain_event(replace(note, state=json.dumps(state).encode()))
    assert isinstance(old, RatingCycle.Published) and (old.checkpoint_size, old.checkpoint_root) == (None, None)
    assert old.digest == json.loads(note.state)["digest"]


def test_the_digest_is_canonical_and_covers_kind_key_and_every_row():
    rows = [["a", {"y": 1, "x": [1, 2]}], ["b", None]]
    digest = publication_digest("blacklist", "2025-01-10", rows)
    assert digest == publication_digest("blacklist", "2025-01-10", [["a", {"x": [1, 2], "y": 1}], ["b", None]])
    assert len({digest, publication_digest("blacklist", "2025-01-11", rows),
                publication_digest("subsidy_list", "2025-01-10", rows),
                publication_digest("blacklist", "2025-01-10", rows[:1])}) == 4
    assert Publication.KIND == "publication"
