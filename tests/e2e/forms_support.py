"""Helpers of the record form tests: an app with a provider and a community on either store,
the form's key, the message next to a field, the ledger position."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from tests.e2e.helpers import COMMUNITY_BODY, HB, closing_client, ok, post, setup_registry


@contextmanager
def registry_client(database_url: str) -> Iterator[TestClient]:
    with closing_client(database_url) as client:
        setup_registry(client)
        yield client


def add_community(client: TestClient, code: str = "C-002", **fields: object) -> None:
    ok(post(client, "/communities", {**COMMUNITY_BODY, "code": code, "name": f"小区{code}", **fields}, HB))


def form_key(html: str) -> str:
    return re.search(r'name="form_key" value="([0-9a-f]+)"', html).group(1)


def field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field)}-error">([^<]*)</p>', html)
    return found.group(1) if found else ""


def position(client: TestClient) -> int:
    return client.app.state.ledger.max_position()


def check_refused_field(client: TestClient, path: str, values: dict, headers: dict, field: str, words: str,
                        status: int, label: str = "") -> None:
    """POSTing ``values`` is refused, the Chinese message sits next to ``field`` (and in the summary,
    under the field's label), the input is kept and nothing is written."""
    before = position(client)
    response = client.post(path, data=values, headers=headers, follow_redirects=False)
    case = f"{field}={values.get(field)!r}"
    assert response.status_code == status, (case, response.status_code, response.text[-1500:])
    assert words in field_error(response.text, field), (case, field_error(response.text, field))
    if field != "_form":
        assert f'aria-describedby="{field}-error"' in response.text or f'{field}-error"' in response.text, case
        assert label == "" or f'<a href="#{field}">{label}</a>：' in response.text, case
    assert position(client) == before, case


def check_refused_fields(client: TestClient, path: str, make: Callable[..., dict], headers: dict,
                         cases: list[tuple[str, str, str, int, str]]) -> None:
    """:func:`check_refused_field` for each (field, value, words, status, label), each with its own form key."""
    for n, (field, value, words, status, label) in enumerate(cases):
        check_refused_field(client, path, make(**{field: value}, form_key=f"case{n}"), headers,
                            field, words, status, label)
