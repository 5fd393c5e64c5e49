"""The API's surface: every Ledger command has a POST and a permission entry; OpenAPI and docs work."""

from __future__ import annotations

from fastapi.routing import APIRoute

from api.app import discover_routers
from api.auth import PERMISSIONS
from domain.community import Community
from domain.engagement import Engagement
from domain.provider import Provider
from domain.rating_cycle import RatingCycle

# Ledger methods that are commands in their own right (the rest go through *_command(method)).
LEDGER_COMMANDS = {
    "adopt_policy", "register_provider", "register_community", "request_entry", "decide_entry", "sign_agreement",
    "end_engagement", "file_complaint", "resolve_complaint", "adopt_scheme", "submit_score", "compute_result",
    "republish", "publish_blacklist", "publish_subsidy_list",
}


def every_command() -> set[str]:
    return (LEDGER_COMMANDS | Provider.COMMANDS | Community.COMMANDS | Engagement.COMMANDS
            | RatingCycle.COMMANDS)


def test_every_ledger_command_has_a_post_endpoint_and_a_permission(client) -> None:
    posts = {r.name for router in discover_routers("api.routers") for r in router.routes
             if isinstance(r, APIRoute) and "POST" in r.methods}
    spec = client.get("/api/v1/openapi.json").json()
    served = {op["operationId"].split("_api_v1_")[0] for path in spec["paths"].values() for op in path.values()}
    assert posts <= served  # and the app serves them
    assert every_command() <= posts, sorted(every_command() - posts)
    assert every_command() <= set(PERMISSIONS), sorted(every_command() - set(PERMISSIONS))
    assert set(PERMISSIONS) <= every_command(), sorted(set(PERMISSIONS) - every_command())


def test_openapi_documents_the_commands_with_their_headers_and_errors(client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/communities/{code}/inspections"]["post"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert {"Idempotency-Key", "If-Match", "X-Taizhang-User"} <= headers
    assert {"201", "200", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    money = spec["components"]["schemas"]["SubsidyPaymentIn"]["properties"]["amount"]
    assert money["type"] == "string"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert client.get("/api/v1/health").json()["status"] == "ok"
