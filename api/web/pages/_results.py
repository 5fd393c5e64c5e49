"""Shared by the result pages: rendering with formatting helpers, role gates that send
the public to the public pages, and the read-model position note."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse

from domain.values import Role

from api.auth import User
from api.routers._readmodels import require_role
from api.web.i18n import translator
from api.web.pages import _words  # noqa: F401  (registers the words)
from api.web.templating import page_lang, render


def money(value: Any) -> str:
    """Yuan with thousands separators and two decimals: ``1,234,567.80``."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def num(value: Any, digits: int = 2) -> str:
    return "—" if value is None else f"{float(value):.{digits}f}"


def cut_rows(points: list | None) -> list[tuple[int, str]]:
    """Cut points (ascending, one per level above 1★) as (stars, "≥ 80.00"), 5★ first; an empty level: "—"."""
    if not points:
        return []
    return [(n + 2, "—" if c is None else f"≥ {float(c):.2f}") for n, c in reversed(list(enumerate(points)))]


def short(event: dict) -> str:
    """An event as people can quote it: aggregate id prefix, version, ledger position."""
    return f"{event['id'][:8]} v{event['version']} #{event['position']}"


def page(request: Request, name: str, context: dict, user: User, status_code: int = 200) -> Any:
    t = translator(page_lang(request))

    def tf(key: str, **values: Any) -> str:
        return t(key).format(**values)

    helpers = {"tf": tf, "money": money, "num": num, "cut_rows": cut_rows, "short": short}
    return render(request, name, {**helpers, **context}, user=user, status_code=status_code)


def gate(user: User, roles: frozenset[str], what: str, public_path: str | None = None) -> RedirectResponse | None:
    """The public (not logged in) is sent to the published version when there is one; other roles
    that may not read the page get 403 (anonymous without a public version: the login page)."""
    if public_path and (not user.authenticated or user.role == Role.PUBLIC.value):
        return RedirectResponse(public_path, status_code=303)
    require_role(user, roles, what)
    return None
