"""Division names without their level suffix, to tell a recoded unit from a new one.

A 乡 that became a 镇, or a 村 that became a 社区, keeps the name in front of the suffix; and the
editions write the same village as 甄庄村村民委员会 or 甄庄村民委员会, so suffixes are stripped
again and again until none is left. The one list of suffixes is here.
"""

# Longest first within each level, so that 自治县 goes before 县 and 村民委员会 before 委员会.
SUFFIXES = {
    "county": ("自治县", "自治旗", "特区", "林区", "县", "市", "区", "旗"),
    "township": ("民族苏木", "民族乡", "办事处", "街道", "苏木", "乡", "镇"),
    "village": ("村民委员会", "居民委员会", "村委会", "居委会", "委员会", "社区", "嘎查", "村"),
}
# The level whose suffixes a kind's names carry; cities are named like counties (米林县 → 米林市).
LEVEL_OF_KIND = {
    "province": "province",
    "city": "city",
    "county": "county",
    "township": "township",
    "street": "township",
    "devzone": "township",
    "village": "village",
    "community": "village",
}
OTHER = "other"  # an area kind an administrator added: compared by code only
SUFFIXES_OF_LEVEL = {**SUFFIXES, "city": SUFFIXES["county"], "province": (), OTHER: ()}


def level_of(kind: str) -> str:
    """The level of a unit kind: province, city, county, township, village, or other."""
    return LEVEL_OF_KIND.get(kind, OTHER)


def stripped_name(name: str, level: str) -> str:
    """The name without its level suffixes, stripped repeatedly: 甄庄村村民委员会 → 甄庄.

    A name that is all suffixes (a street named 街道, a community named 社区居委会, the township
    苏木乡) keeps its last one: an empty name would match every other such unit.
    """
    suffixes = SUFFIXES_OF_LEVEL[level]
    while True:
        suffix = next((suffix for suffix in suffixes if name.endswith(suffix)), None)
        if suffix is None or len(suffix) == len(name):
            return name
        name = name[: -len(suffix)]
