"""/api/v1/audit: the integrity log for the auditor and the housing bureau.

* ``GET /audit/status``: tree size, root, ledger position, events not yet in the
  log, the latest signed checkpoint.
* ``GET /audit/checkpoints``: every signed checkpoint (the C2SP note text).
* ``GET /audit/inclusion?position=N[&checkpoint=SIZE]``: an inclusion proof for the
  event at a ledger position against a signed checkpoint (checked before it is
  handed out).
* ``POST /audit/verify``: recompute the whole tree from the stored events and
  compare it with the stored nodes and every checkpoint (about 0.6 s for the
  55,000-event demo: run on request, never on a page load). It writes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from domain.errors import NotFoundError, ValidationError

from api.deps import CurrentUser
from api.routers._readmodels import AUDIT_READERS, ReadModels, ReadModelsDep, require_role

router = APIRouter(prefix="/audit", tags=["audit 审计（读）"])

# The placeholders are words of the page's language (the audit page fills them in).
EXPORT_COMMAND = "taizhang audit export {bundle} --prove 1 --prove 42"
VERIFY_BUNDLE_COMMAND = "taizhang audit verify-bundle {bundle} --key '<{key}>'"


def status(read_models: ReadModels) -> dict:
    return read_models.audit.status()


def checkpoints(read_models: ReadModels) -> list[dict]:
    """Every signed checkpoint, the latest first."""
    return [cp.as_dict() for cp in reversed(read_models.audit.notary.all())]


def inclusion(read_models: ReadModels, position: int, checkpoint: int | None = None) -> dict:
    """The proof as JSON, or a 404/422 naming ``position`` or ``checkpoint`` with the reason."""
    from projections.audit.checkpoint import CheckpointError
    from projections.audit.service import AuditError
    from projections.audit.verify import ProofError

    if position < 1:
        raise ValidationError("position", "minimum", "a ledger position is a whole number ≥ 1")
    try:
        return read_models.audit.prove_inclusion(position, checkpoint)
    except AuditError as error:
        raise NotFoundError("checkpoint", "checkpoint_exists", str(error)) from None
    except (ProofError, CheckpointError) as error:
        raise ValidationError("position", "provable", str(error)) from None


def verify(read_models: ReadModels) -> dict[str, Any]:
    return read_models.audit.verify().as_dict()


@router.get("/status", summary="Integrity log: size, root, unlogged events, latest checkpoint")
def get_status(user: CurrentUser, read_models: ReadModelsDep) -> dict:
    require_role(user, AUDIT_READERS, "the integrity log")
    return status(read_models)


@router.get("/checkpoints", summary="Signed checkpoints, latest first (签名检查点)")
def list_checkpoints(user: CurrentUser, read_models: ReadModelsDep) -> list[dict]:
    require_role(user, AUDIT_READERS, "the integrity log")
    return checkpoints(read_models)


@router.get("/inclusion", summary="Inclusion proof of the event at a ledger position (包含证明)")
def prove(user: CurrentUser, read_models: ReadModelsDep,
          position: Annotated[int, Query(description="ledger position of the event")],
          checkpoint: Annotated[int | None, Query(description="tree size of the checkpoint (default latest)")] = None,
          ) -> dict:
    require_role(user, AUDIT_READERS, "the integrity log")
    return inclusion(read_models, position, checkpoint)


@router.post("/verify", summary="Verify the whole log against stored nodes and checkpoints (reads only)")
def run_verify(user: CurrentUser, read_models: ReadModelsDep) -> dict:
    require_role(user, AUDIT_READERS, "the integrity log")
    return verify(read_models)
