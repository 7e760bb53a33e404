"""User-facing error messages of statistics, indicators and coverage (str.format templates)."""

COUNT_NOT_INTEGER = "{what}：“{value}”不是整数，应填非负整数；约数写作“5200余”。"
COUNT_NEGATIVE = "{what}：{value}是负数，应填非负整数。"
FEMALE_ABOVE_TOTAL = "{element}：女性{female}人超过合计{total}。"
FEMALE_NOT_APPLICABLE = "{element}没有女性分项，不能填写女性数。"
FEMALE_WITHOUT_TOTAL = "{element}：填写了女性数，就必须填写合计。"
UNKNOWN_ELEMENT = "没有代码为“{code}”的统计指标项。"
RULE_VIOLATED = "不符合校验规则“{rule}”：{left_text}={left} {operator} {right_text}={right} 不成立。"

ELEMENT_CODE_FORMAT = "代码只能由小写字母、数字和下划线组成，并以字母开头。"

PERIOD_FORMAT = (
    "统计期“{text}”无法识别，应为年份（2023）、季度（2023Q3 或 2023年第三季度）、"
    "月份（2023-09 或 2023年9月）或累计月份（2023年1-9月）。"
)
PERIOD_MONTHS = "统计期的月份{first}–{last}不是全年、季度、单月或从1月起的累计月份。"

EXPR_SYNTAX = "表达式“{text}”有语法错误。"
EXPR_NOT_ALLOWED = "表达式“{text}”中不允许使用“{part}”；只能用指标项代码、.total、.female、数字和 + - * / 括号。"
EXPR_UNKNOWN_ELEMENT = "表达式“{text}”中的“{code}”不是已有的统计指标项代码。"
EXPR_NO_FEMALE_PART = "表达式“{text}”中的“{code}”没有女性分项，不能用 .female。"

INDICATOR_NEEDS_NUMERATOR = "请填写分子表达式，或选择一个组建率类型。"
