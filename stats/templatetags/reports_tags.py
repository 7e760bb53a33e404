from django import template
from django.utils.http import urlencode

from stats.coverage import CoverageComparison, current_of
from stats.tables import branch_table, summary_table

register = template.Library()


@register.simple_tag
def coverage_tables(result):
    current = current_of(result)
    query = {"on": current.on.isoformat()}
    if isinstance(result, CoverageComparison):
        query["compare"] = "on"
    return {
        "unit": current.unit,
        "on": current.on,
        "summary": summary_table(result),
        "branches": branch_table(result),
        "link_query": urlencode(query),
    }


@register.filter
def chart_svg(chart):
    from reports.charts import svg

    return svg(chart)
