"""Publication schemas: the blacklist and subsidy lists, each with the signed checkpoint of the
log it was computed from (``domain.publication``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, WithJsonSchema

from domain.publication import check_period

from api.schemas.common import Code, CommandIn, CommandResultOut, domain_checked

Kind = Literal["blacklist", "subsidy_list"]
Period = Annotated[str, domain_checked(check_period),
                   WithJsonSchema({"type": "string", "pattern": "^\\d{4}(-Q[1-4]|-H[12]|-(0[1-9]|1[0-2]))?$",
                                   "description": "YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM (the pack's period)",
                                   "examples": ["2025-Q4"]})]


class BlacklistPublicationIn(CommandIn):
    """Publish the blacklist in force on ``as_of``, computed from the ledger as it stands."""

    as_of: date = Field(description="the day the blacklist is in force (the publication's key)")


class SubsidyListPublicationIn(CommandIn):
    """Publish a complete period's subsidy list, computed from the ledger as it stands."""

    period: Period
    pack_id: Code | None = Field(default=None, description="an adopted policy pack; default: this ledger's")


class PublicationOut(BaseModel):
    """One publication of a list: what it published and the signed checkpoint it carries."""

    kind: Kind
    key: str = Field(description="blacklist: the as-of date; subsidy_list: pack:period")
    number: int = Field(description="1, then each later publication of changed rows")
    digest: str = Field(description="SHA-256 of the rows (domain.publication.publication_digest)")
    position: int = Field(description="ledger position the rows were computed from")
    checkpoint_size: int | None = Field(description="tree size of the signed checkpoint covering `position` "
                                                    "(null: published unsigned)")
    checkpoint_root: str | None = Field(description="its Merkle root, base64")
    published_on: date
    event_position: int | None = Field(default=None, description="ledger position of the publication event")
    rows: int = Field(description="number of rows published")


class PublishedOut(CommandResultOut):
    """A command's result and the publication it recorded (or, replayed, had recorded)."""

    publication: PublicationOut
    checkpoint_note: str | None = Field(description="the signed checkpoint (C2SP signed note); open it with "
                                                    "the ledger's verifier key")


class PublicationDetailOut(BaseModel):
    kind: Kind
    key: str
    detail: dict[str, Any] = Field(description="blacklist: as_of; subsidy_list: period, pack_id, pack_version")
    publication: PublicationOut = Field(description="the publication shown (default: the latest)")
    checkpoint_note: str | None
    rows: list[list[Any]] | None = Field(description="its rows; null when your role sees the summary only")
    publications: list[PublicationOut] = Field(description="every publication of this list, first to latest")
