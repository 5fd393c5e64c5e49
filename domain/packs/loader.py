"""Reading policy packs from JSON files and adopting them into a ledger.

The packs shipped with Taizhang live next to this module, one file per
jurisdiction (``jinnan.json``…); ``load_pack`` also reads any other file by
path, so a district can try a draft pack (``taizhang subsidy whatif``) before
adopting it. Adoption is a ledger event carrying the whole content, so a
replay applies exactly what was adopted, even if the file changes later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from domain.errors import ValidationError
from domain.packs.validator import validate_pack
from domain.policy import pack_digest

PACK_DIR = Path(__file__).parent


@dataclass(frozen=True)
class PolicyPack:
    pack_id: str
    version: str
    effective_from: date
    content: dict[str, Any]

    @property
    def sha256(self) -> str:
        return pack_digest(self.content)

    @classmethod
    def from_content(cls, content: Any) -> PolicyPack:
        pack = validate_pack(content)
        return cls(pack["pack_id"], pack["version"], date.fromisoformat(pack["effective_from"]), pack)


def available_packs() -> list[str]:
    """Ids of the packs shipped with Taizhang (the rating schemes live in ``schemes/``)."""
    return sorted(p.stem for p in PACK_DIR.glob("*.json"))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValidationError(key, "duplicate_key", "appears twice in the same object")
        seen[key] = value
    return seen


def parse_pack_text(text: str) -> PolicyPack:
    try:
        content = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        raise ValidationError("file", "json", f"is not valid JSON (line {error.lineno}: {error.msg})") from None
    return PolicyPack.from_content(content)


def load_pack(name_or_path: str | Path) -> PolicyPack:
    """A shipped pack by id (``"jinnan"``) or any pack file by path, validated."""
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = PACK_DIR / f"{name_or_path}.json"
    if not path.is_file():
        raise ValidationError("pack", "exists", f"no pack file {name_or_path} (shipped: {', '.join(available_packs())})")
    return parse_pack_text(path.read_text(encoding="utf-8"))


def adopt_pack(ledger: Any, pack: PolicyPack | str | Path, *, stamp: Any, effective_from: date | None = None,
               idempotency_key: str | None = None) -> Any:
    """Validate then adopt ``pack`` into ``ledger`` (a :class:`domain.ledger.Ledger`).

    ``effective_from`` defaults to the pack's own date. Returns the CommandResult.
    """
    if not isinstance(pack, PolicyPack):
        pack = load_pack(pack)
    else:
        PolicyPack.from_content(pack.content)
    return ledger.adopt_policy(pack_id=pack.pack_id, version=pack.version,
                               effective_from=effective_from or pack.effective_from,
                               content=with_inline_rules(pack.content), stamp=stamp, idempotency_key=idempotency_key)


def with_inline_rules(content: dict) -> dict:
    """The pack as it is recorded: the credit rules it names (the default ones when it names
    none) copied in, so the adoption event alone says which rules were in force."""
    from domain.scheme_pack import load_pack as load_rules  # scheme and credit-rule files

    rules = content.get("credit_rules", "credit_default")
    return {**content, "credit_rules": load_rules(rules) if isinstance(rules, str) else rules}
