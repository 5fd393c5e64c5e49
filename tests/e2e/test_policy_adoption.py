"""Adopting a policy pack over HTTP: checked as a pack file, recorded with its credit rules."""

from __future__ import annotations

import copy

from domain.packs import load_pack
from domain.packs.loader import with_inline_rules
from domain.policy import pack_digest
from tests.e2e.helpers import HB, ok, post


def _body(content: dict) -> dict:
    return {"pack_id": content["pack_id"], "version": content["version"],
            "effective_from": "2024-01-01", "content": content, "occurred_on": "2024-01-01"}


def test_a_shipped_pack_is_adopted_with_its_credit_rules_inline(client) -> None:
    content = load_pack("jinnan").content
    ok(post(client, "/policy/adoptions", _body(content), HB))
    adoption = ok(client.get("/api/v1/policy", headers=HB), 200)["adoptions"][0]
    assert adoption["pack_id"] == "jinnan"
    assert adoption["sha256"] == pack_digest(with_inline_rules(content))  # the rules were recorded with it


def test_a_malformed_pack_is_422_naming_the_key_and_writes_nothing(client) -> None:
    content = copy.deepcopy(load_pack("yancheng").content)
    content["subsidy"]["rates"]["professional"] = "-0.1"
    response = post(client, "/policy/adoptions", _body(content), HB)
    assert response.status_code == 422
    assert response.json()["error"]["field"].startswith("content.subsidy.rates.professional")
    assert ok(client.get("/api/v1/policy", headers=HB), 200)["adoptions"] == []


def test_a_pack_whose_id_differs_from_the_request_is_refused(client) -> None:
    content = load_pack("jinnan").content
    response = post(client, "/policy/adoptions", {**_body(content), "pack_id": "baodi"}, HB)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "content.pack_id"
