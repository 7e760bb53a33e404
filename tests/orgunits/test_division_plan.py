"""The change plan between two editions of the division codes, on small hand-made editions."""

import io

import openpyxl
import pytest

from orgunits import errors
from orgunits.division_mapping import plan_file, read_mapping
from orgunits.division_matching import MappingEntry
from orgunits.division_plan import DivisionPlanError, plan_changes
from orgunits.loader import Division

CITY = [Division("43", "湖南省", "province", None), Division("4313", "娄底市", "city", "43")]
COUNTY = [*CITY, Division("431302", "娄星区", "county", "4313")]


def township(code, name, kind="township", parent="431302"):
    return Division(code, name, kind, parent)


def village(code, name, parent, kind="village"):
    return Division(code, name, kind, parent)


def by_old(plan) -> dict[str, tuple]:
    return {c.old_code: (c.kind, c.new_code) for c in plan.changes if c.old_code}


def added(plan) -> list[str]:
    return [c.new_code for c in plan.changes if c.kind == "新增"]


def test_an_unchanged_edition_gives_no_changes():
    old = [*COUNTY, township("431302001", "乐坪街道", "street")]
    plan = plan_changes(old, list(old))
    assert (plan.changes, plan.ambiguous, plan.hand_added) == ((), (), ())


def test_a_code_in_both_editions_is_the_same_unit_renamed_moved_or_retyped():
    old = [
        *COUNTY,
        township("431302001", "乐坪街道", "street"),
        township("431302101", "杉山镇"),
        village("431302001001", "甄庄居委会", "431302001", "community"),
        village("431302101201", "大坪村", "431302101"),
    ]
    new = [
        *COUNTY,
        township("431302001", "乐坪镇", "township"),
        township("431302101", "杉山镇"),
        village("431302001001", "甄庄社区居民委员会", "431302101", "community"),
        village("431302101201", "大坪新村", "431302101"),
    ]
    plan = plan_changes(old, new)
    assert by_old(plan) == {
        "431302001": ("类型变更", "431302001"),  # 街道 → 镇: the name changes only by the kind's suffix
        # The same stem, but the stored name changes: a rename unless a change of kind says it.
        "431302001001": ("更名+隶属变更", "431302001001"),
        "431302101201": ("更名", "431302101201"),
    }
    assert plan.counts() == {"类型变更": 1, "隶属变更": 1, "更名": 2}


def test_a_xiang_that_became_a_zhen_is_renamed_and_recoded_with_its_villages():
    old = [*COUNTY, township("431302200", "南牛乡"), village("431302200201", "南牛村民委员会", "431302200")]
    new = [*COUNTY, township("431302106", "南牛镇"), village("431302106201", "南牛村民委员会", "431302106")]
    plan = plan_changes(old, new)
    assert by_old(plan) == {"431302200": ("更名+改代码", "431302106"), "431302200201": ("改代码", "431302106201")}
    assert added(plan) == []


def test_a_village_that_became_a_community_is_retyped_and_recoded():
    old = [*COUNTY, township("431302005", "大埠桥街道", "street"), village("431302005210", "方石村", "431302005")]
    new = [
        *COUNTY,
        township("431302005", "大埠桥街道", "street"),
        village("431302005012", "方石社区", "431302005", "community"),
    ]
    (change,) = plan_changes(old, new).changes
    assert (change.kind, change.old_code, change.new_code) == ("类型变更+改代码", "431302005210", "431302005012")
    assert (change.old_kind, change.new_kind, change.old_parent, change.new_parent) == (
        "village",
        "community",
        "431302005",
        "431302005",
    )


def test_units_without_a_match_are_added_or_removed():
    old = [*COUNTY, township("431302101", "杉山镇"), village("431302101201", "大坪村", "431302101")]
    new = [*COUNTY, township("431302101", "杉山镇"), village("431302101202", "小坪村", "431302101")]
    plan = plan_changes(old, new)
    assert by_old(plan) == {"431302101201": ("撤销", "")}
    assert added(plan) == ["431302101202"]


def test_counties_are_matched_within_their_city():
    old = [*CITY, Division("431371", "娄底经开区", "county", "4313"), Division("5301", "昆明市", "city", "43")]
    new = [*CITY, Division("431376", "娄底经济开发区", "county", "4313"), Division("5301", "昆明市", "city", "43")]
    new += [Division("530176", "娄底经开区", "county", "5301")]  # same name, another city: not a candidate
    plan = plan_changes(old, new)
    assert by_old(plan) == {"431371": ("撤销", "")}
    old_named_alike = [*CITY, Division("320571", "苏州工业园区", "county", "4313")]
    new_named_alike = [*CITY, Division("320576", "苏州工业园区", "county", "4313")]
    assert by_old(plan_changes(old_named_alike, new_named_alike)) == {"320571": ("改代码", "320576")}


def test_a_village_follows_its_name_into_another_township_of_the_county():
    old = [*COUNTY, township("431302101", "杉山镇"), township("431302102", "双江乡"), township("431302103", "龙泉镇")]
    old += [village("431302102201", "甄庄村", "431302102"), village("431302102202", "上坪村", "431302102")]
    new = [*COUNTY, township("431302101", "杉山镇"), township("431302103", "龙泉镇")]
    new += [village("431302101230", "甄庄村民委员会", "431302101"), village("431302103230", "上坪村", "431302103")]
    plan = plan_changes(old, new)
    assert by_old(plan) == {
        "431302102": ("撤销", ""),  # its villages went to two townships: dissolved, not merged
        "431302102201": ("更名+改代码+隶属变更", "431302101230"),
        "431302102202": ("改代码+隶属变更", "431302103230"),
    }


def test_two_candidates_are_listed_never_guessed():
    old = [*COUNTY, township("431302101", "杉山镇"), village("431302101201", "新村", "431302101")]
    new = [*COUNTY, township("431302101", "杉山镇")]
    new += [village("431302101001", "新社区", "431302101", "community"), village("431302101220", "新村", "431302101")]
    plan = plan_changes(old, new)
    assert by_old(plan) == {"431302101201": ("待定", "")}
    (ambiguity,) = plan.ambiguous
    assert ambiguity.candidates == (("431302101001", "新社区"), ("431302101220", "新村"))
    assert sorted(added(plan)) == ["431302101001", "431302101220"]
    undecided = next(change for change in plan.changes if change.kind == "待定")
    assert undecided.note == errors.PLAN_AMBIGUOUS.format(candidates="新社区（431302101001）、新村（431302101220）")


def test_two_claimants_of_one_candidate_are_listed_too():
    old = [*COUNTY, township("431302101", "杉山镇"), township("431302102", "双江镇")]
    old += [village("431302101201", "新村", "431302101"), village("431302102201", "新村", "431302102")]
    new = [*COUNTY, township("431302103", "合江镇"), village("431302103201", "新村", "431302103")]
    plan = plan_changes(old, new)
    assert {a.old_code for a in plan.ambiguous} == {"431302101201", "431302102201"}
    notes = {c.note for c in plan.changes if c.kind == "待定"}
    assert notes == {errors.PLAN_CONTESTED.format(candidates="新村（431302103201）")}


def test_a_township_whose_villages_all_went_to_one_new_township_is_that_township():
    old = [*COUNTY, township("431302200", "茶园乡")]
    old += [village("431302200201", "上坪村", "431302200"), village("431302200202", "下坪村", "431302200")]
    new = [*COUNTY, township("431302107", "龙泉镇")]
    new += [village("431302107201", "上坪村", "431302107"), village("431302107202", "下坪村", "431302107")]
    plan = plan_changes(old, new)
    assert by_old(plan)["431302200"] == ("更名+改代码", "431302107")
    assert by_old(plan)["431302200201"] == ("改代码", "431302107201")  # no longer a move: its township came along
    assert added(plan) == []


def test_a_township_whose_villages_all_went_to_a_kept_township_is_merged_into_it():
    old = [*COUNTY, township("431302101", "杉山镇"), township("431302200", "茶园乡")]
    old += [village("431302200201", "上坪村", "431302200")]
    new = [*COUNTY, township("431302101", "杉山镇"), village("431302101230", "上坪村", "431302101")]
    change = next(c for c in plan_changes(old, new).changes if c.old_code == "431302200")
    assert (change.kind, change.successor, change.relation) == ("并入", "431302101", "并入")


OLD = [*COUNTY, township("431302101", "杉山镇"), village("431302101201", "新村", "431302101")]
NEW = [
    *COUNTY,
    township("431302101", "杉山镇"),
    village("431302101001", "新社区", "431302101", "community"),
    village("431302101220", "新村", "431302101"),
]


def test_a_mapping_resolves_an_ambiguity():
    mapping = [MappingEntry(2, "431302101201", "431302101001", "同一单位")]
    plan = plan_changes(OLD, NEW, mapping=mapping)
    assert by_old(plan) == {"431302101201": ("类型变更+改代码", "431302101001")}
    assert plan.ambiguous == ()
    assert added(plan) == ["431302101220"]


def test_a_mapping_overrides_a_match():
    old = [*COUNTY, township("431302200", "南牛乡"), township("431302101", "杉山镇")]
    new = [*COUNTY, township("431302106", "南牛镇"), township("431302101", "杉山镇")]
    assert by_old(plan_changes(old, new)) == {"431302200": ("更名+改代码", "431302106")}
    plan = plan_changes(old, new, mapping=[MappingEntry(2, "431302200", "431302101", "并入")])
    assert by_old(plan) == {"431302200": ("并入", "431302101")}
    assert added(plan) == ["431302106"]


def mapping_problems(mapping, old=OLD, new=NEW) -> list[str]:
    with pytest.raises(DivisionPlanError) as refused:
        plan_changes(old, new, mapping=mapping)
    return refused.value.messages


def test_a_mapping_to_unknown_codes_names_the_row_and_column():
    problems = mapping_problems(
        [MappingEntry(3, "431302101999", "431302101001", "同一单位"), MappingEntry(4, "431302101201", "999", "并入")]
    )
    assert problems == [
        f"第3行，列“原代码”，值“431302101999”：{errors.MAPPING_UNKNOWN_OLD}",
        f"第4行，列“新代码”，值“999”：{errors.MAPPING_UNKNOWN_NEW}",
    ]


def test_a_mapping_that_names_a_unit_twice_is_refused():
    problems = mapping_problems(
        [
            MappingEntry(2, "431302101201", "431302101001", "同一单位"),
            MappingEntry(3, "431302101201", "431302101220", "同一单位"),
        ]
    )
    assert problems == [f"第3行，列“原代码”，值“431302101201”：{errors.MAPPING_DUPLICATE_OLD.format(first=2)}"]


def test_a_merge_into_the_units_own_descendant_is_refused():
    old = [*COUNTY, township("431302200", "南牛乡"), village("431302200201", "南牛村", "431302200")]
    new = [*COUNTY, township("431302106", "南牛镇"), village("431302106201", "南牛村", "431302106")]
    problems = mapping_problems([MappingEntry(5, "431302200", "431302106201", "并入")], old, new)
    message = errors.MAPPING_INTO_DESCENDANT.format(name="南牛乡", target="南牛村")
    assert problems == [f"第5行，列“新代码”，值“431302106201”：{message}"]


def test_hand_added_units_under_a_removed_division_need_a_decision():
    old = [*COUNTY, township("431302200", "茶园乡"), township("431302101", "杉山镇")]
    hand = [
        Division("91430000MA4L000001", "茶园乡茶厂", "enterprise", "431302200"),
        Division("91430000MA4L000002", "茶厂工会", "social_org", "91430000MA4L000001"),
        Division("91430000MA4L000003", "杉山镇卫生院", "institution", "431302101"),
    ]
    new = [*COUNTY, township("431302101", "杉山镇")]
    plan = plan_changes(old, new, hand_added=hand)
    assert [(c.kind, c.old_code) for c in plan.hand_added] == [
        ("需处理", "91430000MA4L000001"),
        ("需处理", "91430000MA4L000002"),
    ]
    assert plan.hand_added[0].note == errors.PLAN_HAND_ADDED.format(name="茶园乡", code="431302200")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_exported_plan_fed_back_as_the_mapping_resolves_the_ambiguity(suffix):
    content = plan_file(plan_changes(OLD, NEW), suffix=suffix, kind_names={"village": "村"}, edition="2023")
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        sheet = book.active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        at = next(i for i, row in enumerate(rows, start=1) if row[0] == "431302101201")
        assert rows[at - 1][3:5] == ["待定", "新村"]
        sheet.cell(at, 2, "431302101220")
        sheet.cell(at, 3, "同一单位")
        edited = io.BytesIO()
        book.save(edited)
        content = edited.getvalue()
    else:
        text = content.decode("utf-8-sig").replace("431302101201,,,待定", "431302101201,431302101220,同一单位,待定")
        content = text.encode("gbk")  # as a clerk's Excel saves it
    plan = plan_changes(OLD, NEW, mapping=read_mapping(content))
    assert by_old(plan) == {"431302101201": ("改代码", "431302101220")}
    assert (plan.ambiguous, added(plan)) == ((), ["431302101001"])


def test_a_mapping_file_with_a_bad_relation_names_the_row():
    content = "原代码,新代码,关系\r\n431302101201,431302101220,同一\r\n431302101201,,同一单位\r\n".encode()
    with pytest.raises(DivisionPlanError) as refused:
        read_mapping(content)
    assert refused.value.messages == [
        f"第2行，列“关系”，值“同一”：{errors.MAPPING_BAD_RELATION}",
        f"第3行，列“新代码”：{errors.MAPPING_NEEDS_CODES}",
    ]


def test_an_area_kind_of_its_own_is_compared_by_code_only():
    old = [*COUNTY, township("431302101", "杉山镇"), Division("LX-01", "杉山片区", "area_zone", "431302101")]
    new = [*COUNTY, township("431302101", "杉山镇"), Division("LX-02", "杉山片区", "area_zone", "431302101")]
    plan = plan_changes(old, new)
    assert (by_old(plan), added(plan)) == ({"LX-01": ("撤销", "")}, ["LX-02"])


def test_the_whole_plan_fed_back_unchanged_gives_the_same_plan():
    old = [*COUNTY, township("431302101", "杉山镇"), township("431302200", "南牛乡"), township("431302201", "茶园乡")]
    old += [village("431302200201", "南牛村", "431302200"), village("431302201201", "上坪村", "431302201")]
    new = [*COUNTY, township("431302101", "杉山镇"), township("431302106", "南牛镇")]
    new += [village("431302106201", "南牛村", "431302106"), village("431302101230", "上坪村", "431302101")]
    plan = plan_changes(old, new)
    content = plan_file(plan, suffix=".csv", kind_names={}, edition="2023")
    again = plan_changes(old, new, mapping=read_mapping(content))
    assert [(c.kind, c.old_code, c.new_code) for c in again.changes] == [
        (c.kind, c.old_code, c.new_code) for c in plan.changes
    ]
    assert {c.kind for c in plan.changes} == {"更名+改代码", "改代码", "并入", "改代码+隶属变更"}
