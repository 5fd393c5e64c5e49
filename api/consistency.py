"""Read-your-writes when a projection worker keeps the read models (``settings.catalogue = "read_models"``).

API workers and projection workers (``taizhang project --follow``) are separate
processes there: a list read right after a command may come from read models that
have not applied it yet. The client therefore carries the ledger position it last
wrote, and a read of the read models waits (bounded) until their tracking position
(``projection_tracking``, committed with their rows) reaches it:

* every command answers the position its events reached: ``positions`` in the body
  and ``X-Taizhang-Position`` (the highest) in the headers;
* an API read sends it back as ``X-Taizhang-Min-Position: N`` (or ``?min_position=N``);
  a web form's answer sets the cookie ``taizhang_min_position`` to it, so the page
  after the redirect, and those after it, wait for it too;
* a read that waited answers ``X-Taizhang-Read-Position`` (the read models' position);
* when the worker has not caught up within ``settings.read_your_writes_timeout``
  seconds, the API answers 503 ``unavailable`` (rule ``read_your_writes``) with a
  ``Retry-After`` and both positions, and a page shows what it has under a visible
  "数据更新中" note instead of passing stale data off as current.

Only GET and HEAD wait, and only where they read the read models; reads of the
ledger itself (an aggregate's detail, the audit log) are always current. Reads
without a token are unchanged. In the default in-process mode (``memory``) every
read catches up first, so the token is accepted and has nothing to wait for (no
middleware, no cookie).

The request's state lives in a context variable set by :class:`ConsistencyMiddleware`;
it is one mutable object, so what a handler running in the thread pool records
(``wrote``) is seen by the middleware when the response starts.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.errors import DomainError, ValidationError

from api.errors import STATUS

TOKEN_HEADER = "X-Taizhang-Min-Position"
TOKEN_QUERY = "min_position"
TOKEN_COOKIE = "taizhang_min_position"
POSITION_HEADER = "X-Taizhang-Position"  # on a write: the highest ledger position it reached
READ_POSITION_HEADER = "X-Taizhang-Read-Position"  # on a read that waited: the read models' position
# The cookie outlives any normal lag (the worker polls every 0.1 s); a page read after it expires
# no longer waits, which only matters while the worker is down (those pages say so until then).
COOKIE_MAX_AGE = 300
RETRY_AFTER_S = 1
SAFE = ("GET", "HEAD")


class ReadModelsBehind(DomainError):
    """The read models have not reached the position the client asked for within the timeout (HTTP 503)."""

    code = "unavailable"

    def __init__(self, field: str, wanted: int, reached: int, timeout: float) -> None:
        super().__init__(field, "read_your_writes",
                         f"the read models are as of ledger position {reached}, not yet {wanted} (asked by {field}): "
                         f"the projection worker has not caught up within {timeout:g} s; retry after "
                         f"{RETRY_AFTER_S} s")
        self.wanted, self.reached = wanted, reached
        self.http_headers = {"Retry-After": str(RETRY_AFTER_S)}
        self.extra = {"min_position": wanted, "position": reached}


STATUS[ReadModelsBehind] = 503


@dataclass
class Consistency:
    """One request's read-your-writes state."""

    page: bool  # a web page (stale, with a note, on timeout) rather than the API (503)
    wanted: int = 0  # the ledger position this request's reads must reach (0: none)
    source: str = ""  # where ``wanted`` came from (the header, the query parameter or the cookie)
    problem: str = ""  # a malformed token (refused when the read models are read)
    cookie: int = 0  # the cookie's position as the request brought it
    wrote: int = 0  # the highest ledger position this request wrote
    read_at: int | None = None  # the read models' position a waiting read found
    behind: tuple[int, int] | None = None  # (wanted, reached): a page read stale data after the timeout
    settled: set[tuple[str, ...]] = field(default_factory=set)  # read models already found at ``wanted``


_current: ContextVar[Consistency | None] = ContextVar("taizhang_consistency", default=None)


def current() -> Consistency | None:
    return _current.get()


def wrote(position: int | None) -> None:
    """Record that this request wrote up to ``position`` (a command's highest event position)."""
    state = _current.get()
    if state is not None and position:
        state.wrote = max(state.wrote, position)


def highest(positions: list[int]) -> int | None:
    return max(positions) if positions else None


def _parse(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        raise ValueError(value)
    return int(value.strip())


def state_of(request: Request) -> Consistency:
    """The token a request carries: header, query parameter or cookie (the highest of them; a
    malformed header or parameter is remembered, to be refused by the read that would use it)."""
    state = Consistency(page=not request.url.path.startswith("/api/"))
    cookie = request.cookies.get(TOKEN_COOKIE)
    if cookie is not None:
        try:
            state.cookie = _parse(cookie) or 0
        except ValueError:
            pass  # a cookie the user cannot fix is ignored, never an error
    if request.method not in SAFE:
        return state
    candidates = []
    for name, value in ((TOKEN_HEADER, request.headers.get(TOKEN_HEADER)),
                        (TOKEN_QUERY, request.query_params.get(TOKEN_QUERY))):
        if value is None:
            continue
        try:
            candidates.append((_parse(value) or 0, name))
        except ValueError:
            state.problem, state.source = f"must be a ledger position (a whole number ≥ 0), not {value!r}", name
    if not state.problem:  # the highest; on a tie, the first named (an error names what the client sent)
        state.wanted, state.source = max([*candidates, (state.cookie, TOKEN_COOKIE)], key=lambda c: c[0])
    return state


def await_position(state: Consistency, names: tuple[str, ...], reached: Callable[[], int], last: Callable[[], int],
                   timeout: float) -> None:
    """Block until ``reached()`` (the position of the read models ``names``) is at least ``state.wanted``,
    at most ``timeout`` seconds. Once they are there the request does not ask again; once a page has
    given up, it waits for nothing more (one timeout per page at most).

    A position beyond the ledger's last one cannot be waited for: from the header or the
    parameter it is a 422; a cookie (say, from a database since rebuilt) is clamped to it."""
    if state.problem:
        raise ValidationError(state.source, "ledger_position", state.problem)
    if not state.wanted or names in state.settled or state.behind is not None:
        return
    wanted = state.wanted
    position = reached()
    if position < wanted:
        end = last()
        if wanted > end:
            if state.source != TOKEN_COOKIE:
                raise ValidationError(state.source, "known_position",
                                      f"ledger position {wanted} is beyond the ledger's last position {end}")
            wanted = end
    deadline = time.monotonic() + timeout
    pause = 0.01
    while position < wanted:
        left = deadline - time.monotonic()
        if left <= 0:
            if not state.page:
                raise ReadModelsBehind(state.source, wanted, position, timeout)
            state.behind = (wanted, position)
            break
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.1)
        position = reached()
    else:
        state.settled.add(names)
    state.read_at = position if state.read_at is None else min(state.read_at, position)


class ConsistencyMiddleware:
    """Sets each request's :class:`Consistency`; on the answer, the write's position header, the read
    position header, and (web pages) the cookie the next pages wait on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = state_of(Request(scope))
        token = _current.set(state)

        async def send_with_position(message: Message) -> None:
            if message["type"] == "http.response.start":
                _annotate(state, MutableHeaders(scope=message), message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_position)
        finally:
            _current.reset(token)


def _annotate(state: Consistency, headers: MutableHeaders, status: int) -> None:
    if state.read_at is not None and READ_POSITION_HEADER not in headers:
        headers[READ_POSITION_HEADER] = str(state.read_at)
    if not state.wrote or status >= 400:
        return
    if POSITION_HEADER not in headers:
        headers[POSITION_HEADER] = str(state.wrote)
    if state.page and state.wrote > state.cookie:
        cookie: SimpleCookie = SimpleCookie()
        cookie[TOKEN_COOKIE] = str(state.wrote)
        morsel: Any = cookie[TOKEN_COOKIE]
        morsel.update({"path": "/", "max-age": str(COOKIE_MAX_AGE), "httponly": True, "samesite": "Lax"})
        headers.append("set-cookie", morsel.OutputString())
