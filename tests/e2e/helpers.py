"""HTTP test helpers: an app on a given database URL, role headers, and a few POST
helpers that set up a provider, a community and an engagement."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from domain.values import uscc_check_char
from domain.vocab import BASIC_SERVICES

STREET = "双港镇"
OTHER_STREET = "辛庄镇"


def uscc(n: int) -> str:
    first17 = f"91120112MA{n:07d}"
    return first17 + uscc_check_char(first17)


USCC = uscc(1)


def as_role(role: str, org: str = "", user: str = "u-1") -> dict[str, str]:
    """The dev-mode identity header (percent-encoded: HTTP headers are not UTF-8)."""
    return {"X-Taizhang-User": ";".join(quote(p, safe="") for p in (user, role, org))}


HB = as_role("housing_bureau", "区住房建设委", "hb-1")
STREET_USER = as_role("street", STREET, "st-1")
PARTY = as_role("party_committee", STREET, "pc-1")
FINANCE = as_role("finance", "区财政局", "fin-1")
AUDITOR = as_role("auditor", "区审计局", "aud-1")

PROVIDER_BODY = {"uscc": USCC, "name": "津南安居物业有限公司", "legal_representative": "张三",
                 "contact": "022-88886666", "occurred_on": "2024-01-02"}
COMMUNITY_BODY = {"code": "C-001", "name": "幸福里", "street": STREET, "category": "renovated_old",
                  "build_year": 1990, "floor_area": 12000.0, "households": 240, "mode": "professional",
                  "occurred_on": "2024-01-02"}
ENTRY_BODY = {"code": "E-001", "provider_uscc": USCC, "community_code": "C-001", "mode": "professional",
              "services": list(BASIC_SERVICES), "fee_standard": "0.50", "term_months": 24,
              "served_area": 12000.0, "occurred_on": "2024-01-03"}


def make_client(database_url: str, **settings: Any) -> TestClient:
    app = create_app(Settings(database_url=database_url, _env_file=None, **settings))
    return TestClient(app, raise_server_exceptions=True)


@contextmanager
def closing_client(database_url: str, **settings: Any) -> Iterator[TestClient]:
    """:func:`make_client` whose ledger, read-model runner and connections are released at the end
    (PostgreSQL has a connection limit; the app's reference cycles would hold them until a collection)."""
    client = make_client(database_url, **settings)
    try:
        yield client
    finally:
        read_models = getattr(client.app.state, "read_models", None)
        if read_models is not None:
            read_models.close()
        client.app.state.ledger.close()


def ok(response: Any, status: int = 201) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def post(client: TestClient, path: str, body: dict, headers: dict, **extra_headers: str) -> Any:
    return client.post(f"/api/v1{path}", json=body, headers={**headers, **extra_headers})


def setup_registry(client: TestClient) -> None:
    ok(post(client, "/providers", PROVIDER_BODY, HB))
    ok(post(client, "/communities", COMMUNITY_BODY, STREET_USER))


def setup_request(client: TestClient) -> None:
    setup_registry(client)
    ok(post(client, "/engagements", ENTRY_BODY, STREET_USER))
