"""Made-up officers who look like the real ones: Chinese women's names of their generation, an age,
schooling and party membership fitting where they serve, and a phone and identity number that pass
every check the registry makes (GB 11643 check character, the county's area code, birth date and sex).
"""

import datetime
import random
from dataclasses import dataclass

from rosters.identity import id_check_char
from rosters.models import Education, PoliticalStatus

AGE_ON = datetime.date(2026, 1, 1)

# Surnames with rough local frequencies: Hunan's for 双峰县 (曾 and 朱 are common around 荷叶),
# Hebei's for 香河县.
SURNAMES = {
    "43": "刘8 王6 李6 曾6 彭5 陈5 朱4 谢4 周4 罗4 张4 贺3 邓3 肖3 胡3 唐3 杨3 黄3 宋2 成2 蒋2 赵2"
    " 吴2 廖2 葛1 旷1 凌1 颜1 聂1",
    "13": "王8 张7 李7 刘6 赵4 杨3 孙3 高3 马2 郭2 于2 田2 陈2 韩2 徐2 冯1 董1 肖1 吴1 魏1 齐1 白1",
}
# Given names go with the decade of birth: 秀英 and 桂兰 in the 1960s, 婷婷 and 欣怡 in the 1990s.
GIVEN_NAMES = (
    (
        1970,
        "秀英 桂英 玉兰 桂兰 秀兰 淑珍 凤英 冬梅 春梅 素芳 桂芝 秋菊 红梅 美华 爱华 建华 丽华 金莲 菊香 月娥 翠兰 银娥"
        " 满秀 友兰 淑华 桂香 玉梅 国英 春兰 凤兰",
    ),
    (
        1985,
        "丽 艳 芳 敏 静 燕 红 霞 娟 丽娟 海燕 晓燕 丽萍 艳红 小红 红霞 文娟 春燕 美玲 海霞 晓红 秀芳 建英 利华"
        " 艳芳 小燕 丽琴 金凤 爱玲 玉莲 慧",
    ),
    (
        2010,
        "婷婷 丹 倩 琳 佳 颖 雪 蕾 晶晶 梦 思思 莉 欢 璐 丹丹 静怡 晓雯 佳慧 雅琴 诗琪 梦瑶 雨婷 欣怡 思雨 佳琪 文静"
        " 露 琪 紫薇 嘉欣",
    ),
)
ETHNICITIES = {
    "43": (("汉族", 990), ("土家族", 5), ("苗族", 3), ("回族", 2)),
    "13": (("汉族", 960), ("回族", 30), ("满族", 10)),
}
PHONE_PREFIXES = (
    *range(130, 140),
    *(150, 151, 152, 153, 155, 156, 157, 158, 159),
    *(173, 177, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 198, 199),
)

# Age (on 1 January 2026) bands and weights by where she serves: village officers are older and
# more varied than the township and county ones, who are mostly cadres in their thirties and forties.
AGES = {
    "village_chair": (((28, 35), 17), ((36, 45), 35), ((46, 55), 37), ((56, 62), 11)),
    "village": (((23, 35), 24), ((36, 45), 30), ((46, 55), 30), ((56, 66), 16)),
    "cadre": (((27, 35), 26), ((36, 45), 41), ((46, 55), 31), ((56, 58), 2)),
}


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


@dataclass(frozen=True)
class PersonSpec:
    name: str
    birth_date: datetime.date
    ethnicity: str
    education: str
    political_status: str
    phone: str
    id_number: str

    def row(self) -> dict:
        """The person's columns of an officer spreadsheet row."""
        return {
            "name": self.name,
            "sex": "女",
            "birth_date": self.birth_date,
            "ethnicity": self.ethnicity,
            "education": self.education,
            "political_status": self.political_status,
            "phone": self.phone,
            "id_number": self.id_number,
        }


class PeopleMaker:
    """Makes people for one county. Numbers are checked against those already made, so no two share one."""

    def __init__(self, county_code: str):
        self.area = county_code
        self.province = county_code[:2]
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.surnames = [(entry[0], int(entry[1:])) for entry in SURNAMES[self.province].split()]

    def make(self, rng: random.Random, role: str, *, level: str) -> PersonSpec:
        """role: village_chair, village or cadre (the age profile); level: village, township or host."""
        low, high = _weighted(rng, AGES[role])
        age = rng.randint(low, high)
        birth = AGE_ON.replace(year=AGE_ON.year - age - 1) + datetime.timedelta(days=rng.randrange(365))
        return PersonSpec(
            name=self._name(rng, birth.year),
            birth_date=birth,
            ethnicity=_weighted(rng, ETHNICITIES[self.province]),
            education=self._education(rng, birth.year, level),
            political_status=self._political_status(rng, age, role, level),
            phone=self._phone(rng),
            id_number=self._id_number(rng, birth),
        )

    def _name(self, rng: random.Random, born: int) -> str:
        names = next(names for last_year, names in GIVEN_NAMES if born <= last_year)
        return _weighted(rng, self.surnames) + rng.choice(names.split())

    @staticmethod
    def _education(rng: random.Random, born: int, level: str) -> str:
        if level in ("township", "host"):
            pairs = ((Education.BACHELOR, 55), (Education.COLLEGE, 28), (Education.POSTGRADUATE, 8))
            pairs += ((Education.VOCATIONAL, 6), (Education.HIGH_SCHOOL, 3))
        elif born >= 1990:
            pairs = ((Education.COLLEGE, 35), (Education.BACHELOR, 25), (Education.HIGH_SCHOOL, 20))
            pairs += ((Education.VOCATIONAL, 15), (Education.JUNIOR_OR_BELOW, 5))
        elif born >= 1975:
            pairs = ((Education.JUNIOR_OR_BELOW, 20), (Education.HIGH_SCHOOL, 35), (Education.VOCATIONAL, 15))
            pairs += ((Education.COLLEGE, 22), (Education.BACHELOR, 8))
        else:
            pairs = ((Education.JUNIOR_OR_BELOW, 50), (Education.HIGH_SCHOOL, 35), (Education.VOCATIONAL, 10))
            pairs += ((Education.COLLEGE, 5),)
        return str(_weighted(rng, pairs))

    @staticmethod
    def _political_status(rng: random.Random, age: int, role: str, level: str) -> str:
        if level in ("township", "host"):
            pairs = (
                (PoliticalStatus.PARTY_MEMBER, 84),
                (PoliticalStatus.MASSES, 9),
                (PoliticalStatus.DEMOCRATIC_PARTY, 5),
            )
        elif role == "village_chair":
            pairs = (
                (PoliticalStatus.PARTY_MEMBER, 78),
                (PoliticalStatus.PROBATIONARY, 4),
                (PoliticalStatus.MASSES, 18),
            )
        else:
            pairs = (
                (PoliticalStatus.PARTY_MEMBER, 30),
                (PoliticalStatus.PROBATIONARY, 2),
                (PoliticalStatus.MASSES, 68),
            )
        if age <= 28:
            pairs += ((PoliticalStatus.LEAGUE_MEMBER, 40),)
        return str(_weighted(rng, pairs))

    def _phone(self, rng: random.Random) -> str:
        while True:
            phone = f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def _id_number(self, rng: random.Random, birth: datetime.date) -> str:
        # The sequence code's last digit is even for a woman.
        while True:
            first17 = f"{self.area}{birth:%Y%m%d}{rng.randrange(0, 1000, 2):03d}"
            number = first17 + id_check_char(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number
