"""常漏要点 (/roleplay/review/missed): the chart's data on the page, the tables, the filters and the scope."""

from tests.chart_support import chart_data
from tests.conftest import Auth
from tests.services.test_roleplay_missed import GREETING, HELP, SEAT, scored
from trainer.extensions import db
from trainer.roleplay import services


def test_the_page_embeds_the_most_missed_items_of_the_trainers_people(client, people, content, units):
    scored(people["trainee_east"], "counter-greeting", [(GREETING, True), (SEAT, False), (HELP, False)])
    scored(people["trainee_west"], "counter-greeting", [(GREETING, False)])
    db.session.commit()
    Auth(client).login("trainer_east")
    assert 'href="/roleplay/review/missed"' in client.get("/roleplay/review").get_data(as_text=True)
    page = client.get("/roleplay/review/missed").get_data(as_text=True)
    data = chart_data(page, "missed-chart")
    assert set(data["categories"]) == {"请坐", "询问需求"}  # 您好 was missed only in the west
    assert data["series"][0]["name"] == "漏掉" and data["series"][0]["values"] == [1, 1]
    assert "js/charts.js" in page and "各单位最常漏掉的" in page and "东区营业班" in page and "西区" not in page
    scenario = services.get_scenario("counter-greeting").id
    filtered = client.get(f"/roleplay/review/missed?scenario={scenario + 999}").get_data(as_text=True)
    assert "还没有已评分的回答" in filtered and 'id="missed-chart"' not in filtered
    assert client.get(f"/roleplay/review/missed?unit={units['west'].id}").status_code == 403
    assert client.get("/roleplay/review/missed?unit=999999").status_code == 404
