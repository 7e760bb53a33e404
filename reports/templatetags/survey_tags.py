from django import template

from reports.charts import svg

register = template.Library()


@register.filter
def chart_svg(chart):
    return svg(chart)
