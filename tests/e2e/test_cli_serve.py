"""`taizhang token` and `taizhang serve` are registered; a printed token entry logs in."""

from __future__ import annotations

import tomllib

import typer
from typer.testing import CliRunner

from api import cli_serve
from api.auth import TokenStore


def app() -> typer.Typer:
    app = typer.Typer()
    cli_serve.register(app)
    return app


def test_token_prints_a_tokens_file_entry_that_authenticates_the_token(tmp_path) -> None:
    result = CliRunner().invoke(app(), ["token", "zhang.wei", "street", "--org", "双港镇"])
    assert result.exit_code == 0, result.output
    entry, token = result.stdout, result.stderr.rsplit(": ", 1)[1].strip()
    assert token not in entry  # only the hash goes to stdout (and into the file)
    path = tmp_path / "tokens.toml"
    path.write_text(entry, encoding="utf-8")
    assert tomllib.loads(entry)["users"][0]["org"] == "双港镇"
    actor = TokenStore.load(path).find(token)
    assert (actor.user, actor.role, actor.org) == ("zhang.wei", "street", "双港镇")


def test_token_refuses_an_unknown_role() -> None:
    result = CliRunner().invoke(app(), ["token", "x", "mayor"])
    assert result.exit_code != 0 and "unknown role" in result.output


def test_serve_is_a_command() -> None:
    result = CliRunner().invoke(app(), ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output
