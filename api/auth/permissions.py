"""Which role may run which Ledger command (DESIGN.md "Roles").

Keys are the Ledger's command names (the name recorded with an idempotency
key). Street-level roles are scoped: their ``org`` is a street name (or, for a
residents' committee, also a community code) and they may act only on
communities of that street.
"""

from __future__ import annotations

from domain.values import Role

from api.auth.users import User
from api.errors import Forbidden, Unauthenticated

HB = Role.HOUSING_BUREAU.value
CA = Role.CIVIL_AFFAIRS.value
FIN = Role.FINANCE.value
DEPT = Role.DEPARTMENT.value
ST = Role.STREET.value
PC = Role.PARTY_COMMITTEE.value
RC = Role.RESIDENTS_COMMITTEE.value
AUD = Role.AUDITOR.value
PUB = Role.PUBLIC.value


def _roles(*roles: str) -> frozenset[str]:
    return frozenset(roles)


PERMISSIONS: dict[str, frozenset[str]] = {
    # housing bureau: providers, sanctions, dishonesty, credit repair, cycles, policy
    "register_provider": _roles(HB),
    "amend_profile": _roles(HB),
    "commend": _roles(HB),
    "sanction": _roles(HB),
    "declare_dishonest": _roles(HB),
    "lift_dishonesty": _roles(HB),
    "request_credit_repair": _roles(HB),  # filed by the provider, recorded by the bureau
    "decide_credit_repair": _roles(HB),
    "adopt_scheme": _roles(HB),
    "open": _roles(HB),
    "correct_score": _roles(HB),
    "close": _roles(HB),
    "compute_result": _roles(HB),
    "publish": _roles(HB),
    "file_objection": _roles(HB),  # filed by the provider, recorded by the bureau
    "decide_objection": _roles(HB),
    "republish": _roles(HB),
    "adopt_policy": _roles(HB),
    # department assessors score in a cycle (each for its own department, see score_department)
    "submit_score": _roles(DEPT, HB, CA, PC, ST),
    # communities: registry
    "register_community": _roles(HB, ST),
    "renovate": _roles(HB, ST),
    "change_mode": _roles(HB, ST),
    "form_committee": _roles(ST, RC),
    # communities: what streets and residents' committees record
    "record_inspection": _roles(ST, RC),
    "record_survey": _roles(ST, RC),
    "record_evaluation": _roles(ST, RC, PC, HB),
    "record_fees": _roles(ST, RC),
    "correct_record": _roles(ST, RC, HB, CA),
    "withdraw_record": _roles(ST, RC, HB, CA),
    # the quarterly joint assessment (housing + urban management + civil affairs)
    "record_assessment": _roles(HB, CA),
    "record_maintenance_fund": _roles(HB, ST),
    # money: civil affairs and finance
    "pay_subsidy": _roles(FIN, CA),
    "apply_fee_relief": _roles(ST, CA),
    "decide_fee_relief": _roles(CA, FIN),
    # publications with the signed checkpoint they were computed from (star ratings: "publish" above)
    "publish_blacklist": _roles(HB),
    "publish_subsidy_list": _roles(CA, FIN),
    # engagements: the party committee decides entry and exit; the street runs the rest
    "request_entry": _roles(ST, HB),
    "decide_entry": _roles(PC),
    "sign_agreement": _roles(ST, HB),
    "give_exit_notice": _roles(ST, HB),
    "decide_exit": _roles(PC),
    "record_handover_item": _roles(ST, RC),
    "end_engagement": _roles(ST),
    "mark_overdue": _roles(ST, HB),
    # complaints
    "file_complaint": _roles(ST, RC, HB),
    "resolve_complaint": _roles(ST, RC, HB),
}

SCOPED_ROLES = frozenset({ST, PC, RC})
# Read-only access to every aggregate and internal page: everyone but the public.
READER_ROLES = frozenset(r.value for r in Role) - {PUB, Role.SYSTEM.value}

# Which cycle department a role scores for (the department role names it in org).
_ROLE_DEPARTMENT = {HB: "housing_bureau", CA: "civil_affairs", PC: "street_party", ST: "street_party"}


def require_authenticated(user: User) -> None:
    if not user.authenticated:
        raise Unauthenticated("Authorization", "required", "log in or send a bearer token")


def allowed(user: User, command: str) -> bool:
    return user.role in PERMISSIONS.get(command, frozenset())


def authorize(user: User, command: str) -> None:
    """401 for the anonymous, 403 for a role the command is not open to."""
    if command not in PERMISSIONS:
        raise AssertionError(f"no permission entry for command {command!r}")
    require_authenticated(user)
    if not allowed(user, command):
        roles = ", ".join(sorted(PERMISSIONS[command]))
        raise Forbidden("role", "role_permission", f"role {user.role} may not {command}; allowed: {roles}")


def require_reader(user: User) -> None:
    require_authenticated(user)
    if user.role not in READER_ROLES:
        raise Forbidden("role", "reader", f"role {user.role} sees published results only")


def in_scope(user: User, street: str, community_code: str) -> bool:
    if user.role not in SCOPED_ROLES:
        return True
    return bool(user.org) and user.org in (street, community_code)


def require_scope(user: User, street: str, community_code: str) -> None:
    if not in_scope(user, street, community_code):
        raise Forbidden("community_code", "own_street",
                        f"{user.role} of {user.org or '(no organisation)'} may not act on community "
                        f"{community_code} of street {street}")


def score_department(user: User, department: str) -> None:
    """A department submits its own scores only."""
    own = user.org if user.role == DEPT else _ROLE_DEPARTMENT.get(user.role)
    if own != department:
        who = f"{user.role} {user.org}".strip()
        raise Forbidden("department", "own_department", f"{who} may not submit scores for department {department}")


def evaluator_role(user: User, evaluator: str) -> None:
    """A residents' or party committee's evaluation is recorded by that committee itself."""
    if evaluator in (RC, PC) and user.role != evaluator:
        raise Forbidden("evaluator", "own_evaluation", f"only the {evaluator} records its own evaluation")
