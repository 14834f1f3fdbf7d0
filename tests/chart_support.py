"""Reading a chart's payload back from a page, as static/js/charts.js does."""

import html
import json
import re


def chart_data(page: str, chart_id: str) -> dict:
    """The JSON the chart ``chart_id`` on ``page`` is drawn from (its data-chart attribute)."""
    match = re.search(rf'id="{chart_id}"[^>]*data-chart=\'([^\']*)\'', page)
    assert match, f"no chart {chart_id}"
    return json.loads(html.unescape(match.group(1)))
