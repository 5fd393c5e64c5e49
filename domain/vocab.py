"""Closed vocabularies of the domain (POLICIES.md glossary)."""

from __future__ import annotations

from enum import Enum


class Category(str, Enum):
    COMMERCIAL = "commercial"  # 备案商品住宅
    RESETTLEMENT = "resettlement"  # 还迁
    RENOVATED_OLD = "renovated_old"  # 已改造旧楼区
    OTHER_OLD = "other_old"  # 其余老旧小区


class Mode(str, Enum):
    PROFESSIONAL = "professional"  # 专业化物业服务
    SELF_GOVERNANCE = "self_governance"  # 居民自治
    TRUSTEESHIP = "trusteeship"  # 街道社区托管
    PROPERTY_UNIT = "property_unit"  # 产权单位自管
    FALLBACK = "fallback"  # 保底服务


class ProviderKind(str, Enum):
    COMPANY = "company"  # 物业服务企业
    STREET_CENTRE = "street_centre"  # 街道物业服务中心


class CommitteeKind(str, Enum):
    OWNERS = "owners"  # 业主委员会
    PROPERTY_MANAGEMENT = "property_management"  # 物业管理委员会
    SELF_MANAGEMENT = "self_management"  # 自管会
    RESIDENTS_ACTING = "residents_acting"  # 居委会代行


class SanctionKind(str, Enum):
    INTERVIEW = "interview"  # 约谈教育
    FINE = "fine"  # 罚款
    REMOVAL = "removal"  # 建议清出市场
    SAFETY_ACCIDENT = "safety_accident"  # 安全事故 (fatal ones are a veto offence)


class PayerLevel(str, Enum):
    DISTRICT = "district"
    TOWN = "town"
    CITY = "city"


class Channel(str, Enum):
    HOTLINE_12345 = "hotline_12345"
    WALK_IN = "walk_in"
    PHONE = "phone"
    ONLINE = "online"
    LETTER = "letter"


class ExitBy(str, Enum):
    PROVIDER_NON_RENEWAL = "provider_non_renewal"  # 到期不续约
    COMMUNITY_TERMINATION = "community_termination"  # 业主/社区解聘
    MUTUAL = "mutual"


class ReliefKind(str, Enum):
    DIBAO = "dibao"  # 低保
    TEKUN = "tekun"  # 特困


# The four basic services every agreement must include (seed 000 §二(二)2).
BASIC_SERVICES = ("gate_duty", "patrol", "cleaning", "parking")  # 门岗值勤 巡视管理 楼内外保洁 车辆停放管理

# The five handover items on exit (POLICIES.md, after Civil Code art. 949).
HANDOVER_ITEMS = (
    "fixed_assets",  # 固定资产
    "documents",  # 档案资料
    "maintenance_records",  # 维修养护与检查记录
    "settled_funds",  # 预收费用、代收代付款项结算
    "premises",  # 物业服务用房
)

# Departments of a star-rating cycle (seed 004 §六(二)).
DEPARTMENTS = (
    "housing_bureau",  # 区住房建设委
    "civil_affairs",  # 区民政局
    "fire_rescue",  # 消防救援支队
    "urban_management",  # 城市管理
    "market_supervision",  # 市场监管
    "street_party",  # 街道/社区党组织
)

STAR_METHODS = ("thresholds", "quota", "kmeans")
STANDARDISATIONS = ("raw", "zscore", "minmax")
