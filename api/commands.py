"""Running a Ledger command from an HTTP request: one code path for all of them.

A router declares ``cmd: Annotated[CommandContext, command("record_inspection")]``;
the dependency authenticates, checks the role, and reads ``Idempotency-Key`` and
``If-Match``. The handler checks scope if needed and calls :meth:`CommandContext.run`,
which builds the :class:`~domain.base.Stamp` (business date, the user as actor,
source), calls the Ledger and shapes the response:

* 201 + ``CommandResultOut`` (positions, versions, receipt, the addressed aggregate);
* 200 + ``Idempotent-Replayed: true`` when the key was already applied;
* ``ETag: "<version>"`` of the addressed aggregate (send it back as ``If-Match``);
* ``X-Taizhang-Position``: the highest ledger position written (send it back on a read as
  ``X-Taizhang-Min-Position`` to see the write there, ``api.consistency``);
* ``Location`` of a created aggregate.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Callable

from eventsourcing.application import AggregateNotFoundError
from fastapi import Depends, Header
from fastapi.responses import JSONResponse

from domain.application import CommandResult
from domain.base import Stamp, aggregate_id
from domain.community import Community
from domain.errors import DomainError, NotFoundError, RuleViolation, ValidationError
from domain.ledger import Ledger
from domain.values import Source

from api import consistency
from api.auth import User, authorize, require_scope
from api.deps import CurrentUser, LedgerDep
from api.schemas.common import CommandIn

_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


def parse_if_match(value: str | None) -> int | None:
    """'"3"', 'W/"3"' or '3' → 3; '*' or nothing → no version check."""
    if value is None or value.strip() in ("", "*"):
        return None
    match = _ETAG.match(value.strip())
    if not match:
        raise ValidationError("If-Match", "version", 'must be the aggregate version from its ETag, e.g. "3"')
    return int(match.group(1))


def load(ledger: Ledger, cls: type, code: str, field: str) -> Any:
    """The current state of an aggregate, or 404 naming the field."""
    try:
        return ledger.repository.get(aggregate_id(cls.KIND, code))
    except AggregateNotFoundError:
        raise NotFoundError(field, "exists", f"no {cls.KIND.replace('_', ' ')} with code {code!r}") from None


class CommandContext:
    def __init__(self, name: str, user: User, ledger: Ledger, idempotency_key: str | None,
                 expected_version: int | None) -> None:
        self.name, self.user, self.ledger = name, user, ledger
        self.idempotency_key = idempotency_key or None
        self.expected_version = expected_version

    def stamp(self, body: CommandIn) -> Stamp:
        source = Source(document=body.source.document, sha256=body.source.sha256 or "") if body.source else None
        return Stamp(occurred_on=body.occurred_on, actor=self.user.actor, source=source)

    def scope_community(self, code: str, field: str = "community_code") -> Community:
        """Street-level roles act on their own street's communities only."""
        community = load(self.ledger, Community, code, field)
        require_scope(self.user, community.street, community.code)
        return community

    def run(self, call: Callable[..., CommandResult], body: CommandIn, *, kind: str, code: str,
            creates: bool = False, location: str | None = None, **overrides: Any) -> JSONResponse:
        """Call ``call(stamp=…, idempotency_key=…, [expected_version=…], **body fields)``."""
        result = self.execute(call, body, creates=creates, **overrides)
        return self.respond(result, kind=kind, code=code, location=location if creates else None)

    def execute(self, call: Callable[..., CommandResult], body: CommandIn, *, creates: bool = False,
                **overrides: Any) -> CommandResult:
        """:meth:`run` without the HTTP response (the web forms share this path with the API)."""
        kwargs: dict[str, Any] = {**body.command_fields(), **overrides}
        if creates:
            if self.expected_version is not None:
                raise ValidationError("If-Match", "existing_aggregate", "If-Match applies to existing aggregates only")
        else:
            kwargs["expected_version"] = self.expected_version
        try:
            result = call(stamp=self.stamp(body), idempotency_key=self.idempotency_key, **kwargs)
        except DomainError as error:
            if error.field == "idempotency_key":
                error.field = "Idempotency-Key"  # what the client sent: the header
            raise
        consistency.wrote(consistency.highest(result.positions))
        return result

    def check_replay(self, result: CommandResult, *, kind: str, code: str) -> str:
        """A replayed key must have been used for this command on this aggregate; its id."""
        target = str(aggregate_id(kind, code))
        if result.replayed and (result.command != self.name or target not in result.versions):
            raise RuleViolation("Idempotency-Key", "same_command",
                                f"this key was already used for {result.command} on other records; use a new key")
        return target

    def respond(self, result: CommandResult, *, kind: str, code: str, location: str | None) -> JSONResponse:
        target = self.check_replay(result, kind=kind, code=code)
        version = result.versions.get(target)
        body = {**result.as_dict(), "aggregate": {"kind": kind, "code": code, "id": target, "version": version}}
        headers = {}
        if version is not None:
            headers["ETag"] = f'"{version}"'
        if (position := consistency.highest(result.positions)) is not None:  # a read's consistency token
            headers[consistency.POSITION_HEADER] = str(position)
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        if location:
            headers["Location"] = location
        return JSONResponse(body, status_code=200 if result.replayed else 201, headers=headers)


def command(name: str) -> Any:
    """Dependency for the command ``name`` (a key of api.auth.PERMISSIONS)."""

    def dependency(
        user: CurrentUser,
        ledger: LedgerDep,
        idempotency_key: Annotated[str | None, Header(
            alias="Idempotency-Key", max_length=200,
            description="any unique string; a retry with the same key returns the first result")] = None,
        if_match: Annotated[str | None, Header(
            alias="If-Match", description='version of the addressed aggregate (its ETag, e.g. "3"); '
                                          "409 if it has moved on")] = None,
    ) -> CommandContext:
        authorize(user, name)
        return CommandContext(name, user, ledger, idempotency_key, parse_if_match(if_match))

    dependency.__name__ = f"command_{name}"
    return Depends(dependency)

