"""Explain a provider: its stars cycle by cycle, its credit item by item, its blacklist
entries and the entry decisions that relied on them — every number with the events
(aggregate id, version, ledger position) and the pack version behind it.

Reads the ``ratings``, ``credit`` and (when present) ``registry`` read models.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from projections.blacklist import blacklist_history
from projections.service import LEDGER_TZ
from projections.credit import credit_on, credit_timeline

DEPARTMENTS_ZH = {"housing_bureau": "区住房建设委", "civil_affairs": "区民政局", "fire_rescue": "消防救援支队",
                  "urban_management": "城市管理", "market_supervision": "市场监管", "street_party": "街道/社区党组织"}
METHODS_ZH = {"thresholds": "固定分数线", "quota": "按排名定额", "kmeans": "精确一维k均值聚类"}
ITEMS_ZH = {"inspection_failed": "月度巡查不合格", "complaint_substantiated": "投诉属实",
            "assessment_failed": "季度考核不达标", "sanction_interview": "约谈教育", "sanction_fine": "罚款",
            "sanction_removal": "建议清出市场", "safety_accident": "安全事故", "handover_overdue": "退出逾期未交接",
            "commendation": "表彰奖励", "stars": "星级评定结果"}
REASONS_ZH = {"grade": "信用等级D", "veto": "一票否决", "dishonesty": "失信认定"}


def _has(conn: Connection, table: str) -> bool:
    return inspect(conn).has_table(table)


def provider_name(conn: Connection, uscc: str) -> str | None:
    if not _has(conn, "registry_providers"):
        return None
    return conn.execute(text("SELECT name FROM registry_providers WHERE uscc = :u"), {"u": uscc}).scalar()


def rating_explanations(conn: Connection, uscc: str, cycle: str | None = None) -> list[dict]:
    """One entry per cycle in which the provider has a result (or only ``cycle``)."""
    if not _has(conn, "rating_results"):
        return []
    sql = ("SELECT r.cycle_code, r.composite, r.stars, r.departments, r.objections, c.method, c.scheme, "
           "c.cut_points, c.status, c.computed_position, c.current_digest, c.previous_cycle "
           "FROM rating_results r JOIN rating_cycles c ON c.code = r.cycle_code WHERE r.uscc = :u")
    params: dict[str, Any] = {"u": uscc}
    if cycle is not None:
        sql += " AND r.cycle_code = :c"
        params["c"] = cycle
    out = []
    for row in conn.execute(text(sql + " ORDER BY r.cycle_code"), params).mappings():
        scheme = json.loads(row["scheme"])
        pubs = conn.execute(text("SELECT number, digest, verified, published_on, event_position, computed_from "
                                 "FROM rating_publications WHERE cycle_code = :c ORDER BY number"),
                            {"c": row["cycle_code"]}).mappings().all()
        out.append({
            "cycle": row["cycle_code"], "status": row["status"], "method": row["method"],
            "parameters": scheme.get("parameters"), "standardisation": scheme.get("standardisation"),
            "min_departments": scheme.get("min_departments"), "guardrail": scheme.get("guardrail"),
            "pack": scheme.get("pack"), "weights": scheme.get("weights"),
            "cut_points": json.loads(row["cut_points"]) if row["cut_points"] else None,
            "previous_cycle": row["previous_cycle"], "computed_from": row["computed_position"],
            "digest": row["current_digest"], "composite": row["composite"], "stars": row["stars"],
            "departments": json.loads(row["departments"]), "objections": json.loads(row["objections"]),
            "publications": [dict(p) for p in pubs],
        })
    return out


def entry_decisions(conn: Connection, uscc: str) -> list[dict]:
    if not _has(conn, "registry_engagements"):
        return []
    sql = ("SELECT code, community_code, decided_on, approved, blacklisted, blacklist_position, override_reason "
           "FROM registry_engagements WHERE provider_uscc = :u AND decided_on IS NOT NULL ORDER BY decided_on, code")
    return [dict(r) for r in conn.execute(text(sql), {"u": uscc}).mappings()]


def explain_provider(conn: Connection, uscc: str, cycle: str | None = None, on: str | None = None) -> dict:
    """Everything behind a provider's stars, credit and blacklist status (``on``: YYYY-MM-DD for credit)."""
    timeline = credit_timeline(conn, uscc) if _has(conn, "credit_timeline") else []
    day = on or datetime.now(LEDGER_TZ).date().isoformat()
    return {
        "uscc": uscc, "name": provider_name(conn, uscc),
        "ratings": rating_explanations(conn, uscc, cycle),
        "credit": credit_on(conn, uscc, day) if _has(conn, "credit_items") else None,
        "credit_timeline": timeline,
        "blacklist": blacklist_history(conn, uscc) if _has(conn, "credit_blacklist") else [],
        "entry_decisions": entry_decisions(conn, uscc),
    }
