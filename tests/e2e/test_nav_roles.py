"""The top navigation shows each role only the pages it may open: a link never leads to a 403
(the housing bureau sees no 补贴, the street no 星级评定); the public sees the public links,
which lead to the published pages. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.e2e.helpers import HB, as_role, closing_client

ROLES = ("housing_bureau", "civil_affairs", "finance", "department", "street", "party_committee",
         "residents_committee", "auditor")


@pytest.fixture
def web(database_url: str) -> Iterator[TestClient]:
    with closing_client(database_url) as client:
        yield client


def nav_links(html: str) -> list[str]:
    nav = html.split("<nav", 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', nav)


def test_every_nav_link_a_role_sees_opens_for_that_role(web) -> None:
    for role in ROLES:
        headers = as_role(role, "双港镇", f"{role}-1")
        links = nav_links(web.get("/", headers=headers).text)
        assert links[0] == "/" and len(links) > 1, role
        for href in links:
            status = web.get(href, headers=headers, follow_redirects=False).status_code
            assert status in (200, 303), (role, href, status)


def test_the_housing_bureau_sees_no_subsidy_link_and_civil_affairs_no_ratings_or_audit(web) -> None:
    assert "/subsidies" not in nav_links(web.get("/", headers=HB).text)
    assert "/audit" in nav_links(web.get("/", headers=HB).text)
    civil = nav_links(web.get("/", headers=as_role("civil_affairs", "区民政局", "ca-1")).text)
    assert "/subsidies" in civil and "/ratings" not in civil and "/audit" not in civil


def test_the_public_sees_only_the_links_to_published_pages(web) -> None:
    for headers in ({}, as_role("public", "", "p-1")):
        links = nav_links(web.get("/", headers=headers).text)
        assert links == ["/", "/ratings", "/blacklist"]
