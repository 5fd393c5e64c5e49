"""Rich tables (Chinese labels) for star ratings, the blacklist and a provider's explanation."""

from __future__ import annotations

import re
from collections import Counter

from rich.table import Table
from sqlalchemy import text
from sqlalchemy.engine import Connection

from projections.blacklist import blacklist_on
from projections.explain import DEPARTMENTS_ZH, ITEMS_ZH, METHODS_ZH, REASONS_ZH, provider_name

STARS_ZH = {0: "未评定", 1: "★", 2: "★★", 3: "★★★", 4: "★★★★", 5: "★★★★★"}
DETAIL_ZH = {"handover_overdue": "退出逾期未交接", "safety_accident": "亡人安全事故"}


def detail(entry: dict) -> str:
    """A blacklist entry's detail in Chinese ("score 58, grade D" → "信用分 58，D级")."""
    found = re.fullmatch(r"score (\S+), grade (\S+)", entry["detail"])
    if found:
        return f"信用分 {found[1]}，{found[2]}级"
    return DETAIL_ZH.get(entry["detail"], entry["detail"])


def ref(e: dict) -> str:
    """An event as people can quote it: aggregate id prefix, version, ledger position."""
    return f"{e['id'][:8]} v{e['version']} #{e['position']}"


def refs(events: list[dict], limit: int = 3) -> str:
    shown = ", ".join(ref(e) for e in events[:limit])
    return shown + (f" …(+{len(events) - limit})" if len(events) > limit else "")


def _num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def cuts(points: list | None) -> str:
    if not points:
        return "—"
    return " / ".join(f"{n + 2}★≥{_num(c)}" if c is not None else f"{n + 2}★ 无" for n, c in enumerate(points))


def cycles_table(conn: Connection) -> Table:
    table = Table(title="星级评定周期 (rating cycles)")
    for col in ("周期", "评定期间", "方法", "状态", "参评", "已评星", "发布次数", "当前摘要"):
        table.add_column(col)
    rows = conn.execute(text("SELECT code, period_start, period_end, method, status, current_digest FROM rating_cycles "
                             "ORDER BY code")).all()
    for code, start, end, method, status, digest in rows:
        n, rated = conn.execute(text("SELECT COUNT(*), SUM(CASE WHEN stars > 0 THEN 1 ELSE 0 END) FROM rating_results "
                                     "WHERE cycle_code = :c"), {"c": code}).one()
        pubs = conn.execute(text("SELECT COUNT(*) FROM rating_publications WHERE cycle_code = :c"), {"c": code}).scalar()
        table.add_row(code, f"{start or '—'} 至 {end or '—'}", METHODS_ZH.get(method, method), status, str(n),
                      str(rated or 0), str(pubs), (digest or "—")[:16])
    return table


def stars_table(conn: Connection, cycle: str) -> Table:
    stars = [s for (s,) in conn.execute(text("SELECT stars FROM rating_results WHERE cycle_code = :c"), {"c": cycle})]
    counts = Counter(stars)
    row = conn.execute(text("SELECT cut_points, method, current_digest FROM rating_cycles WHERE code = :c"),
                       {"c": cycle}).one_or_none()
    table = Table(title=f"{cycle} 星级分布")
    table.add_column("星级")
    table.add_column("企业数", justify="right")
    table.add_column("占比", justify="right")
    for level in (5, 4, 3, 2, 1, 0):
        table.add_row(STARS_ZH[level], str(counts.get(level, 0)),
                      f"{100 * counts.get(level, 0) / len(stars):.1f}%" if stars else "—")
    table.add_section()
    table.add_row("合计", str(len(stars)), "")
    if row:
        table.caption = (f"分数线：{cuts(_json(row[0]))}；方法：{METHODS_ZH.get(row[1], row[1])}；"
                         f"结果摘要 SHA-256 {row[2]}")
    return table


def objections_table(conn: Connection, cycle: str) -> Table:
    table = Table(title=f"{cycle} 复核申请")
    for col in ("编号", "统一社会信用代码", "理由", "提出日期", "截止日期", "状态"):
        table.add_column(col)
    status_zh = {"pending": "待决定", "upheld": "成立", "rejected": "驳回"}
    for row in conn.execute(text("SELECT objection_version, uscc, reason, filed_on, deadline, status FROM "
                                 "rating_objections WHERE cycle_code = :c ORDER BY objection_version"), {"c": cycle}):
        table.add_row(str(row[0]), row[1], row[2], row[3], row[4], status_zh.get(row[5], row[5]))
    return table


def _json(value: str | None):
    import json

    return json.loads(value) if value else None


def blacklist_table(conn: Connection, day: str) -> Table:
    table = Table(title=f"黑名单（{day}）")
    for col in ("统一社会信用代码", "企业名称", "列入原因", "起始", "截止(不含)", "说明", "依据事件"):
        table.add_column(col)
    for e in blacklist_on(conn, day):
        table.add_row(e["uscc"], provider_name(conn, e["uscc"]) or "—", REASONS_ZH.get(e["reason"], e["reason"]),
                      e["since"], e["until"] or "长期", detail(e), refs(e["events"], limit=1))
    if not table.row_count:
        table.add_row("—", "（无）", "", "", "", "", "")
    return table


def explanation_tables(x: dict) -> list[Table]:
    """The tables of ``projections.explain.explain_provider``'s answer."""
    out = []
    for r in x["ratings"]:
        t = Table(title=f"{x['name'] or x['uscc']}（{x['uscc']}）· {r['cycle']} 星级评定依据")
        for col in ("部门", "得分", "标准化", "实际权重", "依据事件"):
            t.add_column(col, justify="right" if col in ("得分", "标准化", "实际权重") else "left")
        order = list(DEPARTMENTS_ZH)
        for dept, d in sorted(r["departments"].items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])):
            sources = [e for s in d["sources"] for e in s.get("events", [])]
            areas = [f"{s['community']} {s['served_area']:,.0f}m²" for s in d["sources"] if s.get("kind") == "community"]
            t.add_row(DEPARTMENTS_ZH.get(dept, dept), _num(d["score"]), _num(d["standardised"]), _num(d["weight"], 4),
                      refs(sources) + (f"（按服务面积加权：{'；'.join(areas[:3])}）" if areas else ""))
        pack = r["pack"] or {}
        t.caption = (f"综合得分 {_num(r['composite'])}，{STARS_ZH[r['stars']]}；方法：{METHODS_ZH.get(r['method'], r['method'])}；"
                     f"分数线：{cuts(r['cut_points'])}；最少部门数 {r['min_departments']}"
                     + (f"；护栏 ±{r['guardrail']:g}（对照 {r['previous_cycle']}）" if r["guardrail"] is not None and r["previous_cycle"] else "")
                     + f"；方案包 {pack.get('id', '—')} {pack.get('version', '')}；计算自台账位置 #{r['computed_from']}"
                     + (f"；复核改变本行：{refs(r['objections'])}" if r["objections"] else "")
                     + "；发布：" + "，".join(f"第{p['number']}次 {p['published_on']} {p['digest'][:12]}"
                                             f"{'✔' if p['verified'] else '✘'}" for p in r["publications"]))
        out.append(t)
    if x["credit"]:
        c = x["credit"]
        t = Table(title=f"信用分 {c['on']}：{_num(c['score'], 1)} 分，{c['grade']} 级" + ("（一票否决）" if c["vetoed"] else ""))
        for col in ("事项", "分值", "发生日期", "失效日期", "规则", "依据事件"):
            t.add_column(col, justify="right" if col == "分值" else "left")
        for i in c["items"]:
            t.add_row(ITEMS_ZH.get(i["kind"], i["kind"]), f"{i['points']:+g}", i["occurred_on"],
                      i["veto_until"] if i["veto_until"] and i["veto_until"] > i["expires_on"] else i["expires_on"],
                      i["rules"] + (f"（每季度上限 {i['capped']:g}）" if i["capped"] else ""), refs(i["events"]))
        out.append(t)
    if x["blacklist"] or x["entry_decisions"]:
        t = Table(title="黑名单记录与进驻决定")
        for col in ("类别", "内容", "起始/日期", "截止", "依据"):
            t.add_column(col)
        for e in x["blacklist"]:
            t.add_row("黑名单", REASONS_ZH.get(e["reason"], e["reason"]) + "：" + detail(e),
                      e["since"], e["until"] or "长期", refs(e["events"]))
        for d in x["entry_decisions"]:
            verdict = "同意" if d["approved"] else "不同意"
            seen = "在黑名单" if d["blacklisted"] else "不在黑名单"
            t.add_row("进驻决定", f"{d['code']} → {d['community_code']}：{verdict}（决定时{seen}）"
                      + (f"；例外理由：{d['override_reason']}" if d["override_reason"] else ""),
                      d["decided_on"] or "—", "", f"黑名单查询位置 #{d['blacklist_position']}")
        out.append(t)
    return out
