"""What the access pages answer when they refuse: one constant per refusal, asserted by the tests."""

GRANT_BEYOND_OWN = "只能授予您自己拥有的权限，以及权限不超出您的用户组。"
NOT_BELOW_YOURS = "只能分配到您所管理单位的下级单位，不能分配到“{unit}”。"
OWN_ASSIGNMENT = "不能修改自己的管辖范围。"
