"""TokenStore and the tokens file: expiry by the China calendar, revocation, re-reading on change,
atomic rewrites that keep the other entries, and bad entries named by index and key."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from api.auth import TokenStore, authenticate, hash_token
from api.auth.tokens_file import TokensFileError, read_data, read_entries, update
from api.clock import ledger_today
from api.errors import Unauthenticated

UTC = timezone.utc


def entry(user: str, token: str, role: str = "street", org: str = "双港镇", **extra: str) -> str:
    lines = ["[[users]]", f'user = "{user}"', f'role = "{role}"', f'org = "{org}"',
             f'token_sha256 = "{hash_token(token)}"']
    return "\n".join(lines + [f"{k} = {v}" for k, v in extra.items()]) + "\n\n"


def tokens_file(tmp_path: Path, *entries: str, name: str = "tokens.toml") -> Path:
    path = tmp_path / name
    path.write_text("".join(entries), encoding="utf-8")
    return path


def bearer(store: TokenStore, token: str, now: datetime | None = None):
    return authenticate(tokens=store, dev_auth=False, authorization=f"Bearer {token}", dev_header=None,
                        cookies={}, now=now)


def refused(store: TokenStore, token: str, now: datetime | None = None) -> Unauthenticated:
    with pytest.raises(Unauthenticated) as caught:
        bearer(store, token, now)
    return caught.value


def test_a_token_is_valid_through_its_expiry_date_and_refused_the_day_after(tmp_path) -> None:
    store = TokenStore.load(tokens_file(tmp_path, entry("a", "tok-a", expires_on="2025-03-31")))
    assert store.find("tok-a", today=date(2025, 3, 31)).user == "a"
    assert store.find("tok-a", today=date(2025, 4, 1)) is None
    error = refused(store, "tok-a", datetime(2025, 4, 1, 12, tzinfo=UTC))
    assert (error.field, error.rule) == ("Authorization", "token_expired")
    assert "2025-03-31" in error.message and "到期" in error.message


def test_expiry_follows_the_calendar_in_china_not_utc(tmp_path) -> None:
    store = TokenStore.load(tokens_file(tmp_path, entry("a", "tok-a", expires_on="2025-03-31")))
    # 15:59 UTC is 23:59 on the 31st in Beijing; 16:00 UTC is already 1 April there.
    assert bearer(store, "tok-a", datetime(2025, 3, 31, 15, 59, tzinfo=UTC)).name == "a"
    assert refused(store, "tok-a", datetime(2025, 3, 31, 16, 0, tzinfo=UTC)).rule == "token_expired"
    assert ledger_today(datetime(2025, 3, 31, 16, 0, tzinfo=UTC)) == date(2025, 4, 1)


def test_a_revoked_token_is_refused_with_its_own_rule_even_before_it_expires(tmp_path) -> None:
    store = TokenStore.load(tokens_file(
        tmp_path, entry("a", "tok-a", expires_on="2099-01-01", revoked_on="2025-04-02")))
    error = refused(store, "tok-a")
    assert (error.field, error.rule) == ("Authorization", "token_revoked")
    assert "吊销" in error.message


def test_an_entry_without_expires_on_keeps_working(tmp_path) -> None:
    store = TokenStore.load(tokens_file(tmp_path, entry("old", "tok-old")))
    assert bearer(store, "tok-old", datetime(2999, 1, 1, tzinfo=UTC)).name == "old"


def test_an_expired_cookie_token_is_refused_naming_the_cookie(tmp_path) -> None:
    yesterday = (ledger_today() - timedelta(days=1)).isoformat()
    store = TokenStore.load(tokens_file(tmp_path, entry("a", "tok-a", expires_on=yesterday)))
    with pytest.raises(Unauthenticated) as caught:
        authenticate(tokens=store, dev_auth=False, authorization=None, dev_header=None,
                     cookies={"taizhang_token": "tok-a"})
    assert (caught.value.field, caught.value.rule) == ("taizhang_token", "token_expired")


def test_a_revocation_is_seen_on_the_next_lookup_without_reloading(tmp_path) -> None:
    path = tokens_file(tmp_path, entry("a", "tok-a"), entry("b", "tok-b"))
    store = TokenStore.load(path)
    assert bearer(store, "tok-a").name == "a"
    update(path, lambda data: data["users"][0].update(revoked_on=date(2025, 4, 2)))
    assert refused(store, "tok-a").rule == "token_revoked"
    assert bearer(store, "tok-b").name == "b"


def test_a_file_edited_into_an_invalid_state_leaves_the_entries_read_before(tmp_path) -> None:
    path = tokens_file(tmp_path, entry("a", "tok-a"))
    store = TokenStore.load(path)
    path.write_text(entry("a", "tok-a", expires_on='"someday"'), encoding="utf-8")
    assert bearer(store, "tok-a").name == "a"


def test_a_missing_file_refuses_every_token(tmp_path) -> None:
    path = tokens_file(tmp_path, entry("a", "tok-a"))
    store = TokenStore.load(path)
    path.unlink()
    assert refused(store, "tok-a").rule == "valid_token"


def test_the_rewrite_keeps_every_other_entry_and_key(tmp_path) -> None:
    path = tokens_file(tmp_path, 'comment = "区住房建设委"\n\n', entry("a", "tok-a", expires_on="2025-06-30"),
                       entry("b", "tok-b", note='"见 2025-3 号文"'), entry("c", "tok-c"))
    before = read_data(path)
    update(path, lambda data: data["users"][1].update(revoked_on=date(2025, 4, 2)))
    after = read_data(path)
    assert after["comment"] == before["comment"]
    assert after["users"][0] == before["users"][0] and after["users"][2] == before["users"][2]
    assert after["users"][1] == {**before["users"][1], "revoked_on": date(2025, 4, 2)}
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.toml"]  # no temporary file left


def test_the_rewrite_of_a_json_file_stays_json(tmp_path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"users": [{"user": "a", "role": "street", "org": "双港镇", '
                    f'"token_sha256": "{hash_token("tok-a")}"}}]}}', encoding="utf-8")
    update(path, lambda data: data["users"][0].update(expires_on="2025-06-30"))
    assert read_entries(path)[0].expires_on == date(2025, 6, 30)


def test_a_failed_rewrite_leaves_the_file_as_it_was(tmp_path, monkeypatch) -> None:
    path = tokens_file(tmp_path, entry("a", "tok-a"), entry("b", "tok-b"))
    text = path.read_text(encoding="utf-8")

    def crash(*_args) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        update(path, lambda data: data["users"].pop())
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.toml"]


def test_a_rewrite_that_would_make_the_file_invalid_is_not_written(tmp_path) -> None:
    path = tokens_file(tmp_path, entry("a", "tok-a"))
    text = path.read_text(encoding="utf-8")
    with pytest.raises(TokensFileError, match=r"users\[0\]\.expires_on"):
        update(path, lambda data: data["users"][0].update(expires_on="2025-02-30"))
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("key, value", [
    ("expires_on", '"2025-02-30"'), ("expires_on", '"next year"'), ("expires_on", "2025-06-30T08:00:00"),
    ("expires_on", "20250630"), ("revoked_on", '"2025/04/02"'),
])
def test_a_bad_date_is_refused_naming_the_entry_and_key(tmp_path, key, value) -> None:
    path = tokens_file(tmp_path, entry("a", "tok-a"), entry("b", "tok-b", **{key: value}))
    with pytest.raises(TokensFileError, match=rf"users\[1\]\.{key}: must be a date YYYY-MM-DD"):
        TokenStore.load(path)


@pytest.mark.parametrize("text, where", [
    (entry("a", "tok-a", role="mayor"), r"users\[0\]\.role"),
    (entry("", "tok-a"), r"users\[0\]\.user"),
    (entry("a", "tok-a") + entry("b", "tok-a"), r"users\[1\]\.token_sha256: repeats users\[0\]"),
    ('[[users]]\nuser = "a"\nrole = "street"\ntoken_sha256 = "abc"\n', r"users\[0\]\.token_sha256"),
])
def test_other_bad_entries_are_named_by_index_and_key(tmp_path, text, where) -> None:
    with pytest.raises(TokensFileError, match=where):
        TokenStore.load(tokens_file(tmp_path, text))


def test_a_rewrite_changes_only_the_lines_that_changed(tmp_path) -> None:
    path = tokens_file(tmp_path, "# 令牌文件\ntitle = \"区住房建设委\"   # 单位\n\n",
                       "# a\n", entry("a", "tok-a", expires_on="2025-06-30   # 到期"),
                       "# b, 手工录入\n", entry("b", "tok-b", note='"见 2025-3 号文"'))
    text = path.read_text(encoding="utf-8")
    update(path, lambda data: data["users"][1].update(expires_on=date(2025, 9, 30), note="改"))
    changed = text.replace('note = "见 2025-3 号文"\n', 'note = "改"\nexpires_on = 2025-09-30\n')
    assert path.read_text(encoding="utf-8") == changed
    update(path, lambda data: data.update(title="区住建委") or data["users"][0].pop("expires_on"))
    assert path.read_text(encoding="utf-8") == changed.replace('"区住房建设委"', '"区住建委"').replace(
        "expires_on = 2025-06-30   # 到期\n", "")
    update(path, lambda data: data["users"].pop())
    assert read_data(path)["users"] == [{"user": "a", "role": "street", "org": "双港镇",
                                         "token_sha256": hash_token("tok-a")}]
    assert path.read_text(encoding="utf-8").startswith("# 令牌文件\n")
