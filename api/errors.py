"""The one place where errors become HTTP responses.

Every 4xx body has the same shape, for domain errors and for request
validation alike, so a client (or the web form) can point at the field:

    {"error": {"code": "invalid", "field": "uscc", "rule": "uscc_check_character",
               "message": "check character does not match (GB 32100-2015)"}}

Status codes: ValidationError → 422, NotFoundError → 404, RuleViolation → 409,
ConflictError → 409 (an ``If-Match`` version that is not the aggregate's current
one, or a concurrent write; DESIGN.md asks for 409 and the ``code`` "conflict"
tells it apart from a business-rule refusal), Unauthenticated → 401,
Forbidden → 403.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import ConflictError, DomainError, NotFoundError, RuleViolation, ValidationError

log = logging.getLogger("taizhang.api")


class Unauthenticated(DomainError):
    """No (valid) credentials were presented for something that needs them (HTTP 401)."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The user's role (or organisation) may not do this (HTTP 403)."""

    code = "forbidden"


STATUS: dict[type[DomainError], int] = {
    ValidationError: 422,
    NotFoundError: 404,
    RuleViolation: 409,
    ConflictError: 409,
    Unauthenticated: 401,
    Forbidden: 403,
}

# pydantic's error types, renamed where the domain already has a word for the rule.
_RULE_ALIASES = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "decimal_max_places": "fen",
    "decimal_type": "decimal",
    "date_from_datetime_parsing": "date",
    "date_parsing": "date",
    "date_type": "date",
    "greater_than_equal": "minimum",
    "greater_than": "minimum",
    "less_than_equal": "maximum",
    "string_too_long": "max_length",
    "string_too_short": "required",
    "string_pattern_mismatch": "format",
    "int_parsing": "integer",
    "int_type": "integer",
    "int_from_float": "integer",
    "float_parsing": "number",
    "float_type": "number",
    "bool_parsing": "boolean",
    "json_invalid": "json",
}

# Where a request parameter came from → how the field is named in the error.
_HEADERS = {"if-match": "If-Match", "idempotency-key": "Idempotency-Key", "x-taizhang-user": "X-Taizhang-User"}


def status_for(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_body(code: str, field: str | None, rule: str, message: str, **extra: Any) -> dict:
    return {"error": {"code": code, "field": field, "rule": rule, "message": message, **extra}}


def field_of(loc: tuple | list) -> str:
    """('body', 'points', 'cleaning') → 'points.cleaning'; ('header', 'if-match') → 'If-Match'."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where, parts = parts[0], parts[1:]
        if where == "header" and parts:
            return _HEADERS.get(parts[0].lower(), parts[0])
    return ".".join(parts) or "body"


def validation_details(errors: list[dict]) -> list[dict]:
    details = []
    for err in errors:
        rule = _RULE_ALIASES.get(err.get("type", ""), err.get("type", "invalid"))
        details.append({"field": field_of(err.get("loc", ())), "rule": rule, "message": err.get("msg", "")})
    return details


def domain_error_response(error: DomainError, headers: dict | None = None) -> JSONResponse:
    """The error's body (with its ``extra`` fields, if it has any) and headers (its ``http_headers``,
    e.g. a 503's ``Retry-After``, and ``headers``)."""
    headers = {**(getattr(error, "http_headers", None) or {}), **(headers or {})} or None
    return JSONResponse(error_body(error.code, error.field, error.rule, error.message,
                                   **(getattr(error, "extra", None) or {})),
                        status_code=status_for(error), headers=headers)


def install_error_handlers(app: FastAPI, html_handler: Any = None) -> None:
    """Register the handlers; ``html_handler(request, status, message)`` renders page errors."""

    def wants_html(request: Request) -> bool:
        return html_handler is not None and not request.url.path.startswith("/api/")

    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> Any:
        if wants_html(request):
            return html_handler(request, status_for(error), error)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthenticated) else None
        return domain_error_response(error, headers)

    @app.exception_handler(RequestValidationError)
    async def _request_validation(request: Request, error: RequestValidationError) -> JSONResponse:
        details = validation_details(list(error.errors()))
        first = details[0] if details else {"field": "body", "rule": "invalid", "message": "invalid request"}
        return JSONResponse(error_body("invalid", first["field"], first["rule"], first["message"], details=details),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Any:
        if wants_html(request):
            return html_handler(request, error.status_code, error)
        return JSONResponse(error_body(f"http_{error.status_code}", None, "http", str(error.detail)),
                            status_code=error.status_code, headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # Never leak internals; the log has the traceback.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal", None, "internal", "internal error; see the server log"),
                            status_code=500)
