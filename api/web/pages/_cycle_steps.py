"""The cycle page's wizard (评定向导): where the cycle stands, as a list of steps, and the
forms that move it on, for the roles that may run them. Taken from the ledger's aggregate,
not the read models, so the next step is never one a lagging projection suggests."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from domain.errors import NotFoundError
from domain.rating_cycle import RatingCycle
from domain.rating_result import appeal_deadline

from api.auth import allowed
from api.clock import ledger_today
from api.commands import load
from api.web.pages.cycle_forms import (
    CLOSE, COMPUTE, DECIDE, OBJECTION, OPEN, PUBLISH, REPUBLISH, SAVED, form_context, objection_names, pending_objections,
    step_values,
)

STEPS = ("scheme", "open", "scores", "close", "compute", "publish", "appeals")
# A cycle's status → the step it is at. Open for scores: the scores are the step, closing ends it.
AT = {"scheme": "open", "open": "scores", "closed": "compute", "computed": "publish", "published": "appeals"}
MOVES = {"scheme": (OPEN,), "open": (CLOSE,), "closed": (COMPUTE,), "computed": (PUBLISH,),
         "published": (OBJECTION,)}


def _deadline(cycle: RatingCycle) -> Any:
    """The last day objections are received (after it the form would only be refused)."""
    return appeal_deadline(cycle.publications[-1][2], cycle.appeal) if cycle.status == "published" else None


def _moves(cycle: RatingCycle, appeals_over: bool) -> tuple:
    moves = MOVES.get(cycle.status, ())
    if cycle.status == "published":
        moves = () if appeals_over else moves
        moves += (DECIDE,) if pending_objections(cycle) else ()
        moves += (REPUBLISH,) if cycle.unapplied_upheld() else ()
    return moves


def wizard(request: Request, user: Any, ledger: Any, read_models: Any, code: str) -> dict:
    """``steps`` (key, state), ``at`` (the current step; "" when all are done), ``step_forms`` (inline
    forms the user may submit), ``pending``, ``scores``, the objection ``deadline`` and ``moves_hidden``
    (a next step exists but this role may not take it)."""
    try:
        cycle = load(ledger, RatingCycle, code, "cycle_code")
    except NotFoundError:  # read models of another ledger (an as-of copy): nothing to move on
        return {"steps": []}
    deadline = _deadline(cycle)
    appeals_over = bool(deadline) and ledger_today() > deadline
    moves, names = _moves(cycle, appeals_over), objection_names(read_models, cycle)
    # Appeals are over once the window has closed and nothing is left to decide or publish again.
    at = len(STEPS) if deadline and not moves else STEPS.index(AT.get(cycle.status, "appeals"))
    steps = [{"key": k, "state": "done" if n < at else "current" if n == at else "todo"} for n, k in enumerate(STEPS)]
    mine = [f for f in moves if allowed(user, f.command)]
    forms = [{"form": f, "values": step_values(f, request, cycle), "prefix": f"{f.name}-",
              **form_context(f, code, cycle, names)} for f in mine]
    kind = request.query_params.get("kind", "")
    return {"steps": steps, "at": STEPS[at] if at < len(STEPS) else "", "step_forms": forms,
            "pending": pending_objections(cycle, names), "scores": len(cycle.scores), "deadline": deadline,
            "appeals_over": appeals_over,
            "moves_hidden": bool(moves) and not mine, "may_decide": allowed(user, DECIDE.command),
            "recorded": request.query_params.get("recorded") if kind in SAVED else None, "saved": SAVED.get(kind)}
