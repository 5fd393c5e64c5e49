"""Read-your-writes with a separate projection worker (``catalogue=read_models``, api/consistency.py).

The app runs with no projection runner of its own; the worker is ``projections.service.catch_up``
run in a thread (or ``taizhang project --follow`` in a subprocess). A command answers the position it
reached; a read carrying it waits for the worker, or answers 503 / a page marked "数据更新中" when
the worker does not catch up in time. Reads without it are as before: no wait, possibly stale.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from api.consistency import COOKIE_MAX_AGE, POSITION_HEADER, READ_POSITION_HEADER, TOKEN_COOKIE, TOKEN_HEADER
from tests.e2e.helpers import (
    HB, PARTY, PROVIDER_BODY, USCC, closing_client, ok, post, setup_request, uscc,
)

ROOT = Path(__file__).resolve().parents[2]
SECOND = {**PROVIDER_BODY, "uscc": uscc(2), "name": "第二物业"}
UPDATING = "数据更新中"
PENDING_FORM = 'action="/approvals/E-001/entry-decision"'


@contextmanager
def worker_run_after(url: str, delay: float) -> Iterator[None]:
    """One projection run (what a `taizhang project` worker does on its next poll), ``delay`` seconds on."""
    from projections.service import catch_up

    failed: list[BaseException] = []

    def run() -> None:
        try:
            catch_up(url)
        except BaseException as error:  # pragma: no cover - reported below
            failed.append(error)

    timer = threading.Timer(delay, run)
    timer.start()
    try:
        yield
    finally:
        timer.join(30)
    assert not failed, failed


def providers(client, **headers: str):
    return client.get("/api/v1/providers", headers={**HB, **headers})


def usccs(response) -> list[str]:
    return [p["uscc"] for p in ok(response, 200)]


def test_a_read_with_the_token_waits_until_the_worker_has_projected_the_write(database_url) -> None:
    from projections.service import catch_up

    with closing_client(database_url, catalogue="read_models", read_your_writes_timeout=10) as client:
        ok(post(client, "/providers", PROVIDER_BODY, HB))
        catch_up(database_url)
        written = post(client, "/providers", SECOND, HB)
        position = int(written.headers[POSITION_HEADER])
        assert position == max(ok(written)["positions"])
        assert TOKEN_COOKIE not in written.headers.get("set-cookie", "")  # the API's token is explicit

        # (c) Without the token: at once, as before, and stale (the worker has not run).
        started = time.monotonic()
        stale = providers(client)
        assert usccs(stale) == [USCC] and time.monotonic() - started < 1
        assert READ_POSITION_HEADER not in stale.headers

        # (a) With it: the read waits for the worker's next run, then shows the write.
        with worker_run_after(database_url, 0.4):
            started = time.monotonic()
            fresh = providers(client, **{TOKEN_HEADER: str(position)})
            waited = time.monotonic() - started
        assert usccs(fresh) == [USCC, uscc(2)]
        assert 0.3 < waited < 10
        assert int(fresh.headers[READ_POSITION_HEADER]) >= position
        # Counts too; and as a query parameter; no wait once the worker is there.
        started = time.monotonic()
        counts = client.get(f"/api/v1/ledger?min_position={position}", headers=HB)
        assert ok(counts, 200)["providers"] == 2 and int(counts.headers[READ_POSITION_HEADER]) >= position
        assert time.monotonic() - started < 1


def test_a_worker_that_does_not_catch_up_in_time_gets_a_503_naming_the_positions(database_url) -> None:
    from projections.service import catch_up

    with closing_client(database_url, catalogue="read_models", read_your_writes_timeout=0.3) as client:
        ok(post(client, "/providers", PROVIDER_BODY, HB))
        catch_up(database_url)
        reached = client.app.state.ledger.max_position()
        position = int(post(client, "/providers", SECOND, HB).headers[POSITION_HEADER])
        for path, field in (("providers", TOKEN_HEADER), ("ledger", TOKEN_HEADER),
                            (f"blacklist?min_position={position}", "min_position")):
            started = time.monotonic()
            token = {TOKEN_HEADER: str(position)} if field == TOKEN_HEADER else {}
            response = client.get(f"/api/v1/{path}", headers={**HB, **token})
            assert 0.25 < time.monotonic() - started < 5, path
            assert response.status_code == 503, (path, response.text)
            assert response.headers["Retry-After"] == "1"
            error = response.json()["error"]
            assert (error["code"], error["rule"], error["field"]) == ("unavailable", "read_your_writes", field)
            assert (error["min_position"], error["position"]) == (position, reached)
            assert f"ledger position {reached}, not yet {position}" in error["message"]
        assert usccs(providers(client)) == [USCC]  # no token: the stale list, as before

        catch_up(database_url)
        assert usccs(providers(client, **{TOKEN_HEADER: str(position)})) == [USCC, uscc(2)]


def test_a_malformed_or_unknown_token_is_refused_by_field(database_url) -> None:
    with closing_client(database_url, catalogue="read_models", read_your_writes_timeout=0.2) as client:
        ok(post(client, "/providers", PROVIDER_BODY, HB))
        last = client.app.state.ledger.max_position()
        bad = providers(client, **{TOKEN_HEADER: "soon"})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == TOKEN_HEADER
        ahead = client.get(f"/api/v1/providers?min_position={last + 5}", headers=HB)
        assert ahead.status_code == 422
        assert ahead.json()["error"]["rule"] == "known_position" and str(last) in ahead.json()["error"]["message"]


def test_an_import_answers_its_position_and_a_token_read_shows_its_rows(database_url) -> None:
    from tests.unit.io.helpers import csv_bytes

    with closing_client(database_url, catalogue="read_models", read_your_writes_timeout=10) as client:
        data = csv_bytes(["统一社会信用代码", "企业名称", "法定代表人", "联系方式"], [[uscc(9), "甲物业", "张", "1"]])
        response = client.post("/api/v1/imports/providers", files={"file": ("p.csv", data, "text/csv")}, headers=HB)
        position = int(response.headers[POSITION_HEADER])
        assert position == ok(response)["last_position"]
        with worker_run_after(database_url, 0.2):
            assert usccs(providers(client, **{TOKEN_HEADER: str(position)})) == [uscc(9)]


def decide_entry(client) -> object:
    html = client.get("/approvals", headers=PARTY).text
    assert PENDING_FORM in html
    key = html.split(PENDING_FORM, 1)[1].split('name="form_key" value="', 1)[1].split('"', 1)[0]
    response = client.post("/approvals/E-001/entry-decision", headers=PARTY, follow_redirects=False,
                           data={"approved": "yes", "reason": "居民同意", "form_key": key})
    assert response.status_code == 303, response.text
    return response


def test_the_page_after_a_web_decision_waits_for_it_through_the_cookie(database_url) -> None:
    from projections.service import catch_up

    with closing_client(database_url, catalogue="read_models", read_your_writes_timeout=10) as client:
        setup_request(client)
        catch_up(database_url)
        before = client.app.state.ledger.max_position()
        response = decide_entry(client)
        position = int(client.cookies[TOKEN_COOKIE])  # the decision's event (its form key's record is after it)
        assert before < position <= client.app.state.ledger.max_position()
        cookie = response.headers["set-cookie"]
        assert f"{TOKEN_COOKIE}={position}" in cookie and f"Max-Age={COOKIE_MAX_AGE}" in cookie
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

        with worker_run_after(database_url, 0.4):
            started = time.monotonic()
            html = client.get(response.headers["location"], headers=PARTY).text
            waited = time.monotonic() - started
        assert waited > 0.3
        assert "已记录：同意 E-001 进驻" in html
        assert PENDING_FORM not in html and UPDATING not in html  # no longer pending, and current

        # Without the cookie (another browser), the same page does not wait: as before.
        client.cookies.clear()
        assert client.get("/approvals", headers=PARTY).status_code == 200


def test_a_page_the_worker_has_not_caught_up_with_says_it_is_updating(database_url) -> None:
    from projections.service import catch_up

    with closing_client(database_url, catalogue="read_models", read_your_writes_timeout=0.3) as client:
        setup_request(client)
        catch_up(database_url)
        behind = client.app.state.ledger.max_position()
        response = decide_entry(client)
        position = int(client.cookies[TOKEN_COOKIE])

        page = client.get(response.headers["location"], headers=PARTY)
        assert page.status_code == 200
        assert f"{UPDATING}：您刚提交的记录（台账位置 #{position}）尚未计入本页，本页数据截至台账位置 #{behind}" \
            in page.text
        assert PENDING_FORM in page.text  # what the read models still say, but marked as such
        english = client.get("/approvals?lang=en", headers=PARTY).text
        assert f"Updating: your last change (ledger position #{position}) is not in this page yet" in english

        catch_up(database_url)
        html = client.get("/approvals", headers=PARTY).text
        assert UPDATING not in html and PENDING_FORM not in html


def test_the_in_process_mode_is_unchanged(sqlite_url) -> None:
    with closing_client(sqlite_url) as client:  # catalogue=memory: every read catches up first
        setup_request(client)
        response = decide_entry(client)
        assert TOKEN_COOKIE not in response.headers.get("set-cookie", "")
        assert PENDING_FORM not in client.get(response.headers["location"], headers=PARTY).text
        written = post(client, "/providers", SECOND, HB)
        assert int(written.headers[POSITION_HEADER]) == max(ok(written)["positions"])
        read = providers(client, **{TOKEN_HEADER: written.headers[POSITION_HEADER]})
        assert usccs(read) == [USCC, uscc(2)] and READ_POSITION_HEADER not in read.headers


def test_a_token_read_waits_for_a_worker_process(database_url, tmp_path) -> None:
    """The worker as deployed: `taizhang project --follow` in its own process, started after the write."""
    with closing_client(database_url, catalogue="read_models", read_your_writes_timeout=30) as client:
        position = int(post(client, "/providers", PROVIDER_BODY, HB).headers[POSITION_HEADER])
        assert usccs(providers(client)) == []  # nothing projected: the worker has not started
        env = {**os.environ, "TAIZHANG_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        worker = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "project", "--follow",
                                   "--interval", "0.05"], cwd=tmp_path, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            assert usccs(providers(client, **{TOKEN_HEADER: str(position)})) == [USCC]
        finally:
            worker.send_signal(signal.SIGTERM)
            _, errors = worker.communicate(timeout=30)
        assert worker.returncode == 0, errors.decode()
