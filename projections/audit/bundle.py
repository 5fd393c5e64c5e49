"""``taizhang audit export PATH``: write an offline audit bundle (format in ``offline.py``)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from projections.audit import checkpoint as checkpoint_module
from projections.audit import offline as offline_module
from projections.audit import verify as verify_module
from projections.audit.log import IntegrityLog
from projections.audit.notary import Notary
from projections.audit.offline import FORMAT
from projections.audit.proofs import consistency, event_json, inclusion
from projections.audit.snapshot import read_snapshot, stream
from projections.audit.verify import LEAF_FORMAT


class _Sink:
    """Files into a directory, or into a .zip (streamed, zip64)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.exists():
            raise FileExistsError(f"{path} exists; refusing to overwrite")
        if path.suffix == ".zip":
            self.zip: zipfile.ZipFile | None = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        else:
            self.zip = None
            path.mkdir(parents=True)
        self.digests: dict[str, str] = {}

    @contextmanager
    def open(self, name: str) -> Iterator[IO[str]]:
        if self.zip is None:
            (self.path / name).parent.mkdir(parents=True, exist_ok=True)
        raw = self.zip.open(name, "w", force_zip64=True) if self.zip else open(self.path / name, "wb")
        digest = hashlib.sha256()

        class _Hashing(io.RawIOBase):
            def writable(self) -> bool:
                return True

            def write(self, b: Any) -> int:
                digest.update(b)
                return raw.write(b)

        with io.TextIOWrapper(io.BufferedWriter(_Hashing(), 1 << 20), encoding="utf-8", newline="\n") as f:
            yield f
        raw.close()
        self.digests[name] = digest.hexdigest()

    def write(self, name: str, text: str) -> None:
        with self.open(name) as f:
            f.write(text)

    def close(self) -> None:
        if self.zip:
            self.zip.close()


def export_bundle(log: IntegrityLog, notary: Notary, path: str | Path, prove: list[int] | None = None,
                  vkey: str | None = None) -> dict[str, Any]:
    """Write events, checkpoints, the verifier key and proofs; returns the manifest."""
    path = Path(path)
    cps = notary.all()
    vkey = vkey or notary.verifier_key() or (cps[-1].verifier_key if cps else "")
    size, last = log.state()
    sink = _Sink(path)
    try:
        count = _write_events(log, sink, last)
        with sink.open("checkpoints.jsonl") as f:
            for cp in cps:
                f.write(json.dumps({k: v for k, v in cp.as_dict().items() if k != "root"}, ensure_ascii=False) + "\n")
        with sink.open("proofs.jsonl") as f:
            for proof in _proofs(log, cps, prove):
                f.write(json.dumps(proof, ensure_ascii=False) + "\n")
        sink.write("public.key", vkey + "\n")
        for module in (verify_module, checkpoint_module, offline_module):
            source = Path(module.__file__ or "")
            sink.write(f"verifier/{source.name}", source.read_text(encoding="utf-8"))
        manifest = {"format": FORMAT, "origin": notary.origin, "leaf_format": LEAF_FORMAT, "tree_size": size,
                    "last_position": last, "events": count, "checkpoints": len(cps),
                    "exported_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                    "files": dict(sorted(sink.digests.items()))}
        sink.write("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    except BaseException:
        sink.close()
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        raise
    sink.close()
    return manifest


def _write_events(log: IntegrityLog, sink: _Sink, last: int) -> int:
    d, count = log.d, 0
    sql = (f"SELECT e.{d.position}, e.originator_id, e.originator_version, e.topic, e.state, l.idx, n.hash "
           f"FROM {d.events} e LEFT JOIN {d.table('merkle_leaves')} l ON l.position = e.{d.position} "
           f"LEFT JOIN {d.table('merkle_nodes')} n ON n.level = 0 AND n.idx = l.idx "
           f"WHERE e.{d.position} <= {int(last)} ORDER BY e.{d.position}")
    with read_snapshot(log) as conn, sink.open("events.jsonl") as f:
        if not log._events_table_exists():
            return 0
        for pos, oid, ver, topic, state, idx, h in stream(conn, log, "export", sql):
            row = (int(pos), oid, int(ver), topic, bytes(state))
            f.write(json.dumps(event_json(row, idx, bytes(h) if h is not None else None), ensure_ascii=False))
            f.write("\n")
            count += 1
    return count


def _proofs(log: IntegrityLog, cps: list, prove: list[int] | None) -> Iterator[dict]:
    """Consistency between consecutive checkpoints; inclusion of the asked positions
    (default: the last event of each checkpoint) in the newest checkpoint."""
    by_size = {cp.size: cp for cp in cps}
    sizes = sorted(s for s in by_size if s > 0)
    for old, new in zip(sizes, sizes[1:]):
        yield _slim(consistency(log, old, new, by_size[old], by_size[new]))
    if not sizes:
        return
    newest = by_size[sizes[-1]]
    positions = prove if prove is not None else sorted({cp.position for cp in cps if cp.size > 0})
    for position in positions:
        yield _slim(inclusion(log, position, newest.size, newest))


def _slim(proof: dict) -> dict:
    """What the offline verifier needs: it recomputes leaves and takes roots from signed notes."""
    keep = ("kind", "position", "leaf_index", "tree_size", "old_size", "new_size", "proof")
    return {k: proof[k] for k in keep if k in proof}
