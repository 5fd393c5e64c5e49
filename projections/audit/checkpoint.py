"""Signed checkpoints: C2SP tlog-checkpoint over C2SP signed-note, Ed25519.

Formats (c2sp.org/signed-note, c2sp.org/tlog-checkpoint, and the key
encodings of golang.org/x/mod/sumdb/note, so Go tooling interoperates):

    note      = text "\\n" 1*("\\u2014 " name " " base64(keyID[4] || sig[64]) "\\n")
    text      = origin "\\n" size "\\n" base64(root) "\\n" *(extension "\\n")
    keyID     = SHA-256(name || 0x0A || 0x01 || pubkey[32])[:4]   (0x01 = Ed25519)
    vkey      = name "+" hex(keyID) "+" base64(0x01 || pubkey)
    skey      = "PRIVATE+KEY+" name "+" hex(keyID) "+" base64(0x01 || seed)

Depends on the standard library and ``cryptography`` only (offline verifier).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = b"\x01"
SIG_PREFIX = "\u2014 "  # em dash + space starts every signature line
MAX_SIGNATURES = 100  # signed-note: verifiers SHOULD bound it (Go uses 100)
_SIZE_RE = re.compile(r"0|[1-9][0-9]*")  # decimal, no leading zeroes
_HEX8_RE = re.compile(r"[0-9a-f]{8}")


class CheckpointError(ValueError):
    """Malformed key or note, or a signature that does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def _b64decode(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CheckpointError(f"{what}: not standard base64") from None
    if base64.b64encode(raw).decode("ascii") != text:  # reject non-canonical padding bits
        raise CheckpointError(f"{what}: non-canonical base64")
    return raw


def _valid_name(name: str) -> bool:
    # signed-note: non-empty, no Unicode spaces, no '+'; we also refuse
    # control characters since they may not appear anywhere in a note.
    return bool(name) and "+" not in name and not any(c.isspace() or ord(c) < 0x20 for c in name)


def key_id(name: str, public_key: bytes) -> bytes:
    """signed-note key ID for an Ed25519 key: 4 bytes, big-endian uint32."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ALG_ED25519 + public_key).digest()[:4]


def _parse_key(text: str, private: bool) -> tuple[str, bytes, bytes]:
    """-> (name, key ID, 32 raw key bytes); checks the embedded key ID."""
    # The base64 key may itself contain '+', hence the bounded splits.
    parts = text.strip().split("+", 4 if private else 2)
    if private:
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise CheckpointError("signer key must be PRIVATE+KEY+<name>+<id>+<key>")
        parts = parts[2:]
    if len(parts) != 3:
        raise CheckpointError("verifier key must be <name>+<id>+<key>")
    name, hex_id, b64 = parts
    if not _valid_name(name) or not _HEX8_RE.fullmatch(hex_id):
        raise CheckpointError("bad key name or key ID")
    raw = _b64decode(b64, "key")
    if len(raw) != 33 or raw[:1] != ALG_ED25519:
        raise CheckpointError("only Ed25519 keys (type 0x01, 32 bytes) are supported")
    pub = raw[1:]
    if private:
        pub = Ed25519PrivateKey.from_private_bytes(raw[1:]).public_key().public_bytes_raw()
    if key_id(name, pub).hex() != hex_id:
        raise CheckpointError("key ID does not match key name and public key")
    return name, bytes.fromhex(hex_id), raw[1:]


def verifier_key(name: str, public_key: bytes) -> str:
    """Encode a raw 32-byte Ed25519 public key as a note verifier key."""
    if not _valid_name(name) or len(public_key) != 32:
        raise CheckpointError("bad key name or public key length")
    return f"{name}+{key_id(name, public_key).hex()}+{base64.b64encode(ALG_ED25519 + public_key).decode()}"


def verifier_key_for(signer_key: str) -> str:
    """The verifier key matching a signer key (to publish next to it)."""
    name, _, seed = _parse_key(signer_key, private=True)
    return verifier_key(name, Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw())


def generate_key(name: str) -> tuple[str, str]:
    """New Ed25519 key pair -> (signer key text, verifier key text)."""
    priv = Ed25519PrivateKey.generate()
    vkey = verifier_key(name, priv.public_key().public_bytes_raw())
    seed = base64.b64encode(ALG_ED25519 + priv.private_bytes_raw()).decode()
    return f"PRIVATE+KEY+{name}+{vkey.split('+')[1]}+{seed}", vkey


def _check_text(text: str) -> None:
    if not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise CheckpointError("malformed note: needs final newline, no control characters")


def sign_note(text: str, signer_key: str) -> str:
    """signed-note with one Ed25519 signature over ``text`` (ends in newline)."""
    _check_text(text)
    name, kid, seed = _parse_key(signer_key, private=True)
    sig = Ed25519PrivateKey.from_private_bytes(seed).sign(text.encode("utf-8"))
    return f"{text}\n{SIG_PREFIX}{name} {base64.b64encode(kid + sig).decode()}\n"


def format_checkpoint(origin: str, size: int, root: bytes, extensions=()) -> str:
    """The checkpoint note text (what gets signed)."""
    if not origin or "\n" in origin or not isinstance(size, int) or not 0 <= size < 2**64 or len(root) != 32:
        raise CheckpointError("need a one-line origin, size >= 0 and a 32-byte root")
    if any(not e or "\n" in e for e in extensions):
        raise CheckpointError("extension lines must be non-empty single lines")
    lines = [origin, str(size), base64.b64encode(root).decode(), *extensions]
    text = "\n".join(lines) + "\n"
    _check_text(text)
    return text


def sign_checkpoint(origin: str, size: int, root: bytes, signer_key: str, extensions=()) -> str:
    return sign_note(format_checkpoint(origin, size, root, tuple(extensions)), signer_key)


def open_note(note: str | bytes, verifier_key_text: str) -> str:
    """Return the note text if it carries a valid signature by the key.

    Signatures by other keys are ignored (signed-note: unknown keys MUST be
    ignored); a signature that claims our key but fails is a hard error.
    """
    name, kid, pub = _parse_key(verifier_key_text, private=False)
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise CheckpointError("malformed note: not UTF-8") from None
    _check_text(note)
    split = note.rfind("\n\n")  # the text ends at the last blank line
    if split < 0:
        raise CheckpointError("malformed note: no signature block")
    text, sig_lines = note[: split + 1], note[split + 2 :].split("\n")[:-1]
    if not sig_lines or len(sig_lines) > MAX_SIGNATURES:
        raise CheckpointError("malformed note: no signatures or too many")
    verified = False
    for line in sig_lines:
        if not line.startswith(SIG_PREFIX) or line.count(" ") != 2:
            raise CheckpointError(f"malformed signature line: {line!r}")
        sig_name, b64 = line[len(SIG_PREFIX) :].split(" ")
        if not _valid_name(sig_name):
            raise CheckpointError(f"malformed signature line: {line!r}")
        raw = _b64decode(b64, "signature")
        if len(raw) < 5:
            raise CheckpointError("malformed signature: too short")
        if sig_name != name or raw[:4] != kid:
            continue  # another key (a witness, a rotated key): ignore
        try:
            if len(raw) != 68:
                raise InvalidSignature
            Ed25519PublicKey.from_public_bytes(pub).verify(raw[4:], text.encode("utf-8"))
        except InvalidSignature:
            raise CheckpointError(f"invalid signature for key {name}+{kid.hex()}") from None
        verified = True
    if not verified:
        raise CheckpointError(f"note has no signature by key {name}+{kid.hex()}")
    return text


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse checkpoint note text (already verified) per tlog-checkpoint."""
    lines = text[:-1].split("\n") if text.endswith("\n") else []
    if len(lines) < 3 or not all(lines):
        raise CheckpointError("malformed checkpoint: need origin, size, root, non-empty lines")
    origin, size, root_b64, *extensions = lines
    if not _SIZE_RE.fullmatch(size) or len(size) > 20 or int(size) >= 2**64:  # Go: uint64
        raise CheckpointError(f"malformed checkpoint: bad tree size {size!r}")
    root = _b64decode(root_b64, "root hash")
    if len(root) != 32:
        raise CheckpointError("malformed checkpoint: root hash must be 32 bytes")
    return Checkpoint(origin, int(size), root, tuple(extensions))


def open_checkpoint(note: str | bytes, verifier_key_text: str, origin: str | None = None) -> Checkpoint:
    """Verify the signature, then parse; optionally pin the expected origin."""
    cp = parse_checkpoint(open_note(note, verifier_key_text))
    if origin is not None and cp.origin != origin:
        raise CheckpointError(f"checkpoint origin {cp.origin!r}, expected {origin!r}")
    return cp
