"""A rating cycle's result as a pure function of the ledger up to a position.

Steps (all arithmetic in :mod:`scoring`):

1. inputs: each department's score per provider, with its latest correction; a
   score given to a community counts for every provider whose engagement served
   the community during the cycle's period, and a provider's department score is
   the mean of its communities' scores weighted by served floor area. A score
   given to the provider itself takes precedence over community scores of the
   same department;
2. standardisation per department (the scheme's method, optional Winsorisation);
3. composite with weights re-normalised over the departments present, and
   "not rated" below the scheme's minimum number of departments;
4. composites rounded to 6 decimals (so a last-bit difference between BLAS
   builds can never move a star), then stars by the scheme's method, then the
   guardrail against the cut points of the previous published cycle (the
   latest-ending cycle published at that position whose period ends before this
   one starts; same number of levels).

An upheld objection changes only the objector's row: its corrected department
score re-enters step 1, and its stars come from the *published* cut points (or
are set directly by the decision); nobody else moves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from domain.rating_result import result_digest
from projections.ratings_state import CycleState, RatingsState
from scoring import (
    apply_guardrail, area_weighted_scores, composite_scores, effective_weights, standardise,
    stars_by_kmeans, stars_by_quota, stars_by_thresholds, stars_from_cut_points,
)


def _cuts_out(cuts) -> list:
    return [None if math.isinf(float(c)) else float(c) for c in cuts]


def _cuts_in(cuts) -> np.ndarray:
    return np.array([math.inf if c is None else float(c) for c in cuts], dtype=np.float64)


@dataclass
class Evaluation:
    """Everything behind one result: the explanation reads from here."""

    code: str
    method: str
    upto: int
    cycle_version: int
    departments: list[str]
    providers: list[str]
    inputs: dict  # (uscc, department) -> {"score", "sources": [...]}
    raw: np.ndarray  # providers x departments, NaN = no score
    standardised: np.ndarray
    weights: np.ndarray  # effective weights per provider
    composites: np.ndarray  # rounded, NaN = not rated
    stars: np.ndarray
    cut_points: list
    previous_cycle: str | None
    previous_cut_points: list | None

    @property
    def results(self) -> dict:
        return {u: [None if math.isnan(c) else float(c), int(s)]
                for u, c, s in zip(self.providers, self.composites.tolist(), self.stars.tolist())}

    @property
    def digest(self) -> str:
        return result_digest(self.code, self.method, self.cut_points, self.results)

    def record_kwargs(self) -> dict:
        """What ``RatingCycle.record_result`` takes (the Ledger adds ``position`` and ``stamp``)."""
        return {"results": self.results, "cut_points": self.cut_points, "method": self.method,
                "digest": self.digest, "cycle_version": self.cycle_version,
                "previous_cycle": self.previous_cycle, "previous_cut_points": self.previous_cut_points}

    def row(self, uscc: str) -> dict:
        """One provider's explanation: inputs per department, weights used, composite, stars."""
        i = self.providers.index(uscc)
        departments = {}
        for j, d in enumerate(self.departments):
            found = self.inputs.get((uscc, d))
            departments[d] = {
                "score": None if found is None else found["score"],
                "standardised": None if math.isnan(self.standardised[i, j]) else float(self.standardised[i, j]),
                "weight": float(self.weights[i, j]),
                "sources": [] if found is None else found["sources"],
            }
        composite = float(self.composites[i])
        return {"uscc": uscc, "departments": departments,
                "composite": None if math.isnan(composite) else composite, "stars": int(self.stars[i])}


def _inputs(state: RatingsState, cycle: CycleState, upto: int) -> tuple[dict, dict]:
    scores = {v: {**s, "refs": [s["ref"]]} for v, s in cycle.scores.items() if s["ref"]["position"] <= upto}
    for corr in cycle.corrections:
        if corr["ref"]["position"] <= upto and corr["corrects_version"] in scores:
            target = scores[corr["corrects_version"]]
            target["score"] = corr["score"]
            target["refs"] = [*target["refs"], corr["ref"]]
    direct: dict = {}
    by_community: dict = {}
    for v in sorted(scores):
        s = scores[v]
        if s["subject_kind"] == "provider":
            direct[(s["subject"], s["department"])] = {"kind": "provider", "score": s["score"], "events": s["refs"]}
            continue
        for e in state.serving(s["subject"], cycle.period, upto):
            by_community.setdefault((e["provider"], s["department"]), []).append({
                "kind": "community", "community": s["subject"], "engagement": e["code"],
                "served_area": e["served_area"], "score": s["score"], "events": [*s["refs"], e["ref"]]})
    return direct, by_community


def _matrix(providers, departments, direct, by_community) -> tuple[np.ndarray, dict]:
    n, d = len(providers), len(departments)
    row = {u: i for i, u in enumerate(providers)}
    col = {x: j for j, x in enumerate(departments)}
    flat_scores, flat_areas, flat_index = [], [], []
    for (u, dep), entries in by_community.items():
        for e in entries:
            flat_scores.append(e["score"])
            flat_areas.append(e["served_area"])
            flat_index.append(row[u] * d + col[dep])
    raw = area_weighted_scores(np.array(flat_scores, dtype=np.float64), np.array(flat_areas, dtype=np.float64),
                               np.array(flat_index, dtype=np.int64), n * d).reshape(n, d)
    inputs = {}
    for (u, dep), entries in by_community.items():
        inputs[(u, dep)] = {"score": float(raw[row[u], col[dep]]), "sources": entries}
    for (u, dep), entry in direct.items():
        raw[row[u], col[dep]] = entry["score"]
        inputs[(u, dep)] = {"score": entry["score"], "sources": [entry]}
    return raw, inputs


def _stars(method: str, params: dict, composites: np.ndarray):
    if method == "thresholds":
        return stars_by_thresholds(composites, params["thresholds"])
    if method == "quota":
        return stars_by_quota(composites, params["shares"])
    return stars_by_kmeans(composites, params.get("levels", 5))


def previous_cycle(state: RatingsState, cycle: CycleState, upto: int) -> CycleState | None:
    candidates = [c for c in state.cycles.values()
                  if c is not cycle and c.period and c.publications and c.publications[0]["position"] <= upto
                  and c.period[1] < cycle.period[0] and c.levels == cycle.levels]
    return max(candidates, key=lambda c: (c.period[1], c.code)) if candidates else None


def evaluate(state: RatingsState, code: str, upto: int, corrections: dict | None = None,
             cut_points: list | None = None) -> Evaluation:
    """The cycle's result from the events at positions ≤ ``upto``.

    ``corrections`` ({uscc: {department: (score, source)}}) and fixed ``cut_points`` serve
    republication: the corrected matrix, stars from the published cut points."""
    cycle = state.cycle(code)
    scheme = cycle.scheme
    departments = list(scheme["departments"])
    direct, by_community = _inputs(state, cycle, upto)
    for u, fixes in (corrections or {}).items():
        for dep, (score, source) in fixes.items():
            direct[(u, dep)] = {"kind": "objection", "score": float(score), "events": [source]}
    providers = sorted({u for u, _ in direct} | {u for u, _ in by_community})
    raw, inputs = _matrix(providers, departments, direct, by_community)
    params = scheme["parameters"] or {}
    z = standardise(raw, scheme["standardisation"], winsor=params.get("winsor"))
    w = np.array([float(scheme["weights"][d]) for d in departments], dtype=np.float64)
    composites = np.round(composite_scores(z, w, scheme["min_departments"]), 6)
    weights = effective_weights(z, w, scheme["min_departments"])
    prev, prev_cuts = None, None
    if cut_points is not None:
        result = stars_from_cut_points(composites, _cuts_in(cut_points))
    else:
        result = _stars(scheme["method"], params, composites)
        before = previous_cycle(state, cycle, upto)
        if scheme.get("guardrail") is not None and before is not None:
            prev, prev_cuts = before.code, before.published_computation()["cut_points"]
            result = apply_guardrail(composites, result.cut_points, _cuts_in(prev_cuts), float(scheme["guardrail"]))
    return Evaluation(code, scheme["method"], upto, cycle.version_at(upto), departments, providers, inputs, raw,
                      z, weights, composites, result.stars, _cuts_out(result.cut_points), prev, prev_cuts)


def current_results(cycle: CycleState, upto: int | None = None) -> dict:
    """The published result rows as of ``upto``: the computation merged with every republication."""
    base = cycle.published_computation()
    rows = dict(base["results"]) if base else {}
    for pub in cycle.publications:
        if upto is None or pub["position"] <= upto:
            rows.update(pub["changed"])
    return rows


def upheld_pending(cycle: CycleState, upto: int) -> list[int]:
    applied = {v for p in cycle.publications if p["position"] <= upto for v in p["objections"]}
    return sorted(v for v, d in cycle.decisions.items()
                  if d["upheld"] and v not in applied and d["ref"]["position"] <= upto)


def objection_fixes(cycle: CycleState, uscc: str, upto: int) -> tuple[dict, dict | None]:
    """Department corrections of every upheld objection of ``uscc``, and the last decision if it set stars."""
    fixes, last = {}, None
    for v in sorted(cycle.decisions):
        d = cycle.decisions[v]
        if not d["upheld"] or cycle.objections[v]["uscc"] != uscc or d["ref"]["position"] > upto:
            continue
        last = d
        if d["department"] is not None:
            fixes[d["department"]] = (d["score"], d["ref"])
    return fixes, (last if last is not None and last["stars"] is not None else None)


def republication(state: RatingsState, code: str, upto: int) -> dict:
    """What ``RatingCycle.republish`` takes: the objectors' new rows and the new digest."""
    cycle = state.cycle(code)
    base = cycle.published_computation()
    objectors = sorted({cycle.objections[v]["uscc"] for v in upheld_pending(cycle, upto)})
    changed = {}
    for uscc in objectors:
        fixes, by_stars = objection_fixes(cycle, uscc, upto)
        ev = evaluate(state, code, base["upto"], {uscc: fixes}, base["cut_points"])
        composite, stars = ev.results[uscc]
        changed[uscc] = [composite, by_stars["stars"] if by_stars else stars]
    merged = {**current_results(cycle, upto), **changed}
    return {"changed": changed, "digest": result_digest(code, cycle.scheme["method"], base["cut_points"], merged)}
