"""`taizhang serve` (the web app under uvicorn); `taizhang token` is registered from api/cli_token.py."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console

from api import cli_token
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

    cli_token.register(app)  # `taizhang token` grew its own module
