"""Chinese labels of the domain's closed vocabularies, as street offices write them.

Each :class:`Labels` maps a code of the domain (``renovated_old``) to its
canonical Chinese label (已改造旧楼区, used in templates, validation lists and
exports) and accepts a few more spellings on import (已改造, the English code).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


def squash(text: str) -> str:
    """Compare labels and headers without spaces, full-width brackets or case."""
    table = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "　": " "})
    return "".join(str(text).translate(table).split()).lower()


@dataclass(frozen=True)
class Labels:
    canonical: dict[str, str]  # code -> label written in templates and exports
    extra: dict[str, str] = field(default_factory=dict)  # more accepted spellings -> code

    @cached_property
    def lookup(self) -> dict[str, str]:
        found = {squash(code): code for code in self.canonical}
        found.update({squash(label): code for code, label in self.canonical.items()})
        found.update({squash(label): code for label, code in self.extra.items()})
        return found

    def code_of(self, text: str) -> str | None:
        return self.lookup.get(squash(text))

    def label(self, code: str | None) -> str:
        return self.canonical.get(code or "", code or "")

    def choices(self) -> list[str]:
        return list(self.canonical.values())


CATEGORY = Labels(
    {"commercial": "商品住宅", "resettlement": "还迁", "renovated_old": "已改造旧楼区", "other_old": "其余老旧小区"},
    {"备案商品住宅": "commercial", "商品房": "commercial", "还迁房": "resettlement", "还迁小区": "resettlement",
     "已改造": "renovated_old", "其他老旧小区": "other_old", "老旧小区": "other_old"},
)
MODE = Labels(
    {"professional": "专业化", "self_governance": "自治", "trusteeship": "托管", "property_unit": "产权单位自管",
     "fallback": "保底"},
    {"专业化物业服务": "professional", "专业化物业": "professional", "物业": "professional",
     "居民自治": "self_governance", "街道社区托管": "trusteeship", "街道托管": "trusteeship",
     "社区托管": "trusteeship", "保底服务": "fallback"},
)
PROVIDER_KIND = Labels({"company": "物业服务企业", "street_centre": "街道物业服务中心"},
                       {"企业": "company", "物业公司": "company", "物业服务中心": "street_centre"})
CHANNEL = Labels(
    {"hotline_12345": "12345热线", "walk_in": "来访", "phone": "电话", "online": "网络", "letter": "来信"},
    {"12345": "hotline_12345", "热线": "hotline_12345", "上门": "walk_in", "来电": "phone",
     "网上": "online", "信件": "letter"},
)
PAYER = Labels({"district": "区级", "town": "镇级", "city": "市级"},
               {"区": "district", "镇": "town", "街道": "town", "街道级": "town", "市": "city"})
# Monthly inspection items: the four basic services (seed 000 §二(二)2).
ITEM = Labels({"gate_duty": "门岗值勤", "patrol": "巡视管理", "cleaning": "楼内外保洁", "parking": "车辆停放管理"},
              {"保洁": "cleaning", "车辆停放": "parking", "巡视": "patrol", "门岗": "gate_duty"})
# The quarterly assessment sheet's sections and veto items (POLICIES.md default sheet);
# a pack's sheet with other codes gets the codes themselves as headers.
SECTION = Labels({"overall_management": "综合管理", "cleaning": "环境卫生", "gate_patrol": "门岗值勤与巡视",
                  "parking": "车辆停放秩序", "community_order": "小区秩序", "fee_collection": "物业费收缴率"})
VETO = Labels({"facility_damage_unreported": "设施严重损坏未报修",
               "illegal_structures_returned": "违建、小广告、游商严重反弹",
               "gate_staff_absent": "门岗睡岗、长时间脱岗"})
GRADE = Labels({"excellent": "优秀", "model": "示范", "standard": "达标", "fail": "不达标"})
ENGAGEMENT_STATUS = Labels({"requested": "待审批", "approved": "已批准", "refused": "未批准", "active": "在管",
                            "exit_noticed": "已告知退出", "exit_approved": "已批准退出", "ended": "已退出"})

PASS_WORDS = ("合格", "✓", "✔", "√", "1", "是", "通过", "true", "yes", "y", "pass", "passed", "ok")
FAIL_WORDS = ("不合格", "✗", "✘", "×", "x", "0", "否", "不通过", "false", "no", "n", "fail", "failed")
