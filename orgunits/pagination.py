"""Pages over lists that may hold a million rows: the count stops at a cap.

A clerk's search for a common surname (张) in a province matches tens of thousands of people. Counting
them all took longer than the page itself, and nobody pages through them: past the cap the page says
“超过1,000条” and asks for a fuller name.
"""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 1000
CAPPED_COUNT = "超过{cap:,}条，请输入更完整的条件缩小范围"


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows (one query, `SELECT count(*) FROM (… LIMIT cap + 1)`): `count` is
    then COUNT_CAP and `capped` True, so the pages offered are the first COUNT_CAP rows'."""

    cap = COUNT_CAP

    @cached_property
    def counted(self) -> int:
        if hasattr(self.object_list, "query"):
            # Unordered: any cap + 1 matches will do, and PostgreSQL stops at them instead of sorting all.
            return self.object_list.order_by()[: self.cap + 1].count()
        return len(self.object_list[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap

    @property
    def capped_text(self) -> str:
        return CAPPED_COUNT.format(cap=self.cap) if self.capped else ""
