"""Terminal table and JSON for ``trainer content hours`` (CJK characters count two columns)."""

from trainer.content.coverage_text import fit
from trainer.content.hours import (
    CASE_MINUTES,
    QUESTION_MINUTES,
    QUIZ_ITEM_MINUTES,
    READING_CHARS_PER_MINUTE,
    REFLECTION_MINUTES,
    HoursReport,
    ModuleHours,
)
from trainer.content.model import CREDIT_CATEGORIES

RATES = (
    f"Rates: reading {READING_CHARS_PER_MINUTE} Han characters/min; question in the text {QUESTION_MINUTES:g} min; "
    f"worked case that asks {CASE_MINUTES:g} min; reflection {REFLECTION_MINUTES:g} min; quiz item "
    + ", ".join(f"{kind} {minutes:g}" for kind, minutes in QUIZ_ITEM_MINUTES.items()) + " min. "
    "Self-study = reading + questions + cases + reflections + one quiz; classroom plans and role-play are "
    "credited separately (classroom session recorded, scenario passed)."
)

COLUMNS = (("module", 34), ("cat", 8), ("credit", 6), ("chars", 6), ("read", 5), ("Q", 3), ("case", 4),
           ("refl", 4), ("quiz", 5), ("study", 6), ("class", 5), ("rp", 3))


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".") + "h"


def _row(m: ModuleHours) -> str:
    cells = (
        m.module_id, m.category, _hours(m.credit_minutes), str(m.characters), f"{m.reading_minutes:.0f}m",
        str(m.count("question")), str(m.count("case")), str(m.count("reflection")), f"{m.quiz_minutes:.0f}m",
        f"{m.self_study_minutes:.0f}m", f"{m.classroom_minutes:.0f}m" if m.classroom_minutes else "-", str(len(m.scenarios)),
    )
    flag = "  OVER" if m.over_credited else ""
    return " ".join(fit(text, width) for text, (_name, width) in zip(cells, COLUMNS, strict=True)).rstrip() + flag


def render(report: HoursReport, annual_categories: tuple[str, ...] = ("ethics", "law"), target_minutes: int = 16 * 60) -> list[str]:
    lines = [RATES, "", " ".join(fit(name, width) for name, width in COLUMNS).rstrip()]
    lines += [_row(m) for m in report.modules]
    lines += ["", "By category (module credit / self-study estimate / what it supports in quarter-hour steps; "
              "classroom plans; role-play scenario credits):"]
    for name, totals in report.categories.items():
        if totals.modules or totals.scenario_minutes:
            lines.append(
                f"  {name} {CREDIT_CATEGORIES.get(name, '')}: {totals.modules} modules, credit {_hours(totals.credit_minutes)}, "
                f"self-study {_hours(totals.self_study_minutes)}, supports {_hours(totals.supported_minutes)}; "
                f"classroom plans {_hours(totals.classroom_minutes)}; role-play {_hours(totals.scenario_minutes)}"
            )
    both = report.combined(annual_categories)
    credited = both.credit_minutes + both.scenario_minutes
    lines.append(
        f"Annual requirement ({' + '.join(annual_categories)}, target {_hours(target_minutes)}, 001 篇1 八.(一).6): "
        f"modules credit {_hours(both.credit_minutes)} (self-study supports {_hours(both.supported_minutes)}), "
        f"role-play {_hours(both.scenario_minutes)}, together {_hours(credited)}; "
        f"classroom plans add {_hours(both.classroom_minutes)} when held and recorded"
    )
    over = report.over_credited()
    lines.append(f"Modules crediting more than they offer: {len(over)}" + (": " + ", ".join(m.module_id for m in over) if over else ""))
    return lines


def to_dict(report: HoursReport) -> dict:
    return {
        "rates": {"reading_chars_per_minute": READING_CHARS_PER_MINUTE, "question": QUESTION_MINUTES, "case": CASE_MINUTES,
                  "reflection": REFLECTION_MINUTES, "quiz_item": QUIZ_ITEM_MINUTES},
        "modules": [
            {
                "id": m.module_id, "course": m.course_id, "category": m.category, "credit_minutes": m.credit_minutes,
                "characters": m.characters, "reading_minutes": round(m.reading_minutes, 1),
                "activities": {kind: {"count": m.count(kind), "minutes": round(m.minutes_of(kind), 1)}
                               for kind in ("question", "case", "reflection", "classroom")},
                "quiz": {"items": m.quiz_items, "minutes": round(m.quiz_minutes, 1)},
                "self_study_minutes": round(m.self_study_minutes, 1), "supported_minutes": m.supported_minutes,
                "scenarios": [{"id": s, "category": c, "credit_minutes": n} for s, c, n in m.scenarios],
                "over_credited": m.over_credited, "problems": m.problems,
            }
            for m in report.modules
        ],
        "categories": {name: {k: round(v, 1) if isinstance(v, float) else v for k, v in vars(t).items()}
                       for name, t in report.categories.items()},
    }
