"""`taizhang token`: tokens that expire (90 days by default), --list, --revoke, written atomically
into the tokens file with every other entry kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import typer
from typer.testing import CliRunner

from api import cli_token
from api.auth import TokenStore, hash_token
from api.auth.tokens_file import read_data, read_entries
from api.clock import ledger_today


@pytest.fixture(autouse=True)
def no_configured_file(tmp_path, monkeypatch) -> None:
    # Never touch a tokens file named by the developer's environment or .env.
    monkeypatch.delenv("TAIZHANG_AUTH_TOKENS_FILE", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*args: str, **env: str):
    app = typer.Typer()
    cli_token.register(app)
    app.command("noop", hidden=True)(lambda: None)  # keeps `token` a sub-command
    return CliRunner(env={"COLUMNS": "200", **env}).invoke(app, ["token", *args])


def token_of(result) -> str:
    return result.stderr.strip().splitlines()[-1].rsplit(": ", 1)[1]


def make(path, user: str, *options: str) -> str:
    result = run(user, "street", "--org", "双港镇", "--file", str(path), *options)
    assert result.exit_code == 0, result.output
    return token_of(result)


def test_a_new_token_expires_in_90_days_by_default_and_is_written_into_the_file(tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    token = make(path, "zhang.wei")
    [entry] = read_entries(path)
    assert entry.expires_on == ledger_today() + timedelta(days=90)
    assert token not in path.read_text(encoding="utf-8")
    assert TokenStore.load(path).find(token).user == "zhang.wei"


def test_days_expires_and_no_expiry_set_the_last_valid_day(tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    make(path, "a", "--days", "7")
    make(path, "b", "--expires", "2099-12-31")
    make(path, "c", "--no-expiry")
    a, b, c = read_entries(path)
    assert (a.expires_on, b.expires_on, c.expires_on) == (ledger_today() + timedelta(days=7), date(2099, 12, 31),
                                                          None)
    assert "expires_on" not in read_data(path)["users"][2]


def test_the_tokens_file_defaults_to_the_configured_one(tmp_path) -> None:
    path = tmp_path / "configured.toml"
    result = run("a", "street", "--org", "双港镇", TAIZHANG_AUTH_TOKENS_FILE=str(path))
    assert result.exit_code == 0, result.output
    assert TokenStore.load(path).find(token_of(result)).user == "a"


def test_without_a_file_the_entry_with_its_expiry_is_printed(tmp_path) -> None:
    result = run("a", "street", "--org", "双港镇", "--expires", "2099-12-31")
    assert result.exit_code == 0, result.output
    assert "expires_on = 2099-12-31" in result.stdout and "token_sha256" in result.stdout
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("options, hint", [
    (["--expires", "2025-02-30"], "--expires"),
    (["--expires", "31/12/2099"], "--expires"),
    (["--expires", (date.today() - timedelta(days=3)).isoformat()], "--expires"),
    (["--days", "7", "--expires", "2099-12-31"], "--expires"),
    (["--no-expiry", "--days", "7"], "--no-expiry"),
    (["--days", "0"], "--days"),
])
def test_bad_expiry_options_are_refused_naming_the_option_and_write_nothing(tmp_path, options, hint) -> None:
    path = tmp_path / "tokens.toml"
    result = run("a", "street", "--file", str(path), *options)
    assert result.exit_code == 2 and hint in result.output
    assert not path.exists()


def test_a_new_token_keeps_every_other_entry(tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    path.write_text('[[users]]\nuser = "old"\nrole = "auditor"\norg = "区审计局"\n'
                    f'token_sha256 = "{hash_token("tok-old")}"\nnote = "手工录入"\n', encoding="utf-8")
    before = read_data(path)["users"][0]
    make(path, "new")
    old, new = read_data(path)["users"]
    assert old == before and new["user"] == "new"


def test_list_shows_users_roles_orgs_expiry_and_status(tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    yesterday = (ledger_today() - timedelta(days=1)).isoformat()
    path.write_text(
        f'[[users]]\nuser = "old"\nrole = "auditor"\norg = "区审计局"\ntoken_sha256 = "{hash_token("1")}"\n\n'
        f'[[users]]\nuser = "late"\nrole = "finance"\ntoken_sha256 = "{hash_token("2")}"\n'
        f'expires_on = {yesterday}\n', encoding="utf-8")
    make(path, "gone")
    assert run("--revoke", "gone", "--file", str(path)).exit_code == 0
    result = run("--list", "--file", str(path))
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 6}
    assert "无期限 (no expiry)" in rows["old"] and "有效 valid" in rows["old"] and "区审计局" in rows["old"]
    assert yesterday in rows["late"] and "已过期 expired" in rows["late"] and "finance" in rows["late"]
    assert "已吊销 revoked" in rows["gone"] and "street" in rows["gone"]
    assert "用户 user" in result.stdout and "到期 expires" in result.stdout


def test_revoke_by_user_marks_the_entry_and_keeps_the_others(tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    a, b = make(path, "a"), make(path, "b")
    result = run("--revoke", "a", "--file", str(path))
    assert result.exit_code == 0, result.output
    first, second = read_data(path)["users"]
    assert first["revoked_on"] == ledger_today() and "revoked_on" not in second
    store = TokenStore.load(path)
    assert store.find(a) is None and store.find(b).user == "b"


def test_revoke_by_a_hash_prefix_revokes_that_token_only(tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    first, second = make(path, "a"), make(path, "a")
    result = run("--revoke", hash_token(second)[:8], "--file", str(path))
    assert result.exit_code == 0, result.output
    store = TokenStore.load(path)
    assert store.find(first).user == "a" and store.find(second) is None


def test_revoke_refuses_an_unknown_user_and_writes_nothing(tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    make(path, "a")
    text = path.read_text(encoding="utf-8")
    result = run("--revoke", "nobody", "--file", str(path))
    assert result.exit_code == 2 and "--revoke" in result.output
    assert path.read_text(encoding="utf-8") == text


def test_list_names_the_bad_entry_and_key_of_an_invalid_file(tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    path.write_text(f'[[users]]\nuser = "a"\nrole = "street"\ntoken_sha256 = "{hash_token("1")}"\n'
                    'expires_on = "soon"\n', encoding="utf-8")
    result = run("--list", "--file", str(path))
    assert result.exit_code == 1 and "users[0].expires_on" in result.stderr


def test_adding_and_revoking_keep_the_files_comments_and_layout(tmp_path) -> None:
    path = tmp_path / "tokens.toml"
    head = ("# 台账访问令牌 — 由 `taizhang token` 和管理员手工维护\n"
            "# 吊销的令牌保留在文件里，供审计\n"
            "\n"
            "[[users]]\n"
            'user = "old"          # 王芳，区审计局\n'
            'role = "auditor"\n'
            'org = "区审计局"\n'
            f'token_sha256 = "{hash_token("tok-old")}"\n'
            "expires_on = 2099-12-31   # 见 2025-3 号文\n")
    tail = ("\n"
            "# 街道的令牌\n"
            "[[users]]\n"
            'user    = "street.a"\n'
            'role    = "street"\n'
            'org     = "双港镇"\n'
            f'token_sha256 = "{hash_token("tok-a")}"\n')
    path.write_text(head + tail, encoding="utf-8")

    new = make(path, "new")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(head + tail + "\n[[users]]\n"), text  # the old text as it was, one blank line, the entry
    assert TokenStore.load(path).find(new).user == "new"

    assert run("--revoke", "old", "--file", str(path)).exit_code == 0
    revoked = f"revoked_on = {ledger_today().isoformat()}\n"
    # The new key goes after the entry's last key, not under the comment that heads the next entry.
    assert path.read_text(encoding="utf-8") == head + revoked + text.removeprefix(head)
    assert run("--revoke", "street.a", "--file", str(path)).exit_code == 0
    after = path.read_text(encoding="utf-8")
    assert after == head + revoked + tail + revoked + text.removeprefix(head + tail)
    assert [e.actor.user for e in read_entries(path)] == ["old", "street.a", "new"]
    assert TokenStore.load(path).find("tok-old") is None and TokenStore.load(path).find(new).user == "new"
