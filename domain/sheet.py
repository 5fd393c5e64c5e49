"""The quarterly joint assessment sheet (每季度联合考核).

The default is the 100-point sheet of POLICIES.md (after Tianjin Hedong
district's published sheet). A policy pack may carry another sheet; the
``AssessmentSheet`` is passed into the command so the rule is never a constant
buried in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.errors import ValidationError
from domain.values import check_number


@dataclass(frozen=True)
class AssessmentSheet:
    sections: dict[str, float]  # section code -> maximum points
    veto_items: tuple[str, ...]  # 一票否决 items
    grades: tuple[tuple[float, str], ...] = field(
        default=((90, "excellent"), (80, "model"), (70, "standard"), (0, "fail"))
    )

    def check(self, points: dict[str, float], vetoes: list[str]) -> tuple[dict[str, float], list[str]]:
        """Validate section points against their maxima and veto codes against the sheet."""
        if not isinstance(points, dict):
            raise ValidationError("points", "mapping", "must map section codes to points")
        missing = [s for s in self.sections if s not in points]
        if missing:
            raise ValidationError(f"points.{missing[0]}", "required", "every section needs a score")
        clean = {}
        for section, value in points.items():
            if section not in self.sections:
                raise ValidationError(f"points.{section}", "known_section", "is not a section of the sheet")
            clean[section] = check_number(value, f"points.{section}", maximum=self.sections[section])
        for item in vetoes:
            if item not in self.veto_items:
                raise ValidationError("vetoes", "known_veto", f"{item!r} is not a veto item of the sheet")
        return clean, sorted(set(vetoes))

    def grade(self, total: float, vetoed: bool) -> str:
        """Grade of a total; any veto item forces 'fail' whatever the points."""
        if vetoed:
            return "fail"
        for floor, name in self.grades:
            if total >= floor:
                return name
        return "fail"


def sheet_of(pack: dict) -> AssessmentSheet:
    """The assessment sheet a policy pack's content carries (``assessment_sheet``), else the default.

    The one reading of a pack's sheet: the Ledger validates with it and the read models
    (assessments, subsidies) regrade with it, so all three always agree."""
    content = pack.get("assessment_sheet") if pack else None
    if not content:
        return DEFAULT_SHEET
    return AssessmentSheet(sections=dict(content["sections"]), veto_items=tuple(content["veto_items"]),
                           grades=tuple((g[0], g[1]) for g in content.get("grades", DEFAULT_SHEET.grades)))


DEFAULT_SHEET = AssessmentSheet(
    sections={
        "overall_management": 15,  # 综合管理
        "cleaning": 30,  # 环境卫生
        "gate_patrol": 25,  # 门岗值勤与巡视
        "parking": 10,  # 车辆停放秩序
        "community_order": 10,  # 小区秩序
        "fee_collection": 10,  # 物业费收缴率
    },
    veto_items=(
        "facility_damage_unreported",  # 设施严重损坏未报修
        "illegal_structures_returned",  # 违建、小广告、游商严重反弹
        "gate_staff_absent",  # 门岗睡岗、长时间脱岗
    ),
)
