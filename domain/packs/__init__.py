"""Policy packs (政策包): one JSON file per jurisdiction, validated, versioned,
effective-dated and adopted into the ledger by an event (see ``README.md``).

    >>> from domain.packs import load_pack
    >>> load_pack("yancheng").content["subsidy"]["rates"]["trusteeship"]["not_renovated"]
    '0.3'
"""

from domain.packs.loader import PACK_DIR, PolicyPack, adopt_pack, available_packs, load_pack, parse_pack_text
from domain.packs.validator import validate_pack, validate_subsidy

__all__ = ["PACK_DIR", "PolicyPack", "adopt_pack", "available_packs", "load_pack", "parse_pack_text",
           "validate_pack", "validate_subsidy"]
