from django import template
from django.utils.http import urlencode

from stats.coverage import CoverageComparison, current_of
from stats.tables import branch_table, conversion_table, coverage_table, summary_table

register = template.Library()


@register.simple_tag
def coverage_tables(result):
    current, table = current_of(result), coverage_table(result)
    query = {"on": current.on.isoformat()}
    if isinstance(result, CoverageComparison):
        query["compare"] = "on"
    return {
        "unit": current.unit,
        "on": current.on,
        "summary": summary_table(table),
        "branches": branch_table(table),
        "conversion": conversion_table(current),
        "link_query": urlencode(query),
    }
