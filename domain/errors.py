"""Domain errors. Every error names the field and the rule it broke, so the API
and the CLI can tell a user exactly what to fix; raising one writes nothing."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a command was refused by a business rule."""

    code = "domain_error"

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.rule = rule
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "rule": self.rule, "message": self.message}


class ValidationError(DomainError):
    """An input value is malformed or out of range (HTTP 422)."""

    code = "invalid"


class NotFoundError(DomainError):
    """A referenced provider, community, engagement, cycle… does not exist (HTTP 404)."""

    code = "not_found"


class RuleViolation(DomainError):
    """The input is well formed but the current state forbids it (HTTP 409)."""

    code = "rule_violation"


class ConflictError(DomainError):
    """Optimistic concurrency: the aggregate moved on since the caller read it (HTTP 409)."""

    code = "conflict"

    def __init__(self, aggregate: str, expected: int, actual: int) -> None:
        message = (
            f"{aggregate} is at version {actual}, not the expected {expected}"
            if expected >= 0
            else f"{aggregate}: another command changed the same records first; reload and retry"
        )
        super().__init__("expected_version", "optimistic_concurrency", message)
        self.expected = expected
        self.actual = actual
