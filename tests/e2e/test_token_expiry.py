"""Over HTTP: expired and revoked bearer tokens are 401 naming Authorization with their own rule;
a revocation by `taizhang token --revoke` takes effect without a restart; the web login sends a
refused cookie back to the login page with a Chinese message."""

from __future__ import annotations

from datetime import timedelta

import pytest
import typer
from typer.testing import CliRunner

from api import cli_token
from api.auth import hash_token
from api.clock import ledger_today
from tests.e2e.helpers import make_client


@pytest.fixture(autouse=True)
def no_configured_file(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("TAIZHANG_AUTH_TOKENS_FILE", raising=False)
    monkeypatch.chdir(tmp_path)


def cli(*args: str):
    app = typer.Typer()
    cli_token.register(app)
    app.command("noop", hidden=True)(lambda: None)
    result = CliRunner().invoke(app, ["token", *args])
    assert result.exit_code == 0, result.output
    return result


def tokens(tmp_path, **expiries: str):
    """A tokens file with one user per keyword: user=expires_on ('' for no expiry)."""
    path = tmp_path / "tokens.toml"
    path.write_text("".join(
        f'[[users]]\nuser = "{user}"\nrole = "housing_bureau"\norg = "区住房建设委"\n'
        f'token_sha256 = "{hash_token("tok-" + user)}"\n' + (f"expires_on = {day}\n" if day else "") + "\n"
        for user, day in expiries.items()), encoding="utf-8")
    return path


def me(client, token: str):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_an_expired_token_is_401_naming_authorization_and_a_token_expiring_today_still_works(
        sqlite_url, tmp_path) -> None:
    today = ledger_today()
    path = tokens(tmp_path, today=today.isoformat(), late=(today - timedelta(days=1)).isoformat(), old="")
    with make_client(sqlite_url, auth_tokens_file=path) as client:
        assert me(client, "tok-today").json()["user"] == "today"
        assert me(client, "tok-old").json()["user"] == "old"
        response = me(client, "tok-late")
        assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
        error = response.json()["error"]
        assert (error["code"], error["field"], error["rule"]) == ("unauthenticated", "Authorization", "token_expired")
        assert "到期" in error["message"]


def test_a_revocation_takes_effect_on_the_next_request_without_a_restart(sqlite_url, tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    with make_client(sqlite_url, auth_tokens_file=tokens(tmp_path, keep="")) as client:
        token = cli("zhang.wei", "street", "--org", "双港镇", "--file", str(path)).stderr.strip().rsplit(": ", 1)[1]
        assert me(client, token).json()["user"] == "zhang.wei"  # added after startup: read again
        cli("--revoke", "zhang.wei", "--file", str(path))
        error = me(client, token).json()["error"]
        assert (error["field"], error["rule"]) == ("Authorization", "token_revoked") and "吊销" in error["message"]
        assert me(client, "tok-keep").json()["user"] == "keep"


def test_a_page_with_an_expired_token_cookie_goes_to_the_login_page_with_a_chinese_message(
        sqlite_url, tmp_path) -> None:
    path = tokens(tmp_path, late=(ledger_today() - timedelta(days=1)).isoformat())
    with make_client(sqlite_url, auth_tokens_file=path) as client:
        client.cookies.set("taizhang_token", "tok-late")
        response = client.get("/providers", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/providers"
        page = client.get("/login?next=/providers")
        assert page.status_code == 200 and "您的访问令牌已过期" in page.text
        assert 'taizhang_token=""' in page.headers["set-cookie"]  # the cookie is dropped


def test_logging_in_with_a_revoked_token_shows_why_in_chinese(sqlite_url, tmp_path) -> None:
    path = tokens(tmp_path, gone="")
    cli("--revoke", "gone", "--file", str(path))
    with make_client(sqlite_url, auth_tokens_file=path) as client:
        response = client.post("/login", data={"token": "tok-gone", "next": "/"}, follow_redirects=False)
        assert response.status_code == 401 and "您的访问令牌已被吊销" in response.text
        assert "taizhang_token" not in response.headers.get("set-cookie", "")
