"""Figures for the exam charts: the distribution of each person's best score (results page) and each
question's facility index (analysis page). Pure: they take what trainer/quiz/analysis.py computed."""

from __future__ import annotations

from trainer import charts
from trainer.quiz.analysis import MIN_SAMPLE, ItemStats, UnitResult
from trainer.quiz.question_text import plain_text

FLAG_COLOURS = {"太难或答案有误": charts.RED, "太容易": charts.AMBER}
STEM_SHOWN = 16  # characters of a question's stem used as its label


def score_chart(rows: list[UnitResult], pass_percent: int) -> dict:
    """How many people's best submitted score falls in each 10-point band: green from the pass mark up, amber for
    a band the pass mark splits, red below."""
    best = [p.best for row in rows for p in row.people if p.best is not None]
    labels, counts = charts.histogram(best)
    colours = [charts.GREEN if index * 10 >= pass_percent else charts.AMBER if index * 10 + 10 > pass_percent else charts.RED
               for index in range(len(labels))]
    return charts.bar_chart("各分数段人数(每人最高分)", labels, [charts.series("人数", counts, colors=colours)],
                            horizontal=False, suffix=" 人")


def question_label(number: int, stem: str) -> str:
    text = " ".join(plain_text(stem).split())
    return f"{number}. {text[:STEM_SHOWN]}{'…' if len(text) > STEM_SHOWN else ''}"


def colour(stats: ItemStats) -> str:
    if stats.n < MIN_SAMPLE:
        return charts.GREY  # too few answers to judge
    return next((FLAG_COLOURS[f] for f in stats.flags if f in FLAG_COLOURS), charts.BLUE)


def difficulty_chart(rows: list[tuple[object, ItemStats, list]]) -> dict:
    """One bar per question (in the page's order, hardest first): its facility index 0–1, red when too hard
    or possibly keyed wrong, amber when too easy, grey when fewer than ``MIN_SAMPLE`` answers."""
    return charts.bar_chart(
        "各题难度系数(平均得分率)", [question_label(i, q.stem) for i, (q, _s, _c) in enumerate(rows, start=1)],
        [charts.series("难度系数", [round(s.facility or 0, 2) for _q, s, _c in rows], colors=[colour(s) for _q, s, _c in rows])],
        max_value=1,
    )
