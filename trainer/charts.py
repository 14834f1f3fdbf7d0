"""Chart payloads: plain dicts that a page embeds as JSON and static/js/charts.js draws with the vendored ECharts.

No Flask and no database here: features compute their figures in their services and describe the chart
with these builders, so a service test can check the numbers a chart will show. Every page keeps a table
with the same figures next to the chart (screen readers, printing, copying into a report).

Payload: ``{"kind": "bar" | "line", "label": aria text, "categories": [...], "series": [{"name", "values",
"stack"?, "colors"?}], "horizontal": bool, "max": number | None, "suffix": unit text, "mark": {"value",
"label"} | None}``. ``colors`` (one per value) overrides the series colour, e.g. to flag questions.
"""

from __future__ import annotations

from collections.abc import Sequence

GREEN, AMBER, RED, BLUE, GREY = "#2e7d32", "#c77700", "#c62828", "#1f5fa8", "#9aa5b1"


def series(name: str, values: Sequence[float | int | None], *, stack: str | None = None,
           colors: Sequence[str] | None = None, color: str | None = None) -> dict:
    """One series; ``values`` line up with the chart's categories (None: no value there)."""
    item: dict = {"name": name, "values": list(values)}
    if stack:
        item["stack"] = stack
    if colors is not None:
        item["colors"] = list(colors)
    if color:
        item["color"] = color
    return item


def bar_chart(label: str, categories: Sequence[str], data: Sequence[dict], *, horizontal: bool = True,
              max_value: float | None = None, suffix: str = "", mark: tuple[float, str] | None = None) -> dict:
    """Bars per category (horizontal by default: long Chinese unit names and questions read best as rows)."""
    return _chart("bar", label, categories, data, horizontal=horizontal, max_value=max_value, suffix=suffix, mark=mark)


def line_chart(label: str, categories: Sequence[str], data: Sequence[dict], *, max_value: float | None = None,
               suffix: str = "", mark: tuple[float, str] | None = None) -> dict:
    """One line per series over ordered categories (months)."""
    return _chart("line", label, categories, data, horizontal=False, max_value=max_value, suffix=suffix, mark=mark)


def _chart(kind, label, categories, data, *, horizontal, max_value, suffix, mark) -> dict:
    categories = list(categories)
    for item in data:
        if len(item["values"]) != len(categories):
            raise ValueError(f"series {item['name']!r} has {len(item['values'])} values for {len(categories)} categories")
    return {
        "kind": kind, "label": label, "categories": categories, "series": list(data), "horizontal": horizontal,
        "max": max_value, "suffix": suffix, "mark": {"value": mark[0], "label": mark[1]} if mark else None,
    }


def histogram(values: Sequence[float], *, low: float = 0, high: float = 100, width: float = 10) -> tuple[list[str], list[int]]:
    """Bin labels ("0–10", …, "90–100") and counts of ``values``: a bin holds its lower edge and not its upper
    one, except the last, which also holds ``high``. Values outside [low, high] go to the first or last bin."""
    edges = []
    start = low
    while start < high:
        edges.append(start)
        start += width
    counts = [0] * len(edges)
    for value in values:
        index = int((min(max(value, low), high) - low) // width)
        counts[min(index, len(edges) - 1)] += 1
    labels = [f"{_num(e)}–{_num(min(e + width, high))}" for e in edges]
    return labels, counts


def _num(value: float) -> str:
    return f"{value:g}"
