"""`taizhang token`: make a bearer token that expires, list the tokens file, revoke a token.

The tokens file is ``--file`` or ``TAIZHANG_AUTH_TOKENS_FILE``; every change replaces
it atomically (api.auth.tokens_file.update) and a running server reads it again on
its next request. Without a file, a new entry is printed for ``>> tokens.toml``.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from domain.errors import DomainError
from domain.values import Actor

from api.auth.tokens_file import NOT_OVER_HTTP, TokensFileError, parse_date, parse_entries, read_data, update
from api.clock import ledger_today

DEFAULT_DAYS = 90
MIN_PREFIX = 6
STATUS_ZH = {"valid": "有效 valid", "expired": "已过期 expired", "revoked": "已吊销 revoked"}


def expiry(days: int | None, expires: str | None, no_expiry: bool, today: date) -> date | None:
    """The last valid day from the options: one of them, or the default of 90 days."""
    if no_expiry and (days is not None or expires is not None):
        raise typer.BadParameter("不能与 --days 或 --expires 同用 (not with --days or --expires)",
                                 param_hint="--no-expiry")
    if days is not None and expires is not None:
        raise typer.BadParameter("只能指定其一 (give --days or --expires, not both)", param_hint="--expires")
    if no_expiry:
        return None
    if expires is None:
        return today + timedelta(days=DEFAULT_DAYS if days is None else days)
    try:
        last = parse_date(expires)
    except ValueError:
        raise typer.BadParameter(f"日期格式应为 YYYY-MM-DD (a date), got {expires!r}",
                                 param_hint="--expires") from None
    if last < today:
        raise typer.BadParameter(f"到期日早于今天 {today} (already past, China time)", param_hint="--expires")
    return last


def _file(file: Path | None) -> Path | None:
    if file is not None:
        return file
    from api.settings import Settings

    return Settings().auth_tokens_file


def _fail(error: Exception) -> None:
    typer.echo(f"错误 error: {error}", err=True)
    raise typer.Exit(1)


def make(actor: Actor, last: date | None, file: Path | None) -> None:
    from api.auth import hash_token

    value = secrets.token_urlsafe(32)
    entry = {"user": actor.user, "role": actor.role, "org": actor.org, "token_sha256": hash_token(value)}
    if last is not None:
        entry["expires_on"] = last
    if file is None:
        typer.echo("[[users]]")
        for key, item in entry.items():
            # A JSON string is a TOML basic string; a bare ISO date is a TOML date.
            text = item.isoformat() if isinstance(item, date) else json.dumps(item, ensure_ascii=False)
            typer.echo(f"{key} = {text}")
    else:
        if str(file).endswith(".json") and last is not None:
            entry["expires_on"] = last.isoformat()
        try:
            update(file, lambda data: data["users"].append(entry))
        except (OSError, TokensFileError) as error:
            _fail(error)  # before the token is shown: a token not stored would be useless
        typer.echo(f"已写入 written to {file}", err=True)
    typer.echo(f"到期 expires {last.isoformat() + '（含当日，北京时间）' if last else '无期限 (no expiry)'}", err=True)
    # Last on stderr, so scripts can take it from the end.
    typer.echo(f"token for {actor.user} (give it to them; it is not stored): {value}", err=True)


def show(file: Path, today: date) -> None:
    try:
        entries = parse_entries(read_data(file), file)
    except (OSError, TokensFileError) as error:
        _fail(error)
    table = Table(title=f"访问令牌 tokens（{file}，今天 today {today.isoformat()}）")
    for col in ("用户 user", "角色 role", "单位 org", "摘要 sha256", "到期 expires", "状态 status"):
        table.add_column(col, no_wrap=col.startswith(("摘要", "到期")), overflow="fold")
    for e in entries:
        status = STATUS_ZH[e.status(today)]
        if e.revoked_on is not None:
            status += f" {e.revoked_on.isoformat()}"
        table.add_row(e.actor.user, e.actor.role, e.actor.org, e.token_sha256[:12],
                      e.expires_on.isoformat() if e.expires_on else "无期限 (no expiry)", status)
    if not entries:
        table.add_row("—", "（无）", "", "", "", "")
    Console().print(table)


def _matches(users: list[dict], target: str) -> list[dict]:
    """By user id; else by a hash prefix of at least six hex digits, which must be unambiguous."""
    by_user = [e for e in users if e.get("user") == target]
    if by_user or not re.fullmatch(f"[0-9a-fA-F]{{{MIN_PREFIX},64}}", target):
        return by_user
    by_hash = [e for e in users if str(e.get("token_sha256", "")).lower().startswith(target.lower())]
    if len(by_hash) > 1:
        raise typer.BadParameter(f"摘要前缀 {target} 对应 {len(by_hash)} 个令牌，请写长一些 (ambiguous prefix)",
                                 param_hint="--revoke")
    return by_hash


def revoke(file: Path, target: str, today: date) -> None:
    def change(data: dict) -> list[dict]:
        found = _matches(data["users"], target)
        if not found:
            raise typer.BadParameter(f"没有用户或摘要前缀为 {target} 的令牌 (no such user or hash prefix)",
                                     param_hint="--revoke")
        live = [e for e in found if "revoked_on" not in e]
        for e in live:
            e["revoked_on"] = today.isoformat() if str(file).endswith(".json") else today
        return live

    try:
        revoked = update(file, change)
    except (OSError, TokensFileError) as error:
        _fail(error)
    if not revoked:
        typer.echo(f"{target} 的令牌均已吊销 (already revoked); 未改动 nothing changed", err=True)
        return
    for e in revoked:
        typer.echo(f"已吊销 revoked: {e['user']} ({str(e['token_sha256'])[:12]}) 于 {today.isoformat()}；"
                   "服务无需重启 (takes effect on the next request)")


def register(app: typer.Typer) -> None:
    @app.command()
    def token(
        user: Annotated[Optional[str], typer.Argument(help="用户 user id, e.g. zhang.wei")] = None,
        role: Annotated[Optional[str], typer.Argument(help="角色 role: housing_bureau, street, …")] = None,
        org: Annotated[str, typer.Option(help="单位 street name (street-level roles) or department code")] = "",
        days: Annotated[Optional[int], typer.Option(
            min=1, help=f"有效天数 valid through today + N days (default {DEFAULT_DAYS})")] = None,
        expires: Annotated[Optional[str], typer.Option(
            help="到期日 last valid day YYYY-MM-DD (China time)")] = None,
        no_expiry: Annotated[bool, typer.Option("--no-expiry", help="永不过期 never expires")] = False,
        list_: Annotated[bool, typer.Option("--list", help="列出令牌 list the tokens file")] = False,
        revoke_: Annotated[Optional[str], typer.Option(
            "--revoke", metavar="USER|HASH", help="吊销 revoke a user's tokens or one by hash prefix")] = None,
        file: Annotated[Optional[Path], typer.Option(
            help="令牌文件 tokens file (default TAIZHANG_AUTH_TOKENS_FILE)")] = None,
    ) -> None:
        """Make a bearer token (the token once on stderr, its SHA-256 into the tokens file), or
        --list / --revoke. 生成、列出、吊销访问令牌。"""
        today = ledger_today()
        if list_ or revoke_ is not None:
            if user is not None or role is not None or (list_ and revoke_ is not None):
                raise typer.BadParameter("--list、--revoke 与新建令牌三选一 (one of make, --list, --revoke)")
            path = _file(file)
            if path is None:
                raise typer.BadParameter("需要令牌文件 (set TAIZHANG_AUTH_TOKENS_FILE or --file)", param_hint="--file")
            return show(path, today) if list_ else revoke(path, revoke_, today)
        if user is None or role is None:
            raise typer.BadParameter("需要 USER 和 ROLE (USER and ROLE are required)", param_hint="USER ROLE")
        try:
            actor = Actor(user=user, role=role, org=org)
        except DomainError as error:
            raise typer.BadParameter(error.message, param_hint=error.field) from None
        if role in NOT_OVER_HTTP:
            raise typer.BadParameter(f"role {role!r} cannot log in over HTTP", param_hint="ROLE")
        make(actor, expiry(days, expires, no_expiry, today), _file(file))
