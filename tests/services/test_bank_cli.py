"""``trainer bank list | import | export``: the same preview and import as the page, one JSON line per question,
exit codes 0 / 1 / 2, the acting person's rights and name in the audit log, dry runs that write nothing."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from trainer.audit import AuditEvent
from trainer.extensions import db
from trainer.quiz import banks
from trainer.quiz.models import Question, QuestionBank

MIXED = """// 出处: 000 §5.2.1 | 难度: 1
::phone ring::电话铃响超过5声才接听时,首先应怎样做?{~报出单位名称 =道歉 ~询问来意}

::Moodle tf::客户来办理业务时,可以先处理完手中的内部工作再接待。{F}

::essay one::请谈谈你对优质服务的理解。{}

::dup options::下列哪项正确?{=甲 ~甲 ~乙}
"""
GOOD = """::q1::电话铃响____声内接听。{=5 =五}

::q2::客户来办理业务时,可以先处理完手中的内部工作再接待。{F}
"""
INTEROP = Path("/work/shared/fixtures/interop/gift/moodle_examples.txt")


def _file(tmp_path, text, name="bank.gift") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _json_lines(output: str) -> tuple[list[dict], dict]:
    objects = [json.loads(line) for line in output.splitlines() if line.strip()]
    return objects[:-1], objects[-1]


def _bank_count() -> int:
    return db.session.scalar(select(func.count()).select_from(QuestionBank))


def test_json_lines_per_question_and_exit_2_when_some_are_skipped(runner, people, tmp_path):
    result = runner.invoke(args=["bank", "import", _file(tmp_path, MIXED), "--json", "--source", "000 §5.1.5",
                                 "--as", "trainer_east"])
    assert result.exit_code == 2, result.output
    lines, summary = _json_lines(result.output)
    assert [(line["name"], line["status"]) for line in lines] == [
        ("phone ring", "imported"), ("Moodle tf", "imported"), ("essay one", "skipped"), ("dup options", "error")]
    assert set(lines[0]) >= {"name", "status", "type", "reason"} and lines[0]["type"] == "single"
    assert lines[2]["reason"] and lines[3]["reason"]  # Chinese reasons for 不支持 and 需修改
    assert summary["summary"] is True and (summary["imported"], summary["skipped"], summary["errors"]) == (2, 1, 1)
    assert summary["exit_code"] == 2 and summary["created"] == 2 and summary["format"] == "gift"
    bank = banks.get_bank(summary["bank"])
    assert bank.created_by_id == people["trainer_east"].id and bank.unit_id == people["trainer_east"].unit_id
    assert [q.source for q in bank.questions] == ["000 §5.2.1", "000 §5.1.5"]  # the batch 出处 where none was given
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bank.import"))
    assert event.actor_id == people["trainer_east"].id and event.target == bank.key


def test_all_imported_is_0_and_into_an_existing_bank(runner, people, tmp_path):
    first = runner.invoke(args=["bank", "import", _file(tmp_path, GOOD), "--title", "东区题库", "--source", "000 §5",
                                "--as", "trainer_east", "--json"])
    assert first.exit_code == 0, first.output
    key = _json_lines(first.output)[1]["bank"]
    assert banks.get_bank(key).title == "东区题库"
    again = runner.invoke(args=["bank", "import", _file(tmp_path, GOOD.split("\n\n")[0], "one.txt"), "--bank", key,
                                "--source", "000 §5", "--as", "admin"])
    assert again.exit_code == 0, again.output
    assert "imported 1, skipped 0, errors 0 into " + key in again.output and "retired 1" in again.output
    db.session.expire_all()
    assert [q.retired for q in banks.get_bank(key).questions] == [False, True]


def test_all_or_nothing_and_nothing_importable_exit_1(runner, people, tmp_path):
    before = _bank_count()
    refused = runner.invoke(args=["bank", "import", _file(tmp_path, MIXED), "--all-or-nothing", "--source", "000 §5",
                                  "--as", "trainer_east", "--json"])
    assert refused.exit_code == 1
    lines, summary = _json_lines(refused.output)
    assert [line["status"] for line in lines] == ["skipped", "skipped", "skipped", "error"]
    assert "--all-or-nothing" in lines[0]["reason"] and summary["imported"] == 0
    no_source = runner.invoke(args=["bank", "import", _file(tmp_path, GOOD), "--as", "trainer_east"])
    assert no_source.exit_code == 1 and "缺少出处" in no_source.output
    unreadable = runner.invoke(args=["bank", "import", _file(tmp_path, "x", "bank.pdf"), "--as", "trainer_east"])
    assert unreadable.exit_code == 1 and "请上传以下格式的文件" in unreadable.output
    db.session.expire_all()
    assert _bank_count() == before


def test_dry_run_writes_nothing_and_reports_the_same(runner, people, tmp_path):
    before = _bank_count()
    result = runner.invoke(args=["bank", "import", _file(tmp_path, MIXED), "--dry-run", "--json", "--source", "000 §5",
                                 "--as", "trainer_east"])
    assert result.exit_code == 2
    lines, summary = _json_lines(result.output)
    assert summary["dry_run"] is True and summary["created"] == 2 and summary["bank"] is None
    assert [line["status"] for line in lines] == ["imported", "imported", "skipped", "error"]  # what would happen
    db.session.expire_all()
    assert _bank_count() == before and db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_who_acts(runner, people, content, tmp_path):
    path = _file(tmp_path, GOOD)
    missing = runner.invoke(args=["bank", "import", path, "--source", "000 §5"])
    assert missing.exit_code == 1 and "--as USERNAME is required" in missing.output
    trainee = runner.invoke(args=["bank", "import", path, "--source", "000 §5", "--as", "trainee_east"])
    assert trainee.exit_code == 1 and "no active trainer or admin" in trainee.output
    shipped = runner.invoke(args=["bank", "import", path, "--source", "000 §5", "--bank", "demo-bank", "--as", "admin"])
    assert shipped.exit_code == 1 and "内置题库由内容文件维护" in shipped.output
    east = runner.invoke(args=["bank", "import", path, "--source", "000 §5", "--as", "trainer_east", "--json"])
    key = _json_lines(east.output)[1]["bank"]
    west = runner.invoke(args=["bank", "import", path, "--source", "000 §5", "--bank", key, "--as", "trainer_west"])
    assert west.exit_code == 1 and "不能修改" in west.output
    assert runner.invoke(args=["bank", "import", path, "--bank", key, "--title", "x", "--as", "admin"]).exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(QuestionBank).where(QuestionBank.origin == "trainer")) == 1


def test_list_and_export_round_trip(runner, people, content, tmp_path):
    listed = runner.invoke(args=["bank", "list", "--json"])
    assert listed.exit_code == 0
    demo = next(json.loads(line) for line in listed.output.splitlines() if '"demo-bank"' in line)
    assert demo["origin"] == "content" and demo["active"] == 5
    for fmt in sorted(banks.EXPORTERS):
        out = tmp_path / f"demo.{fmt}"
        exported = runner.invoke(args=["bank", "export", "demo-bank", "--format", fmt, "-o", str(out)])
        assert exported.exit_code == 0 and "Wrote 5 question(s)" in exported.output
        back = runner.invoke(args=["bank", "import", str(out), "--format", fmt, "--dry-run", "--json", "--as", "admin"])
        lines, summary = _json_lines(back.output)
        assert back.exit_code == 0 and summary["imported"] == 5, (fmt, back.output)
    assert runner.invoke(args=["bank", "export", "no-such", "--format", "gift", "-o", str(tmp_path / "x")]).exit_code == 1
    east = runner.invoke(args=["bank", "import", _file(tmp_path, GOOD), "--source", "000 §5", "--as", "trainer_east", "--json"])
    key = _json_lines(east.output)[1]["bank"]
    refused = runner.invoke(args=["bank", "export", key, "--format", "gift", "-o", str(tmp_path / "y"), "--as", "trainer_west"])
    assert refused.exit_code == 1 and "其他单位" in refused.output
    assert key not in runner.invoke(args=["bank", "list", "--as", "trainer_west"]).output


@pytest.mark.skipif(not INTEROP.exists(), reason="shared interop fixtures not present")
def test_a_moodle_file_reports_every_question(runner, people, tmp_path):
    result = runner.invoke(args=["bank", "import", str(INTEROP), "--dry-run", "--json", "--source", "Moodle", "--as", "admin"])
    lines, summary = _json_lines(result.output)
    assert len(lines) == summary["imported"] + summary["skipped"] + summary["errors"] > 0
    assert all(line["reason"] for line in lines if line["status"] != "imported")
    assert result.exit_code == (0 if summary["imported"] == len(lines) else 2 if summary["imported"] else 1)
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0
