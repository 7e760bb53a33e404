"""User-facing error messages of people, posts, terms and appointments (str.format templates)."""

ID_SHAPE = "身份证号“{value}”格式不对：应为18位，前17位是数字，最后一位是数字或X。"
ID_CHECK = "身份证号“{value}”校验位错误：应为“{expected}”，实为“{actual}”。"
ID_BAD_DATE = "身份证号“{value}”中的出生日期不存在。"
ID_BIRTH_MISMATCH = "身份证号中的出生日期是{encoded}，与填写的出生日期{given}不符。"
ID_SEX_MISMATCH = "身份证号表明性别为{encoded}，与填写的性别{given}不符。"
# Neutral on purpose: the holder may be in another county, and even her name must not leak.
ID_REGISTERED = "该身份证号已登记，请联系上级妇联核实。"
PHONE_FORMAT = "手机号“{value}”不对：应为1开头的11位数字。"

APPOINTMENT_END_BEFORE_START = "任职结束日期{end_on}早于开始日期{start_on}。"
APPOINTMENT_OVERLAP = "“{person}”在“{unit}”任“{post}”已有{start_on}至{end_on}的任职，与本次任职时间重叠。"
APPOINTMENT_BEFORE_UNIT_OPENED = "任职开始日期{start_on}早于“{unit}”的成立日期{opened_on}。"
APPOINTMENT_AFTER_UNIT_CLOSED = "“{unit}”已于{closed_on}撤销，任职必须在此之前结束。"
APPOINTMENT_NO_ORGANISATION = "“{unit}”在{on}没有已建立的妇女组织，不能任职。"
APPOINTMENT_OUTLIVES_ORGANISATION = "“{unit}”的妇女组织已于{dissolved_on}撤销，任职必须在此之前结束。"
APPOINTMENT_TERM_OTHER_UNIT = "所选届次“{term}”不属于“{unit}”。"
SEATS_EXCEEDED = "“{unit}”的“{post}”已有{count}人在任，超过职数{seats}人（仅提醒，已保存）。"
SEATS_ONE_PER_KIND = "该职务已设此单位类型的职数。"
SEATS_AT_LEAST_ONE = "职数至少为1；不设职数的单位类型请删除该行。"

TERM_DUE_BEFORE_ELECTED = "届满日期{due_on}不能早于选举日期{elected_on}。"
TERM_CLOSED_BEFORE_ELECTED = "换届结束日期{closed_on}不能早于选举日期{elected_on}。"
TERM_ELECTED_BEFORE_PREVIOUS = "选举日期{elected_on}不能早于上一届（第{ordinal}届）的选举日期{previous}。"
TERM_ONE_OPEN = "“{unit}”已有未结束的届次。"

AGE_BAND_NO_BOUND = "年龄段至少要有下限或上限。"
AGE_BAND_LOWER_ABOVE_UPPER = "年龄段的下限不能大于上限。"
AGE_SET_ONE_DEFAULT = "该单位已有默认的年龄段方案。"
EDUCATION_SET_ONE_DEFAULT = "该单位已有默认的文化程度分组方案。"
EDUCATION_GROUP_EMPTY = "文化程度分组至少要包含一个学历。"
EDUCATION_GROUP_UNKNOWN_LEVEL = "学历“{value}”不在可选范围内。"

CLOSE_TERM_AFTER = "“{unit}”第{ordinal}届的选举日期{elected_on}晚于单位撤销日期{on}，请先改正该届次。"
CLOSE_APPOINTMENT_AFTER = "“{unit}”的{person}（{post}）任职开始于{start_on}，晚于单位撤销日期{on}，请先改正该任职。"

DUTY_APPOINTMENT_OTHER = "所选任职不是该人员在该单位的任职。"
DUTY_APPOINTMENT_NOT_ACTIVE = "履职日期{done_on}不在所选任职的任职期间内。"
DUTY_IN_FUTURE = "履职日期{done_on}晚于今天。"
DUTY_DUPLICATE = "该人员当天在该单位已有同类履职记录，请修改原记录（户数、人数合计填写）。"
DUTY_TYPE_UNKNOWN = "履职类型“{value}”不存在，可选：{choices}。"
DUTY_PERSON_NOT_FOUND = "找不到该人员：请核对身份证号，或填写姓名和单位代码（须在该单位任过职）。"
DUTY_PERSON_AMBIGUOUS = "“{unit}”有{count}位“{name}”任过职，请填写身份证号以区分。"
DUTY_COUNT_FORMAT = "“{value}”不是不小于0的整数。"
DUTY_SAME_ROW = "与第{other}行是同一条履职记录（同一人、同一天、同一单位、同一类型）。"

# On a person's revert page, for a user who may not see personal data: the masked values are the version's.
REVERT_KEEPS_PERSONAL_DATA = "手机号和身份证号不随还原改变：您无权查看个人信息，还原后仍保留现有的手机号和身份证号。"
