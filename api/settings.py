"""All settings in one pydantic-settings class (environment variables TAIZHANG_*)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TAIZHANG_", env_file=".env", extra="ignore")

    # One URL for the event store and the read models (SQLAlchemy form).
    database_url: str = "sqlite:///taizhang.db"
    # Policy pack of this district's ledger (see domain/packs).
    pack_id: str = "jinnan"
    # Ed25519 signing key for checkpoints (made by `taizhang audit keygen`).
    signing_key_path: Path = Path("taizhang-signing.key")
    # Origin line of signed checkpoints (C2SP tlog-checkpoint).
    checkpoint_origin: str = "taizhang.example/jinnan"
    # Per-person keys for complainants' personal data (kept outside the event log).
    person_keys_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    # INSECURE, for the demo and local use only: trust an `X-Taizhang-User: user;role;org`
    # header (and the web login's matching cookie) without any credential. Configuring a
    # tokens file (a real deployment) turns it off, whatever this says.
    dev_auth: bool = True
    # Bearer tokens: a TOML or JSON file of users with the SHA-256 of their token
    # (see api/auth/users.py; `taizhang token` writes an entry with its expiry, --list, --revoke).
    auth_tokens_file: Path | None = None
    # Who keeps the read models (the API's lists and counts, the result pages) current:
    # "memory" (the app itself, in-process, caught up before every read: always current) or
    # "read_models" (a separate `taizhang project --follow` worker; reads may lag it).
    catalogue: Literal["memory", "read_models"] = "memory"
    # With "read_models": how long (seconds) a read carrying a consistency token (the ledger position
    # the client last wrote: X-Taizhang-Min-Position, ?min_position=, or the web pages' cookie) waits
    # for the worker to reach it before answering 503 (API) or a page marked as updating
    # (api/consistency.py). 0: never wait, answer at once.
    read_your_writes_timeout: float = Field(default=3.0, ge=0, le=60)

    @model_validator(mode="after")
    def _no_dev_auth_with_tokens(self) -> Settings:
        if self.auth_tokens_file is not None:
            self.dev_auth = False
        return self
