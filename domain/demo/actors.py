"""Who records what in the demo district: the bureaus, each street's officers,
its communities' party organisations and residents' committees, and the six
assessing departments of the star rating."""

from __future__ import annotations

from functools import lru_cache

from domain.demo.names import Street
from domain.values import Actor, Role

HOUSING_BUREAU = Actor("jn.zhujianwei.liumin", Role.HOUSING_BUREAU.value, "JN-ZJW")  # 区住房建设委
CIVIL_AFFAIRS = Actor("jn.minzhengju.sunli", Role.CIVIL_AFFAIRS.value, "JN-MZJ")  # 区民政局
FINANCE = Actor("jn.caizhengju.zhaoqiang", Role.FINANCE.value, "JN-CZJ")  # 区财政局
TOWN_FINANCE = Actor("jn.zhen.caizhengsuo", Role.FINANCE.value, "JN-ZCZS")  # 镇财政所
THIRD_PARTY = Actor("jn.disanfang.pinggu", Role.CIVIL_AFFAIRS.value, "JN-MZJ")  # evaluator hired by civil affairs


@lru_cache(maxsize=None)
def street_officer(street: Street) -> Actor:
    return Actor(f"{street.code.lower()}.wuye.xuncha", Role.STREET.value, street.org)


@lru_cache(maxsize=None)
def party_committee(street: Street) -> Actor:
    return Actor(f"{street.code.lower()}.shequ.dangwei", Role.PARTY_COMMITTEE.value, f"{street.org}-DW")


@lru_cache(maxsize=None)
def residents_committee(street: Street) -> Actor:
    return Actor(f"{street.code.lower()}.juweihui", Role.RESIDENTS_COMMITTEE.value, f"{street.org}-JWH")


@lru_cache(maxsize=None)
def department_scorer(department: str) -> Actor:
    return Actor(f"jn.{department}.pingxing", Role.DEPARTMENT.value, department)
