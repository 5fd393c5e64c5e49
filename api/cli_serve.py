"""`taizhang serve` (the web app under uvicorn) and `taizhang token` (a bearer token)."""

from __future__ import annotations

import json
import secrets
from typing import Annotated, Optional

import typer
from rich.console import Console

from domain.errors import DomainError
from domain.values import Actor

from api.settings import Settings


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[Optional[str], typer.Option(help="default: settings host (TAIZHANG_HOST)")] = None,
        port: Annotated[Optional[int], typer.Option(help="default: settings port (TAIZHANG_PORT)")] = None,
        workers: Annotated[int, typer.Option(help="worker processes (each builds its app from the settings)")] = 1,
        log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    ) -> None:
        """Serve the JSON API (/api/v1, docs at /docs) and the web pages."""
        import uvicorn

        settings = Settings()
        host, port = host or settings.host, port or settings.port
        console = Console(stderr=True)
        if settings.dev_auth:
            console.print("[yellow]dev_auth is on: anyone may claim any role with X-Taizhang-User "
                          "(set TAIZHANG_DEV_AUTH=false and TAIZHANG_AUTH_TOKENS_FILE in production)[/yellow]")
        console.print(f"台账 serving {settings.database_url} on http://{host}:{port}/  (API docs: /docs)")
        if workers > 1:
            # Each worker process calls the factory and reads the same TAIZHANG_* settings.
            uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                        log_level=log_level)
        else:
            from api.app import create_app
            uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)

    @app.command()
    def token(
        user: Annotated[str, typer.Argument(help="user id, e.g. zhang.wei")],
        role: Annotated[str, typer.Argument(help="housing_bureau, street, party_committee, …")],
        org: Annotated[str, typer.Option(help="street name (street-level roles) or department code")] = "",
    ) -> None:
        """Make a bearer token: the token once on stderr, the tokens-file entry on stdout
        (so `taizhang token … >> tokens.toml` never writes the token itself)."""
        try:
            Actor(user=user, role=role, org=org)
        except DomainError as error:
            raise typer.BadParameter(error.message, param_hint=error.field) from None
        from api.auth import hash_token

        value = secrets.token_urlsafe(32)
        typer.echo(f"token for {user} (give it to them; it is not stored): {value}", err=True)
        typer.echo("[[users]]")
        for key, text in (("user", user), ("role", role), ("org", org), ("token_sha256", hash_token(value))):
            typer.echo(f"{key} = {json.dumps(text, ensure_ascii=False)}")  # a JSON string is a TOML basic string
