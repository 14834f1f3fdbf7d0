"""The certificate's layout (trainer/certification/layout.py) with a stand-in measure: long texts shrink,
then wrap, then are cut with "…", and no box ever leaves the inner border."""

import pytest

from trainer.certification import layout
from trainer.certification.seal import ring_angles


def measure(text: str, size: float) -> float:
    """Every character one em wide (a CJK font's full-width glyphs), in mm."""
    return len(text) * size * layout.PT


def page(**overrides):
    values = dict(name="张三", qualification="营业厅柜台服务上岗资格", dates="发证日期:2026年03月01日", code="ABCD-EFGH-JKLM",
                  url="https://train.example.internal/verify/ABCDEFGHJKLM", issuer="国网示范市供电公司",
                  date="2026年03月01日")
    return layout.plan(**{**values, **overrides}, measure=measure)


def assert_inside(plan: layout.Plan) -> None:
    for placed in plan.texts:
        assert layout.INNER.contains(placed.box), placed.name
        for line in placed.fitted.lines:
            assert measure(line, placed.fitted.size) <= placed.box.w + 1e-6, (placed.name, line)
    assert layout.INNER.contains(plan.qr) and layout.INNER.contains(plan.seal)


def test_a_short_issuer_keeps_its_size_on_one_line():
    plan = page()
    issuer = plan.text("issuer")
    assert issuer.fitted.lines == ("国网示范市供电公司",) and issuer.fitted.size == 15
    assert_inside(plan)


def test_a_long_issuer_shrinks_then_wraps_inside_the_border():
    long_name = "国网某某省电力有限公司某某市供电公司客户服务中心营业厅及城区第三供电所综合班组联合培训认证办公室"
    plan = page(issuer=long_name)
    issuer = plan.text("issuer")
    assert issuer.fitted.size == 9 and len(issuer.fitted.lines) == 2
    assert "".join(issuer.fitted.lines) == long_name  # wrapped, nothing lost
    assert_inside(plan)


def test_past_the_last_line_the_text_is_cut_with_an_ellipsis():
    plan = page(issuer="很长的单位名称" * 30, name="名字" * 200, qualification="资格" * 200, url="https://x/" + "a" * 500)
    issuer = plan.text("issuer")
    assert len(issuer.fitted.lines) == 2 and issuer.fitted.lines[-1].endswith("…")
    assert_inside(plan)
    boxes = sorted((p.box for p in plan.texts if p.name in ("title", "name", "statement", "qualification", "dates")),
                   key=lambda b: b.y)
    assert all(a.bottom <= b.y + 1e-6 for a, b in zip(boxes, boxes[1:], strict=False))  # the middle never overlaps
    assert boxes[-1].bottom <= plan.qr.y  # … nor runs into the bottom band


@pytest.mark.parametrize("count", [1, 2, 9, 40])
def test_seal_characters_stay_on_the_upper_arc(count):
    angles = ring_angles(count)
    assert len(angles) == count and angles == sorted(angles, reverse=True)
    assert all(-45 <= a <= 225 for a in angles)
    assert sum(angles) / count == pytest.approx(90)  # centred on the top
