"""The generated text of a survey report: pure functions from the figures (reports.survey_figures)
to sentences in the register of the seed reports. No database access here.

"全县15个乡镇、651个行政村……都建立了妇联组织，组建率达100%。现有党政机关女干部458人，占总数的19.7%。"
"""

from decimal import Decimal

from rosters.models import AppointmentMode, Education, PoliticalStatus, Sex
from rosters.profiles import AGE_BANDS
from stats.formatting import format_count, format_number, format_rate, percent

# ---------------------------------------------------------------- words


def area_word(kind: str, name: str) -> str:
    """县 in 全县, 镇 in 全镇: the short word for the unit's own area."""
    endings = {
        "province": (("自治区", "区"), ("市", "市"), ("", "省")),
        "city": (("州", "州"), ("盟", "盟"), ("地区", "地区"), ("", "市")),
        "county": (("区", "区"), ("市", "市"), ("旗", "旗"), ("", "县")),
        "township": (("镇", "镇"), ("乡", "乡"), ("", "乡镇")),
        "street": (("", "街道"),),
        "village": (("", "村"),),
        "community": (("", "社区"),),
        "nation": (("", "国"),),
    }
    for ending, word in endings.get(kind, ()):
        if name.endswith(ending):
            return word
    return ""


def whole(figures: dict) -> str:
    """全县, 全镇; the unit's name where no short word fits (an agency, an enterprise)."""
    word = area_word(figures["unit"]["kind"], figures["unit"]["name"])
    return f"全{word}" if word else figures["unit"]["name"]


KIND_WORDS = {"township": "乡镇", "street": "街道", "village": "行政村", "community": "社区", "enterprise": "非公企业"}
DIRECT_HOST_WORDS = {"agency": "机关单位", "institution": "事业单位"}


def kind_word(code: str, name: str, area: str, direct: bool) -> str:
    """乡镇, 行政村, 县直机关单位 (when every agency counted hangs directly under the county)."""
    if code in DIRECT_HOST_WORDS:
        base = DIRECT_HOST_WORDS[code]
        return f"{area}直{base}" if direct and area in ("省", "市", "州", "县", "区", "旗") else base
    return KIND_WORDS.get(code, name)


def element_of(figures: dict, code: str) -> dict:
    found = next((e for e in figures["elements"] if e["code"] == code), None)
    return found or {"code": code, "name": code, "measure": "人", "has_female": True}


def counts(officers: dict, key: str) -> dict:
    """A breakdown of the officers ([label, count] pairs, in order) as an ordered dict."""
    return dict(officers[key])


def _num(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def rate_text(part: int, whole_count: int) -> str:
    return format_rate(percent(part, whole_count))


def _join(parts: list[str], final: str = "。") -> str:
    return "；".join(parts) + final if parts else ""


# ---------------------------------------------------------------- 1. 基本情况


def listed_coverage(figures: dict) -> list[tuple[str, str, int, int]]:
    """(kind code, word, eligible, established) for each kind below the unit itself (本级 left out)."""
    cov = figures["coverage"]
    area = area_word(figures["unit"]["kind"], figures["unit"]["name"])
    own = next((row["by_kind"] for row in cov["rows"] if row["role"] == "own"), {})
    hosts = next((row["by_kind"] for row in cov["rows"] if row["role"] == "hosts"), {})
    listed = []
    for kind in cov["kinds"]:
        code = kind["code"]
        eligible, established = cov["total"].get(code, [0, 0])
        own_eligible, own_established = own.get(code, [0, 0])
        eligible, established = eligible - own_eligible, established - own_established
        if eligible:
            direct = hosts.get(code, [0, 0])[0] == eligible
            listed.append((code, kind_word(code, kind["name"], area, direct), eligible, established))
    return listed


def coverage_sentences(figures: dict) -> list[str]:
    listed = listed_coverage(figures)
    sentences = []
    if listed:
        eligible = sum(row[2] for row in listed)
        established = sum(row[3] for row in listed)
        items = "、".join(f"{word}{n}个" for _code, word, n, _est in listed)
        if established == eligible:
            sentences.append(f"{whole(figures)}共有{items}，均已建立妇女组织，组建率达100%。")
        else:
            missing = "、".join(f"{word}{n - est}个" for _code, word, n, est in listed if est < n)
            sentences.append(
                f"{whole(figures)}共有{items}，已建立妇女组织{established}个，组建率为"
                f"{rate_text(established, eligible)}，尚有{eligible - established}个未建立妇女组织（{missing}）。"
            )
            below = below_rate_rows(figures, Decimal(established) * 100 / eligible)
            if below:
                names = "、".join(f"{label}（{format_rate(rate)}）" for label, rate in below)
                sentences.append(f"组建率低于{whole(figures)}水平（{rate_text(established, eligible)}）的有{names}。")
    own = next((row["by_kind"] for row in figures["coverage"]["rows"] if row["role"] == "own"), {})
    if own and sum(e for _n, e in own.values()) < sum(n for n, _e in own.values()):
        sentences.append(f"{figures['unit']['name']}本级尚未建立妇女组织。")
    return sentences


def row_total(by_kind: dict) -> tuple[int, int]:
    return sum(n for n, _e in by_kind.values()), sum(e for _n, e in by_kind.values())


def below_rate_rows(figures: dict, rate: Decimal) -> list[tuple[str, Decimal]]:
    """Child areas (and the host units together) whose coverage is below the unit's."""
    found = []
    for row in figures["coverage"]["rows"]:
        if row["role"] == "own":
            continue
        eligible, established = row_total(row["by_kind"])
        row_rate = percent(established, eligible)
        if row_rate is not None and row_rate < rate:
            found.append((row["label"], row_rate))
    return found


def population_sentence(figures: dict) -> str:
    total, female = figures["values"].get("population", [None, None])
    if not total:
        return ""
    total_text = format_count(total, wan=True)
    total_text += "" if total_text.endswith("万") else "人"
    sentence = f"{whole(figures)}总人口{total_text}"
    if female is not None:
        sentence += f"，其中女性人口{format_count(female, wan=True)}人"
    return sentence + "。"


# ---------------------------------------------------------------- 2. 干部队伍


def _counted(counts: dict, labels: list[tuple[str, str]], whole_count: int, unit: str, share: bool) -> str:
    parts = []
    for key, label in labels:
        n = counts.get(key, 0)
        if n:
            parts.append(f"{label}{n}{unit}" + (f"，占{rate_text(n, whole_count)}" if share else ""))
    return "；".join(parts) if share else "、".join(parts)


def officer_paragraphs(figures: dict) -> list[str]:
    off = figures["officers"]
    n = off["appointments"]
    if not n:
        return []
    unit = "人" if n == off["people"] else "人次"
    first = f"{whole(figures)}各级妇女组织现有在任干部{off['people']}人"
    first += f"，担任职务{n}个" if n != off["people"] else ""
    first += "。其中" + "、".join(f"{post}{count}{unit}" for post, count in counts(off, "by_post").items()) + "。"
    female = counts(off, "by_sex").get(Sex.FEMALE, 0)
    first += f"女性{female}{unit}，占{rate_text(female, n)}。" if female else ""
    modes = _counted(counts(off, "by_mode"), [(m.value, m.label) for m in AppointmentMode], n, unit, share=False)
    first += f"专兼职情况：{modes}。" if modes else ""
    ages = [(band, band) for band, *_ in AGE_BANDS] + [("未知", "出生日期不详")]
    structure = [
        ("年龄结构", _counted(counts(off, "by_age_band"), [(a, f"{b}的") for a, b in ages], n, unit, share=True)),
        (
            "文化程度",
            _counted(
                counts(off, "by_education"), [(e.value, e.label) for e in Education] + [("未填", "未填")], n, unit, True
            ),
        ),
        (
            "政治面貌",
            _counted(
                counts(off, "by_political_status"),
                [(p.value, p.label) for p in PoliticalStatus] + [("未填", "未填")],
                n,
                unit,
                True,
            ),
        ),
    ]
    second = "".join(f"{label}：{text}。" for label, text in structure if text)
    paragraphs = [first, second] if second else [first]
    chairs = off["village_chairs"]
    if chairs:
        in_committees, three = off["village_chairs_in_committees"], off["village_chairs_three_in_one"]
        committee_rate, three_rate = rate_text(in_committees, chairs), rate_text(three, chairs)
        paragraphs.append(
            f"村（社区）妇联主席{chairs}人，其中进村（居）“两委”的{in_committees}人，进两委率{committee_rate}；"
            f"同时担任计育专干和妇幼保健员的{three}人，“三位一体”率{three_rate}。"
        )
    return paragraphs


# ---------------------------------------------------------------- 3. 妇女参政

# How the reports name the women of a figure ({area}: 县, 市…), keyed by the numerator's element.
FEMALE_NOUNS = {
    "cadres": "党政机关女干部",
    "section_cadres": "女科级干部",
    "township_leaders": "乡镇党政女正职",
    "party_delegates": "{area}党代会女代表",
    "npc_deputies": "{area}人大女代表",
    "cppcc_members": "{area}政协女委员",
    "party_members": "女党员",
}
MEASURE_WORDS = {"party_members": "名"}
# Figures written as one chain: "现有…。其中…。"
CHAIN = ("cadres", "section_cadres", "township_leaders")
# Figures written together: "…27人，…25人，分别占总数的10%、11%。"
TOGETHER = (("party_delegates", "npc_deputies", "cppcc_members"), ("party_members",))
# Village committees: "村党组织委员1971人，其中女委员317人（占16.1%），女支部书记28人"
COMMITTEES = {
    "village_party_committee": ("branch_secretaries", "女支部书记"),
    "village_committee": ("village_heads", "女村主任"),
}
# Quoted in 基本情况 instead.
ELSEWHERE = ("population",)


def female_shares(figures: dict) -> dict[str, dict]:
    """Female-share indicators with a value this year, keyed by their numerator's element code."""
    found = {}
    for indicator in figures["indicators"]:
        if indicator["female_share"] and indicator["value"] is not None:
            code = indicator["numerator"].strip().removesuffix(".female")
            if figures["values"].get(code, [None, None])[1] is not None:
                found.setdefault(code, indicator)
    return found


def _share(indicator: dict) -> str:
    return format_rate(_num(indicator["value"]), min(indicator["decimals"], 1))


def _female_phrase(figures: dict, code: str, area: str) -> str:
    female = figures["values"][code][1]
    element = element_of(figures, code)
    noun = FEMALE_NOUNS.get(code, f"{element['name']}中女性").format(area=area)
    return f"{noun}{female}{MEASURE_WORDS.get(code, element['measure'])}"


def politics_sentences(figures: dict) -> list[str]:
    shares = female_shares(figures)
    area = area_word(figures["unit"]["kind"], figures["unit"]["name"])
    sentences = []
    chain = [code for code in CHAIN if code in shares]
    for index, code in enumerate(chain):
        lead = "现有" if index == 0 else "其中"
        sentences.append(f"{lead}{_female_phrase(figures, code, area)}，占总数的{_share(shares[code])}。")
    for group in TOGETHER:
        present = [code for code in group if code in shares]
        if len(present) == 1:
            code = present[0]
            sentences.append(f"{_female_phrase(figures, code, area)}，占总数的{_share(shares[code])}。")
        elif present:
            phrases = "，".join(_female_phrase(figures, code, area) for code in present)
            rates = "、".join(_share(shares[code]) for code in present)
            sentences.append(f"{phrases}，分别占总数的{rates}。")
    committees = []
    for code, (companion, noun) in COMMITTEES.items():
        if code in shares:
            total, female = figures["values"][code]
            name = element_of(figures, code)["name"]
            text = f"{name}{total}人，其中女委员{female}人（占{_share(shares[code])}）"
            companion_female = figures["values"].get(companion, [None, None])[1]
            text += f"，{noun}{companion_female}人" if companion_female is not None else ""
            committees.append(text)
    if committees:
        sentences.append(_join(committees))
    known = set(CHAIN) | {code for group in TOGETHER for code in group} | set(COMMITTEES) | set(ELSEWHERE)
    for code, indicator in shares.items():
        if code not in known:
            denominator = indicator["denominator"].strip().removesuffix(".total")
            of = "" if denominator == code else element_of(figures, denominator)["name"]
            sentences.append(f"{_female_phrase(figures, code, area)}，占{of}总数的{_share(indicator)}。")
    return sentences


# ---------------------------------------------------------------- 4. 工作开展


def activity_sentences(figures: dict) -> list[str]:
    values = figures["values"]
    sentences = []
    sessions = values.get("training_sessions", [None, None])[0]
    trainees, trained_women = values.get("trainees", [None, None])
    parts = []
    if sessions:
        parts.append(f"共举办各级各类培训班{format_count(sessions, wan=True)}场次")
    if trainees:
        text = f"培训{format_count(trainees, wan=True)}人次"
        if trained_women is not None:
            text += f"，其中女性{format_count(trained_women, wan=True)}人次"
        parts.append(text)
    if parts:
        sentences.append(f"{figures['year']}年，" + "，".join(parts) + "。")
    received = values.get("complaints_received", [None, None])[0]
    resolved = values.get("complaints_resolved", [None, None])[0]
    if received:
        if resolved is not None and resolved == received:
            sentences.append(f"共受理维权投诉{received}件，均已办结，办结率100%。")
        elif resolved is not None:
            sentences.append(f"共受理维权投诉{received}件，已办结{resolved}件，办结率{rate_text(resolved, received)}。")
        else:
            sentences.append(f"共受理维权投诉{received}件。")
    return sentences


# ---------------------------------------------------------------- 5. 同比变化


def change_phrase(now: int, before: int, measure: str) -> str:
    """比上年增加3个（上升2.3%）, 比上年减少5人（下降10%）, 与上年持平."""
    diff = now - before
    if diff == 0:
        return "与上年持平"
    verb, trend = ("增加", "上升") if diff > 0 else ("减少", "下降")
    text = f"比上年{verb}{abs(diff)}{measure}"
    if before:
        text += f"（{trend}{format_rate(Decimal(abs(diff)) * 100 / before)}）"
    return text


def points_phrase(now: Decimal, before: Decimal) -> str:
    diff = now - before
    shown = format_number(abs(diff), 1)
    if shown == "0":
        return "与上年持平"
    return f"比上年{'提高' if diff > 0 else '降低'}{shown}个百分点"


WAN_CODES = ("population", "trainees")


def change_items(figures: dict) -> list[dict]:
    """Every count with a value this year and last: label, now, before, measure, and the phrase."""
    items = []

    def add(label: str, now, before, measure: str, wan: bool = False):
        if now is None or before is None:
            return
        items.append(
            {
                "label": label,
                "now": now,
                "before": before,
                "measure": measure,
                "now_text": format_count(now, wan=wan),
                "before_text": format_count(before, wan=wan),
                "phrase": change_phrase(now, before, measure),
            }
        )

    listed_now = listed_coverage(figures)
    listed_before = listed_coverage({**figures, "coverage": figures["coverage_previous"]})
    if listed_now and listed_before:
        add("已建立妇女组织", sum(r[3] for r in listed_now), sum(r[3] for r in listed_before), "个")
    people_now, people_before = figures["officers"]["people"], figures["officers_previous"]["people"]
    if people_now or people_before:
        add("在任妇女组织干部", people_now, people_before, "人")
    for element in figures["elements"]:
        code = element["code"]
        now = figures["values"].get(code)
        before = figures["values_previous"].get(code)
        if now is None or before is None:
            continue
        wan = code in WAN_CODES
        add(element["name"], now[0], before[0], element["measure"], wan)
        if element["has_female"]:
            add(f"{element['name']}中女性", now[1], before[1], element["measure"], wan)
    return items


def change_sentences(figures: dict) -> list[str]:
    items = change_items(figures)
    sentences = []
    if items:
        sentences.append(_join([f"{i['label']}{i['now_text']}{i['measure']}，{i['phrase']}" for i in items]))
    rates = []
    if figures["coverage_previous"]["total"]:
        listed_now = listed_coverage(figures)
        listed_before = listed_coverage({**figures, "coverage": figures["coverage_previous"]})
        now_rate = percent(sum(r[3] for r in listed_now), sum(r[2] for r in listed_now))
        before_rate = percent(sum(r[3] for r in listed_before), sum(r[2] for r in listed_before))
        if now_rate is not None and before_rate is not None:
            rates.append(f"组建率{format_rate(now_rate)}，{points_phrase(now_rate, before_rate)}")
    for indicator in figures["indicators"]:
        if indicator["value"] is not None and indicator["previous"] is not None and indicator["suffix"] == "%":
            value, previous = _num(indicator["value"]), _num(indicator["previous"])
            rates.append(f"{indicator['name']}{format_rate(value)}，{points_phrase(value, previous)}")
    if rates:
        sentences.append(_join(rates))
    return sentences
