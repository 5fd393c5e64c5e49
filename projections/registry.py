"""Every read model the runner knows, by name. Later issues add theirs here: one line each,
``"name": "module:Class"`` (imported lazily, so a module can import from this package freely)."""

from __future__ import annotations

import importlib

from projections.base import Projection

PROJECTIONS: dict[str, str] = {
    "registry": "projections.models.registry:RegistryProjection",
    "complaints": "projections.models.complaints:ComplaintsProjection",
    "fees": "projections.models.fees:FeesProjection",
    "assessments": "projections.models.assessments:AssessmentsProjection",
    "satisfaction": "projections.models.satisfaction:SatisfactionProjection",
    "coverage": "projections.models.coverage:CoverageProjection",
    "subsidies": "projections.subsidies:SubsidyProjection",
    "ratings": "projections.ratings:RatingsProjection",
    "credit": "projections.credit:CreditProjection",
    "publications": "projections.publications:PublicationsProjection",
}


def register(name: str, target: str) -> None:
    """Add a projection at run time (tests, plug-ins); modules of the project list theirs above."""
    PROJECTIONS[name] = target


def projection_class(name: str) -> type[Projection]:
    try:
        module, _, attr = PROJECTIONS[name].partition(":")
    except KeyError:
        raise ValueError(f"unknown projection {name!r}; known: {', '.join(PROJECTIONS)}") from None
    cls = getattr(importlib.import_module(module), attr)
    if cls.name != name:
        raise ValueError(f"{PROJECTIONS[name]} is named {cls.name!r}, not {name!r}")
    return cls


def resolve(names: list[str] | tuple[str, ...] | None = None) -> list[type[Projection]]:
    """Projection classes by name (all registered ones when ``names`` is empty), in registry order."""
    chosen = list(names) if names else list(PROJECTIONS)
    return [projection_class(n) for n in chosen]
