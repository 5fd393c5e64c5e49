"""Real-looking names and codes for the demo district (津南区, Tianjin).

Everything is drawn from a ``random.Random`` the caller owns, so the same seed
gives the same names. Unified social credit codes are valid (GB 32100-2015 check
character, and the GB 11714 check of the organisation-code part)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from domain.values import uscc_check_char

DISTRICT_DIVISION = "120112"  # 天津市津南区 administrative division code


@dataclass(frozen=True)
class Street:
    code: str  # short code used in community codes and actors' organisations
    name: str
    weight: float  # share of the district's communities
    town: bool  # 镇 (town government pays town-level subsidies) or 街道/园区

    @property
    def org(self) -> str:
        return f"JN-{self.code}"


STREETS = (
    Street("XSG", "咸水沽镇", 0.20, True),
    Street("SG", "双港镇", 0.11, True),
    Street("XZ", "辛庄镇", 0.08, True),
    Street("BLT", "八里台镇", 0.07, True),
    Street("BZK", "北闸口镇", 0.06, True),
    Street("GG", "葛沽镇", 0.09, True),
    Street("XZH", "小站镇", 0.08, True),
    Street("SQH", "双桥河镇", 0.06, True),
    Street("SX", "双新街道", 0.09, False),
    Street("SL", "双林街道", 0.07, False),
    Street("HHJY", "海河教育园区", 0.04, False),
    Street("CQ", "长青办事处", 0.05, False),
)

_STEMS = (
    "津沽", "东华", "咸阳", "富康", "幸福", "和谐", "建设", "胜利", "光明", "红旗", "团结", "前进",
    "丽水", "碧波", "柳岸", "翠湖", "海河", "月牙", "金桥", "银河", "华庭", "景和", "润泽", "泰和",
    "嘉禾", "锦绣", "春晖", "朝阳", "紫云", "玉兰", "海棠", "桂园", "松江", "清水", "南华", "北辰",
    "新城", "惠康", "安居", "宜居", "欣悦", "怡海", "滨河", "沽上", "双月", "葛洲", "小站", "稻香",
    "鑫茂", "盛世", "鸿福", "永安", "长青", "雅园", "馨园", "和平", "民生", "福泽", "康乐", "瑞景",
    "金地", "盈湖", "水岸", "观澜", "听涛", "御河", "福源", "佳和", "东嘴", "西闸", "辛庄", "八里",
)
_SUFFIXES = {
    "commercial": ("花园", "名苑", "华府", "雅苑", "家园", "公馆", "湾", "新城", "名邸", "御园"),
    "resettlement": ("家园", "嘉园", "新苑", "景园", "馨苑", "新居", "和园"),
    "renovated_old": ("里", "新村", "楼", "里小区", "公寓"),
    "other_old": ("里", "新村", "楼", "平房区", "宿舍"),
}
_BRANDS = (
    "宏达", "万隆", "鑫泰", "安居", "德润", "恒信", "泰和", "华盛", "锦程", "嘉禾", "海河", "津南",
    "瑞丰", "金盾", "绿洲", "康宁", "鼎盛", "永辉", "天佑", "宝坻", "中环", "诚信", "和美", "优居",
    "众邦", "润城", "美家", "乐居", "聚贤", "顺达", "广厦", "天成", "鸿运", "瑞安", "佳境", "新程",
    "祥和", "丰泽", "晟元", "一方", "百合", "乾元", "恒通", "盛邦", "安泰", "筑家", "融创", "红星",
)
_COMPANY_FORMS = ("天津{b}物业服务有限公司", "天津市{b}物业管理有限公司", "{b}物业服务（天津）有限公司",
                  "天津{b}城市服务有限公司")
_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔"
)
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉华建国志红海燕鹏辉凤春梅淑珍宇浩然子轩欣怡"
_MOBILE = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
           "158", "159", "166", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189", "199")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_LETTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def pick_street(rng: random.Random) -> Street:
    return rng.choices(STREETS, weights=[s.weight for s in STREETS])[0]


def person_name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    return f"022-{rng.choice(('2839', '2861', '2851', '8852', '2868'))}{rng.randrange(10**4):04d}"


def household(rng: random.Random) -> str:
    """A Tianjin-style address inside a community: building, entrance (门), flat."""
    return f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}门{rng.randint(1, 6)}0{rng.randint(1, 4)}"


def _org_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc(rng: random.Random, *, public_institution: bool = False) -> str:
    """A valid 18-character unified social credit code registered in 津南区.

    Companies: 91 (market entity, enterprise); street-run service centres: 12
    (public institution). Newer companies carry an 'MA…' organisation code."""
    if public_institution:
        body = "1" + f"{rng.randrange(10**7):07d}"
    elif rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(_USCC_LETTERS) for _ in range(6))
    else:
        body = str(rng.randint(1, 7)) + f"{rng.randrange(10**7):07d}"
    first17 = ("12" if public_institution else "91") + DISTRICT_DIVISION + body + _org_code_check(body)
    return first17 + uscc_check_char(first17)


class NameBook:
    """Hands out names that are unique within one district."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._used: set[str] = set()

    def _unique(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self._used:
            n += 1
            candidate = f"{name}{'二三四五六七八九'[n - 2]}区" if n <= 9 else f"{name}{n}区"
        self._used.add(candidate)
        return candidate

    def community(self, category: str) -> str:
        return self._unique(self.rng.choice(_STEMS) + self.rng.choice(_SUFFIXES[category]))

    def company(self) -> str:
        for _ in range(100):  # a fresh brand reads better than a numbered duplicate
            brand = self.rng.choice(_BRANDS) + (self.rng.choice(_BRANDS)[0] if self.rng.random() < 0.3 else "")
            name = self.rng.choice(_COMPANY_FORMS).format(b=brand)
            if name not in self._used:
                self._used.add(name)
                return name
        return self._unique(name.replace("有限公司", "第{}分公司".format(len(self._used))))

    def street_centre(self, street: Street) -> str:
        return self._unique(f"天津市津南区{street.name}物业服务中心")
