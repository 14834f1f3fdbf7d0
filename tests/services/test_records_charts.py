"""The figures behind the /records charts: compliance per unit and the monthly hours trend per unit."""

from datetime import datetime

from trainer.auth import policy
from trainer.extensions import db
from trainer.org.services import breakdown_units
from trainer.records import charts, report, services

YEAR = 2026


def at(month: int, day: int = 10) -> datetime:
    return datetime(YEAR, month, day, 2, 0)


def test_trend_is_cumulative_per_person_by_month_and_unit(people, content, units):
    admin = people["admin"]
    services.adjust(admin, people["trainee_east"], year=YEAR, category="ethics", minutes=600, reason="补录", now=at(3))
    services.adjust(admin, people["trainee_east"], year=YEAR, category="law", minutes=360, reason="补录", now=at(5))
    services.adjust(admin, people["trainee_west"], year=YEAR, category="ethics", minutes=120, reason="补录", now=at(5, 20))
    services.adjust(admin, people["trainee_west"], year=YEAR, category="service", minutes=240, reason="不计入", now=at(5))
    db.session.commit()
    rules = services.hours_policy()
    visible = policy.visible_units(admin)
    stats = report.unit_compliance(report.hours_report(admin, YEAR), visible)
    shown = breakdown_units(visible, None)
    assert [u.name for u in shown] == ["东区供电所", "西区供电所"]  # the company's sub-units
    rows = charts.hours_trend(YEAR, shown, stats, rules, last_month=6)
    east, west = rows
    assert east.people == 2 and west.people == 2  # a trainer and a trainee each
    assert east.hours[:6] == [0.0, 0.0, 5.0, 5.0, 8.0, 8.0]  # 600 min / 2 people in March, +360 in May
    assert west.hours[:6] == [0.0, 0.0, 0.0, 0.0, 1.0, 1.0]  # 服务 hours do not count toward the target
    assert east.hours[6:] == [None] * 6  # months still to come
    chart = charts.trend_chart(rows, YEAR, rules)
    assert chart["kind"] == "line" and len(chart["categories"]) == 12
    assert [s["name"] for s in chart["series"]] == ["东区供电所", "西区供电所"]
    assert chart["series"][0]["values"][4] == 8.0 and chart["mark"]["value"] == 16

    compliance = charts.compliance_chart(stats, YEAR)
    names = compliance["categories"]
    assert names[0] == "测试供电公司" and "东区营业班" in names
    done, behind = compliance["series"]
    i = names.index("东区营业班")
    assert (done["values"][i], behind["values"][i]) == (1, 0)  # trainee_east has 16 h
    i = names.index("西区供电所")
    assert (done["values"][i], behind["values"][i]) == (0, 2)


def test_trend_of_a_chosen_unit_without_sub_units_is_that_unit(people, content, units):
    trainer = people["trainer_east"]
    visible = policy.visible_units(trainer)
    assert [u.name for u in breakdown_units(visible, None)] == ["东区营业班"]
    team = [u for u in visible if u.name == "东区营业班"]
    assert breakdown_units(visible, team[0]) == team
