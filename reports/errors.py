"""User-facing error messages of survey reports (str.format templates)."""

SURVEY_EXISTS = "该单位该年度已有调研报告。"
SURVEY_SNAPSHOT_STATE = "定稿的报告必须有数据快照和定稿时间，草稿不能有。"
SURVEY_FINAL_READ_ONLY = "报告“{title}”已定稿，不能修改；如需修改，请先退回草稿。"
SURVEY_ALREADY_FINAL = "报告“{title}”已经定稿。"
SURVEY_NOT_FINAL = "报告“{title}”还是草稿，无需退回。"
SURVEY_UNIT_CLOSED = "“{unit}”在{year}年之前已撤销，不能为其写该年度的调研报告。"
SNAPSHOT_VERSION = "定稿数据快照的版本“{version}”无法识别，可识别的版本：{readable}。"
