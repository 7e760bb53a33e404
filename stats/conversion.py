"""改建率 (会改联): how many of a kind's organisations that are, or were, 妇代会 had become 妇联 by the date.

Wuhu's report: "700个村完成了妇代会改建妇联工作，完成率100%；156个社区……完成率87.2%". A kind is listed
when any of its organisations is still a 妇代会 then, or was recorded turning into a 妇联 by then
(orgunits.org_forms); its organisations due (应改建) are those established then as 妇联 or 妇代会, and
converted (已改建) those that are 妇联 then.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from orgunits.models import OrgForm, UnitKind
from stats.coverage import Coverage
from stats.formatting import percent

CONVERSION_HEADERS = ["单位类型", "应改建", "已改建", "仍为妇代会", "改建率"]


@dataclass(frozen=True)
class Conversion:
    kind: UnitKind
    due: int  # established then as 妇联 or 妇代会
    converted: int  # of them 妇联 then
    recorded: int  # of them recorded turning from 妇代会 into 妇联 by then

    @property
    def still_congress(self) -> int:
        return self.due - self.converted

    @property
    def rate(self) -> Decimal | None:
        return percent(self.converted, self.due)


def conversions(coverage: Coverage) -> list[Conversion]:
    found = []
    for kind in coverage.kinds:
        counts = coverage.forms.get(kind.pk, Counter())
        federation, congress = counts[OrgForm.FEDERATION.value], counts[OrgForm.CONGRESS.value]
        recorded = coverage.converted(kind)
        if congress or recorded:
            found.append(Conversion(kind, federation + congress, federation, recorded))
    return found
