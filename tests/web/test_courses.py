"""Catalogue, course and module pages; marking sections read."""

from trainer.courses.services import get_module


def test_catalogue_and_course_pages(client, auth, people, content):
    auth.login("trainee_east")
    page = client.get("/courses").get_data(as_text=True)
    assert "测试课程:柜台服务" in page and "2 个单元" in page
    page = client.get("/courses/demo-course").get_data(as_text=True)
    assert "柜台服务基础" in page and "1.5 学时" in page and "000 §5.1" in page


def test_module_renders_markdown_and_marks_sections_read(client, auth, people, content):
    auth.login("trainee_east")
    module = get_module("counter-basics")
    page = client.get("/modules/counter-basics").get_data(as_text=True)
    assert "<blockquote>" in page and "<table>" in page and 'value="0"' in page
    response = client.post(f"/modules/counter-basics/sections/{module.sections[0].id}/read", headers={"Accept": "application/json"})
    assert response.get_json() == {"section": module.sections[0].id, "read": True, "done": 1, "total": 3, "percent": 33}
    page = client.get("/modules/counter-basics").get_data(as_text=True)
    assert "✓ 已读" in page and 'value="33"' in page
    home = client.get("/").get_data(as_text=True)
    assert "柜台服务基础" in home  # still the next module to finish


def test_unknown_module_and_section_are_404_in_chinese(client, auth, people, content):
    auth.login("trainee_east")
    response = client.get("/modules/no-such-module")
    assert response.status_code == 404 and "学习单元不存在" in response.get_data(as_text=True)
    assert client.post("/modules/counter-basics/sections/999999/read").status_code == 404


def test_phone_sized_layout_has_viewport(client, auth, people, content):
    auth.login("trainee_east")
    assert 'name="viewport"' in client.get("/modules/counter-basics").get_data(as_text=True)
