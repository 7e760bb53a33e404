"""User-facing error messages of the unit tree, in one place so tests can assert on them.

Each is a str.format template; the placeholders are named.
"""

CODE_BLANK = "代码不能为空。"
CODE_HAS_SPACE = "代码“{code}”含有空格，代码中不能有空格。"
CODE_TOO_LONG = "代码“{code}”过长，最多{limit}个字符。"
CODE_ADMIN_LENGTH = "行政区划代码应为2、4、6、9或12位数字，“{code}”是{length}位。"
CODE_USCC_CHARS = "统一社会信用代码“{code}”含有不允许的字符（不使用I、O、Z、S、V）。"
CODE_USCC_CHECK = "统一社会信用代码“{code}”校验位错误：应为“{expected}”，实为“{actual}”。"
CODE_DUPLICATE = "代码“{code}”已被单位“{name}”使用。"

KIND_NOT_ALLOWED_UNDER = "“{kind}”不能设在“{parent_kind}”之下。允许的上级类型：{allowed}。"
KIND_NEEDS_PARENT = "“{kind}”必须有上级单位。允许的上级类型：{allowed}。"
KIND_CHANGE_ORPHANS_CHILDREN = "改为“{kind}”后，下级单位“{child}”（{child_kind}）不能再设在它之下。"

MOVE_INTO_OWN_SUBTREE = "不能把“{unit}”移到它自己或它的下级单位“{target}”之下，这会形成循环。"
MOVE_ALREADY_THERE = "“{unit}”已经在“{target}”之下。"

OPENED_BEFORE_PARENT = "成立日期{opened_on}早于上级单位“{parent}”的成立日期{parent_opened_on}。"
OPEN_AFTER_PARENT_CLOSED = "上级单位“{parent}”已于{parent_closed_on}撤销，本单位不能在此之后仍存续。"
CHILD_OPENED_BEFORE = "下级单位“{child}”的成立日期{child_opened_on}早于本单位的成立日期{opened_on}。"
CHILDREN_STILL_OPEN = "还有下级单位（如“{child}”）在{closed_on}之后仍存续；请用“撤销”操作一并撤销整个下级。"
CLOSE_BEFORE_CHILD_OPENED = "下级单位“{child}”的成立日期{child_opened_on}晚于撤销日期{closed_on}，不能撤销。"
CLOSE_BEFORE_OPENED = "撤销日期{closed_on}早于成立日期{opened_on}。"
CLOSE_BEFORE_ORG_ESTABLISHED = "单位“{unit}”的妇女组织成立于{org_established_on}，晚于撤销日期{closed_on}。"
ALREADY_CLOSED = "“{unit}”已于{closed_on}撤销。"

# Date rules that also live in the database as CheckConstraints.
DATES_CLOSED_BEFORE_OPENED = "撤销日期不能早于成立日期。"
DATES_ORG_BEFORE_UNIT = "妇女组织成立日期不能早于单位成立日期。"
DATES_ORG_DISSOLVED_BEFORE_ESTABLISHED = "妇女组织撤销日期不能早于妇女组织成立日期。"
DATES_ORG_DISSOLVED_WITHOUT_ESTABLISHED = "填写了妇女组织撤销日期，就必须填写妇女组织成立日期。"
DATES_ORG_OUTLIVES_UNIT = "单位已撤销，妇女组织撤销日期不能晚于单位撤销日期。"

DELETE_HAS_CHILDREN = "“{unit}”还有{count}个下级单位，不能删除；请改为撤销（设置撤销日期）。"
DELETE_HAS_RECORDS = "“{unit}”还有{count}条{what}记录，不能删除；请改为撤销（设置撤销日期）。"

# Bulk loading of the statistics division CSVs.
CSV_MISSING_FILE = "目录{directory}中缺少文件{file}。"
CSV_MISSING_COLUMNS = "{file}缺少列：{columns}（表头为：{header}）。"
CSV_BLANK_VALUE = "{file}第{line}行，列{column}：不能为空。"
CSV_BAD_CODE = "{file}第{line}行，列{column}：代码“{code}”应为{length}位数字。"
CSV_CODE_OUTSIDE_RULES = (
    "{file}第{line}行，列{column}：代码“{code}”末三位为{tail}，不在统计用区划代码规则的范围内（应为000–{last}）。"
)
CSV_DUPLICATE_CODE = "{file}第{line}行，列{column}：代码“{code}”重复，已出现在{first}。"
CSV_UNKNOWN_PARENT = "{file}第{line}行，列{column}：上级代码“{code}”不存在。"
CSV_UNDER_NOT_FOUND = "文件中没有代码为“{code}”的省、市或县。"
LOAD_CONFLICT = (
    "代码{code}：库中为“{db_name}”（{db_kind}，上级{db_parent}），"
    "文件中为“{file_name}”（{file_kind}，上级{file_parent}）。"
)
LOAD_CONFLICTS = "库中已有{count}个代码相同但内容不同的单位，未写入任何数据：\n{details}"
LOAD_NO_ROOT = "库中有多个顶层单位，无法确定全国节点；请先修复。"
MOVE_TOP_UNIT = "这是您管辖范围最上一级的单位，移动它会改变上级单位的下级，只能由上级单位操作。"

# The unit import (orgunits/unit_import.py).
UNKNOWN_KIND = "没有这种单位类型，可选：{choices}。"
UNKNOWN_ORG_FORM = "没有这种妇女组织形式，可选：{choices}。"
DUPLICATE_ROW = "代码与第{first}行重复。"
UNKNOWN_PARENT = "上级代码“{code}”既不在库中，也不在本文件中。"
CODE_TAKEN = "该代码已被使用，请联系上级妇联核实。"
# A code a unit had before a division change: a row with it would create a second unit beside the one
# that carries on under the new code.
FORMER_CODE = "代码{old}已于{on}改为{new}（{name}），请使用现行代码"
PARENT_NEEDED = "新单位必须填写上级代码。"
OWN_PARENT = "上级代码不能是本单位自己的代码。"
CYCLE = "上级关系形成循环：{chain}（涉及第{rows}行）。"
PARENT_INVALID = "上级单位“{code}”所在的第{row}行有错误，请先改正那一行。"
NAME_TOO_LONG = "名称过长，最多{limit}个字。"
IMPORT_HAS_ERRORS = "文件中有{count}处错误，未导入任何数据。"

# The scope check, here because the unit import below access checks it too; access.scope re-exports it.
OUT_OF_SCOPE = "“{unit}”不在您的管辖范围内。"

# The change plan between the units and a new edition of the division codes (orgunits/division_plan.py).
PLAN_AMBIGUOUS = "有多个可能的对应单位：{candidates}；请在“新代码”和“关系”列中选定。"
PLAN_CONTESTED = "可能的对应单位{candidates}也是其他原单位的可能对应；请在“新代码”和“关系”列中选定（同一单位或并入）。"
PLAN_HAND_ADDED = "手工添加的单位，所在区划“{name}”（{code}）在新版中不再存在，需决定去向。"
MAPPING_UNKNOWN_OLD = "该日存续的区划单位中没有这个代码。"
MAPPING_UNKNOWN_NEW = "新版区划中没有这个代码。"
MAPPING_DUPLICATE_OLD = "原代码与第{first}行重复。"
MAPPING_STILL_THERE = "该代码在新版中仍然存在，它只能是新版中同代码单位的同一单位。"
MAPPING_NEW_TAKEN = "该新代码已在第{first}行作为原代码“{code}”的同一单位。"
MAPPING_NEW_STILL_ITSELF = "库中已有这个代码的单位，它在新版中就是它自己，不能再作为另一单位的同一单位。"
MAPPING_INTO_DESCENDANT = "不能把“{name}”并入它自己或它的下级“{target}”。"
MAPPING_BAD_RELATION = "关系应填“同一单位”“并入”（区划单位）或“移至”“撤销”（手工添加的单位），或留空。"
MAPPING_NEEDS_CODES = "填写了关系，就必须同时填写原代码和新代码（关系为“撤销”时新代码可空）。"

# Applying a division change (division_apply)
APPLY_BEFORE_LAST = "调整日期{on}早于本区域上次区划调整的日期{last}；区划调整须按日期先后进行。"
APPLY_UNDECIDED = "“{name}”（{code}）的对应单位不确定：{note}"
APPLY_HAND_ADDED_UNDECIDED = "“{name}”（{code}）：{note}请在对应表中为它填写“移至”（新代码为新的上级单位）或“撤销”。"
APPLY_HAND_UNKNOWN = "该日存续的手工添加单位中没有这个代码。"
APPLY_HAND_DUPLICATE = "原代码与第{first}行重复。"
APPLY_MOVE_TARGET_UNKNOWN = "新版区划和库中存续的手工添加单位都没有这个代码。"
APPLY_MOVE_TARGET_CLOSED = "新上级“{name}”在这次调整中撤销，不能移到它下面。"
APPLY_MOVE_INTO_ITSELF = "不能把“{name}”移到它自己或它的下级之下。"
APPLY_CODE_TAKEN = "新版代码{code}（{name}）已属于库中的“{old_name}”，它已撤销或不在这次调整的范围内；请先处理该单位。"
APPLY_OPENED_AFTER = "“{name}”（{code}）成立于{opened_on}，晚于调整日期{on}，不能在这天撤销。"
APPLY_ORG_AFTER = "“{name}”（{code}）的妇女组织成立于{established_on}，晚于调整日期{on}，不能在这天撤销。"
APPLY_CLOSED_REASON = "区划调整（{edition}版）：{change}"

# Changes of an organisation's form (会改联): orgunits/org_forms.py.
FORM_CHANGE_NO_ORG = "{on}该单位没有妇女组织，不能记录组织形式变更。"
FORM_CHANGE_SAME = "原组织形式与新组织形式都是{form}，不是变更。"
FORM_CHANGE_FROM = "该单位{on}已改为{form}，原组织形式应为{form}。"
FORM_CHANGE_TO = "该单位{on}的变更记录写明此前为{form}，新组织形式应为{form}。"
FORM_CHANGE_FROM_NEEDED = "该单位此后还有组织形式变更记录，请填写原组织形式。"
FORM_CHANGE_DATE_TAKEN = "该单位{on}已有一条组织形式变更记录。"
FORM_CHANGE_CONVERTED_ONCE = "该单位已记录{on}由妇代会改建为妇联，会改联每个组织只记一次。"
FORM_EDIT_BEFORE_LATEST = "该单位{on}有一条更晚的组织形式变更记录；更早的变更请在“组织形式变更”中录入。"
FORM_CHANGE_DELETE_BETWEEN = "只能删除该单位最早或最近的一条组织形式变更记录，否则前后记录接不上。"
