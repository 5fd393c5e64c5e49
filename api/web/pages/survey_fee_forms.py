"""Satisfaction surveys (满意度调查) and a month's fee collection (物业费收缴) from the
browser, for streets and residents' committees: the commands of
``POST /api/v1/communities/{code}/surveys`` and ``…/fees``, with the same checks.
Validation, errors and double submissions: ``_record_forms``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from domain.community import Community

from api.auth import authorize
from api.clock import ledger_today
from api.deps import CatalogueDep, LedgerDep
from api.schemas.communities import FeesIn, SurveyIn
from api.web.pages._record_forms import (
    Field, RecordForm, Target, blank, community_households, form_community, show, submit,
)
from api.web.templating import PageReader

router = APIRouter()


def _community_command(name: str) -> Any:
    def target(cmd: Any, body: Any, community: str, _: dict) -> Target:
        return Target(lambda **kw: cmd.ledger.community_command(name, community, **kw), Community.KIND,
                      community, community)
    return target


SURVEY = RecordForm(
    name="survey", path="/surveys/new", command="record_survey", title="rf.survey_title",
    schema=SurveyIn, community=form_community, target=_community_command("record_survey"),
    fields=(
        Field("community", "insp.community", "community", schema="-"),
        Field("period", "rf.period", hint="rf.period_hint"),
        Field("households", "rf.households", "count", hint="rf.households_hint"),
        Field("valid_responses", "rf.valid_responses", "count"),
        Field("satisfied", "rf.satisfied", "count"),
        Field("occurred_on", "rf.surveyed_on", "date", hint="rf.date_hint"),
        Field("document", "insp.document", schema="source.document"),
    ),
)

FEES = RecordForm(
    name="fees", path="/fees/new", command="record_fees", title="rf.fees_title",
    schema=FeesIn, community=form_community, target=_community_command("record_fees"),
    fields=(
        Field("community", "insp.community", "community", schema="-"),
        Field("month", "rf.fee_month"),
        Field("households_billed", "rf.households_billed", "count"),
        Field("households_paid", "rf.households_paid", "count"),
        Field("amount_billed", "rf.amount_billed", "money", hint="rf.money_hint"),
        Field("amount_collected", "rf.amount_collected", "money", hint="rf.money_hint"),
        Field("occurred_on", "rf.collected_on", "date", hint="rf.date_hint"),
        Field("document", "insp.document", schema="source.document"),
    ),
)


@router.get("/surveys/new")
def survey_form(request: Request, user: PageReader, catalogue: CatalogueDep) -> Any:
    authorize(user, SURVEY.command)
    values = blank(SURVEY, request, period=str(ledger_today().year))
    # A survey usually asks every household: the registered count is the likely answer.
    values["households"] = community_households(catalogue, values["community"])
    return show(request, user, catalogue, SURVEY, values)


@router.post("/surveys/new")
async def record_survey(request: Request, user: PageReader, ledger: LedgerDep, catalogue: CatalogueDep) -> Any:
    return await submit(request, user, ledger, catalogue, SURVEY)


@router.get("/fees/new")
def fees_form(request: Request, user: PageReader, catalogue: CatalogueDep) -> Any:
    authorize(user, FEES.command)
    return show(request, user, catalogue, FEES, blank(FEES, request, month=ledger_today().strftime("%Y-%m")))


@router.post("/fees/new")
async def record_fees(request: Request, user: PageReader, ledger: LedgerDep, catalogue: CatalogueDep) -> Any:
    return await submit(request, user, ledger, catalogue, FEES)
