"""``trainer score-audio`` and ``trainer bench speech``: recognition and scoring from the command line.

Both run without a Flask app or a database: the models folder is ``models/`` in the instance folder
(:func:`trainer.config.instance_path`: ``$TRAINER_INSTANCE``, a checkout's ``instance/``, or the installation's
own folder), scenarios come from ``$TRAINER_CONTENT_DIR`` (default the repository root), and the recognizer
is built once for all files.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from trainer.scoring import Rubric
from trainer.speech.assess import assess
from trainer.speech.audio import AudioRejected, decode_upload
from trainer.speech.model_store import ensure_whisper_base
from trainer.speech.recognizer import (
    ENGINES,
    RecognizerError,
    build_recognizer,
    lanes_for,
    load_seconds,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI_MAX_BYTES = 64 * 1024 * 1024  # files on disk, not uploads: generous limits
CLI_MAX_SECONDS = 600.0


def instance_dir() -> Path:
    from trainer.config import instance_path

    return instance_path()


def content_dir() -> Path:
    return Path(os.environ.get("TRAINER_CONTENT_DIR") or REPO_ROOT)


def rubric_from_scenario(scenario_id: str, turn: int, root: Path | None = None) -> Rubric:
    """The rubric of turn ``turn`` (1-based) of scenario ``scenario_id``; ``click.BadParameter`` if absent."""
    root = Path(root or content_dir())
    from trainer.content.loader import load_scenario_file

    try:
        turns = [t.rubric for t in load_scenario_file(root, scenario_id).turns]
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"scenario {scenario_id!r}: {exc}", param_hint="--scenario") from exc
    if not 1 <= turn <= len(turns):
        raise click.BadParameter(f"scenario {scenario_id!r} has turns 1–{len(turns)}", param_hint="--turn")
    return turns[turn - 1]


def _recognizer(engine: str, model: str | None, beam: int | None):
    opts = {}
    if engine == "faster-whisper":
        # As the one-machine web process recognises: a lane per core (TRAINER_ASR_PARALLEL overrides).
        opts["lanes"] = lanes_for(os.environ.get("TRAINER_ASR_PARALLEL"))
        if beam:
            opts["beam_size"] = beam
    try:
        return build_recognizer(engine, model, instance_dir() / "models", **opts)
    except RecognizerError as exc:
        raise click.ClickException(str(exc)) from exc
    except RuntimeError as exc:  # ModelStoreError: the packaged model failed its check
        raise click.ClickException(f"ASR model: {exc}") from exc


_engine_option = click.option(
    "--engine",
    type=click.Choice(sorted(ENGINES)),
    default="faster-whisper",
    envvar="TRAINER_ASR_ENGINE",
    show_default=True,
    help="Recognition engine.",
)
_model_option = click.option(
    "--model",
    envvar="TRAINER_ASR_MODEL",
    help="Model folder (default: Whisper base assembled into the instance folder). For 'fake': the text.",
)
_beam_option = click.option("--beam", type=int, default=None, help="Beam size of the unbiased decode (faster-whisper; default 5, as is the phrase-biased one).")


@click.command("score-audio")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--expect", multiple=True, help="An expected phrase; alternatives separated by '|'. Repeatable.")
@click.option("--forbid", multiple=True, help="A forbidden phrase. Repeatable.")
@click.option("--scenario", help="Take expect/forbid from this scenario id instead.")
@click.option("--turn", type=int, default=1, show_default=True, help="Turn of --scenario (1-based).")
@_engine_option
@_model_option
@_beam_option
@click.option("--no-prompt", is_flag=True, help="No second, phrase-biased pass for answers the first pass fails.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file per line.")
def score_audio(files, expect, forbid, scenario, turn, engine, model, beam, no_prompt, as_json):
    """Recognise WAV FILES and score each against a rubric."""
    if scenario and (expect or forbid):
        raise click.UsageError("use either --scenario/--turn or --expect/--forbid, not both")
    if scenario:
        rubric = rubric_from_scenario(scenario, turn)
    elif expect:
        try:
            rubric = Rubric(phrases=list(expect), forbid=list(forbid))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--expect/--forbid") from exc
    else:
        raise click.UsageError("give --expect (repeatable) or --scenario")
    recognizer = _recognizer(engine, model, beam)
    failures = 0
    for path in files:
        try:
            audio = decode_upload(path.read_bytes(), max_bytes=CLI_MAX_BYTES, max_seconds=CLI_MAX_SECONDS)
        except AudioRejected as exc:
            failures += 1
            row = {"file": str(path), "error": exc.code, "message": exc.message_zh, "detail": exc.detail}
            click.echo(json.dumps(row, ensure_ascii=False) if as_json else f"{path}: rejected ({exc.code}) {exc.detail}")
            continue
        assessment = assess(audio, rubric, recognizer, second_pass=not no_prompt)
        heard, result = assessment.heard, assessment.result.to_dict()
        row = {
            "file": str(path),
            "transcript": result["transcript"],
            "items": result["items"],
            "forbidden": result["forbidden"],
            "passed": result["passed"],
            "score": result["score"],
            "audio_seconds": heard.audio_seconds,
            "asr_seconds": round(assessment.asr_seconds, 3),
            "recognition_passes": assessment.passes,
            "chars_per_second": result["chars_per_second"],
            "nothing_heard": heard.nothing_heard,
            "reason": heard.reason,
        }
        click.echo(json.dumps(row, ensure_ascii=False) if as_json else _human_line(row))
    if failures:
        sys.exit(1)


def _human_line(row: dict) -> str:
    missing = [item["expect"] for item in row["items"] if not item["hit"]]
    said = f"({row['reason']})" if row["nothing_heard"] else row["transcript"]
    return (
        f"{row['file']}: {'PASS' if row['passed'] else 'FAIL'} {row['score']:>3}  「{said}」"
        f"  missing: {' / '.join(missing) or '-'}  forbidden: {' / '.join(row['forbidden']) or '-'}"
        f"  ({row['audio_seconds']:.2f} s audio, ASR {row['asr_seconds']:.2f} s)"
    )


SHARED_FIXTURES = REPO_ROOT.parent / "shared" / "fixtures"
DEFAULT_SETS = ("voice", "voice_human_dev", "voice_human_holdout")
MODE_SETS = {"both": ["none", "rubric"], "compare": ["verify", "rescue", "verify+rescue"],
             "all": ["verify+rescue", "verify", "rescue", "none", "rubric"]}


def default_folders() -> list[Path]:
    """The shared labelled sets (synthetic voice, real-speaker development, real-speaker held-out) when this
    checkout sits beside ``../shared``; otherwise the copy of the voice set in ``tests/fixtures/voice``."""
    shared = [SHARED_FIXTURES / name for name in DEFAULT_SETS if (SHARED_FIXTURES / name / "manifest.json").is_file()]
    return shared or [REPO_ROOT / "tests" / "fixtures" / "voice"]


@click.command("speech")
@click.argument("folders", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@_engine_option
@_model_option
@_beam_option
@click.option(
    "--prompt",
    "prompt_mode",
    type=click.Choice(["default", "verify", "rescue", "verify+rescue", "none", "rubric", "both", "compare", "all"]),
    default="default",
    show_default=True,
    help="default: the production path (trainer.speech.assess.DEFAULT_STRATEGY); verify / rescue / "
    "verify+rescue: the unbiased decode, then phrase verification / a biased decode / both for failing answers; "
    "none / rubric: one decode without / with the prompt; both: none and rubric; compare: the three follow-ups; "
    "all: everything.",
)
@click.option("--clips/--no-clips", default=True, show_default=True, help="Print one line per entry.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of tables.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the JSON report here.")
@click.option(
    "--transcripts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --prompt both and one folder: write the transcripts fixture (tests/fixtures/voice/transcripts.json).",
)
@click.option("--fail-on-false-pass", is_flag=True, help="Exit 1 if any negative entry passes.")
@click.option("--rescue-gate", default="default", show_default=True, metavar="NATS|none",
              help="The biased decode only for answers whose unconfirmed phrase is within NATS "
                   "(ASR_RESCUE_GATE; default: the app default, off); none: for every failing answer.")
def bench_speech(folders, engine, model, beam, prompt_mode, clips, as_json, out, transcripts, fail_on_false_pass,
                 rescue_gate):
    """Recognise and score labelled FOLDERS (manifest.json + WAVs; default: the shared voice/,
    voice_human_dev/ and voice_human_holdout/); print per folder agreement, false passes/fails, CER,
    real-time factor, latency and CPU per audio second."""
    from trainer.speech.assess import DEFAULT_STRATEGY, RESCUE_GATE
    from trainer.speech.bench import run_speech_bench, transcripts_fixture

    try:
        gate = RESCUE_GATE if rescue_gate == "default" else None if rescue_gate == "none" else float(rescue_gate)
    except ValueError:
        raise click.BadParameter("a number of nats, default or none", param_hint="--rescue-gate") from None
    folders = list(folders) or default_folders()
    if transcripts and (prompt_mode != "both" or len(folders) != 1):
        raise click.UsageError("--transcripts needs --prompt both and one folder")
    from trainer.speech.recognizer import DEFAULT_BEAM_SIZE

    meta = {"cpu_count": os.cpu_count(), "beam_size": (beam or DEFAULT_BEAM_SIZE) if engine == "faster-whisper" else None,
            "rescue_gate": gate}
    if engine == "faster-whisper" and not model:
        started = time.perf_counter()
        model = str(ensure_whisper_base(instance_dir() / "models"))
        meta["model_assembly_or_check_s"] = round(time.perf_counter() - started, 3)
    before = dict(load_seconds)
    recognizer = _recognizer(engine, model, beam)
    loaded = {k: v for k, v in load_seconds.items() if k not in before}
    if loaded:
        meta["model_load_s"] = round(next(iter(loaded.values())), 3)
    modes = MODE_SETS.get(prompt_mode, [DEFAULT_STRATEGY if prompt_mode == "default" else prompt_mode])
    reports = []
    for folder in folders:
        for mode in modes:
            report = run_speech_bench(folder, recognizer, prompt_mode=mode, rescue_gate=gate)
            report.meta = meta
            reports.append(report)
            if not as_json:
                click.echo(report.format_table(clips=clips))
                click.echo("")
    payload = {"meta": meta, "reports": [r.to_dict() for r in reports]}
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    if out:
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    if transcripts:
        rows = transcripts_fixture(folders[0], *reports)
        transcripts.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if fail_on_false_pass and any(r.false_passes for r in reports):
        sys.exit(1)


@click.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="Content root (default: the repository).")
@click.option("--holdout", type=click.Path(file_okay=False, path_type=Path),
              help="Also measure a held-out folder of good/poor answers (e.g. benchmarks/rubric_holdout).")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
def bench_rubric(root, holdout, as_json):
    """Agreement of the role-play scorer with every example (and a held-out set): accept and reject apart,
    per scenario and per intent. Text only: speech recognition plays no part."""
    from trainer.content import load_content
    from trainer.content.rubrics import agreement, example_cases, format_agreement, holdout_cases

    content, errors = load_content(Path(root or content_dir()))
    if errors:
        raise click.ClickException(f"{len(errors)} content error(s); run `trainer content check` first")
    started = time.perf_counter()
    reports = {"examples": agreement(example_cases(content.scenarios.values()))}
    if holdout:
        reports["holdout"] = agreement(holdout_cases(holdout, content.scenarios))
    elapsed = time.perf_counter() - started
    answers = sum(sum(v[1] for v in r["overall"].values()) for r in reports.values())
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=1))
        return
    for name, report in reports.items():
        click.echo("\n".join(format_agreement(report, name)))
    click.echo(f"scored {answers} answers in {elapsed:.2f} s ({1000 * elapsed / max(answers, 1):.1f} ms each, text only)")
