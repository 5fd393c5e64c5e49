"""The star-rating cycle of the last year: scheme adopted in November, opened on
1 December, six departments score every community a provider serves (a few
scores missing, one corrected), closed on 31 December. Computing and
publishing the stars belong to the ratings issue.

Scores are submitted right after each community's history is written, while
the community is still in the ledger's batch: fetching thousands of communities
back from the store only to check that they exist would dominate the run."""

from __future__ import annotations

import random
from datetime import date, timedelta

from domain.base import Stamp
from domain.demo import actors
from domain.demo.plan import DistrictPlan
from domain.values import Source
from domain.vocab import DEPARTMENTS

WEIGHTS = {"housing_bureau": 0.25, "civil_affairs": 0.15, "fire_rescue": 0.10, "urban_management": 0.15,
           "market_supervision": 0.10, "street_party": 0.25}
THRESHOLDS = [90, 80, 70, 60]
# Some departments do not reach every community (their weight is shared out; POLICIES.md).
_MISSING = {"fire_rescue": 0.08, "market_supervision": 0.08}


def cycle_code(last_year: int) -> str:
    return f"JN-XJPD-{last_year}"


class CycleWriter:
    def __init__(self, ledger, plan: DistrictPlan) -> None:
        self.ledger, self.plan = ledger, plan
        self.rng = random.Random(f"taizhang-demo:{plan.seed}:cycle")
        self.year = plan.last_year
        self.code = cycle_code(self.year)
        self.opened = date(self.year, 12, 1)
        self.key = f"demo-{plan.seed}-{self.code}"
        self.first_score: int | None = None
        self.scores = 0

    def open(self) -> None:
        bureau, year = actors.HOUSING_BUREAU, self.year
        adopted = date(year, 11, self.rng.randint(18, 25))
        self.ledger.adopt_scheme(
            code=self.code, departments=list(DEPARTMENTS), weights=WEIGHTS, method="thresholds",
            parameters={"thresholds": THRESHOLDS}, min_departments=4, standardisation="raw",
            stamp=Stamp(adopted, bureau, Source(document=f"津南区{year}年度物业服务星级评定工作方案")),
            idempotency_key=f"{self.key}-scheme")
        self.ledger.cycle_command("open", self.code, period_start=date(year, 1, 1), period_end=date(year, 12, 31),
                                  stamp=Stamp(self.opened, bureau), idempotency_key=f"{self.key}-open")

    def score(self, index: int, community: str, quality: float) -> None:
        """The six departments' scores of one community (in community order: 2-24 December)."""
        day = self.opened + timedelta(days=1 + index * 23 // len(self.plan.communities))
        for department in DEPARTMENTS:
            if self.rng.random() < _MISSING.get(department, 0.01):
                continue
            score = round(min(100.0, max(40.0, self.rng.gauss(100 * quality, 4))) * 2) / 2
            result = self.ledger.submit_score(self.code, subject_kind="community", subject=community,
                                              department=department, score=score,
                                              stamp=Stamp(day, actors.department_scorer(department)))
            self.first_score = self.first_score or max(result.versions.values())
            self.scores += 1

    def close(self) -> None:
        bureau = actors.HOUSING_BUREAU
        if self.first_score is not None:
            day = date(self.year, 12, 28)
            self.ledger.cycle_command("correct_score", self.code, corrects_version=self.first_score, score=86.5,
                                      reason="录入错误，按评分表原件更正", stamp=Stamp(day, bureau, Source(document="评分表原件")))
        self.ledger.cycle_command("close", self.code, stamp=Stamp(date(self.year, 12, 31), bureau),
                                  idempotency_key=f"{self.key}-close")
