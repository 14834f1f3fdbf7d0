"""``trainer roleplay retry-pending`` and ``trainer roleplay render-tts``."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from trainer.extensions import db
from trainer.roleplay import services, tts
from trainer.roleplay.models import Scenario
from trainer.timeutil import utcnow


@click.group("roleplay")
def roleplay():
    """Role-play practice: recognition retries and the customers' voices."""


@roleplay.command("retry-pending")
@click.option("--limit", type=int, default=None, help="At most this many attempts (oldest first).")
@with_appcontext
def retry_pending_command(limit):
    """Recognise and score every answer left pending by a recognition failure."""
    attempts = services.pending_attempts(limit=limit)
    counts = {"scored": 0, "pending": 0, "rejected": 0}
    for attempt in attempts:
        services.retry_pending([attempt], now=utcnow(), **services.limits())
        db.session.commit()  # one at a time: a crash later keeps what was scored
        counts[attempt.status] += 1
        click.echo(f"attempt {attempt.id}: {attempt.status}"
                   + (f" score {attempt.score}" if attempt.status == "scored" else f" ({attempt.error_code}) {attempt.error or ''}"))
    click.echo(f"{len(attempts)} pending attempt(s): {counts['scored']} scored, {counts['rejected']} rejected, "
               f"{counts['pending']} still pending")
    if counts["pending"]:
        raise SystemExit(1)


@roleplay.command("render-tts")
@with_appcontext
def render_tts_command():
    """Render every customer line and model answer that has no recorded file to the TTS cache."""
    cache = Path(current_app.instance_path) / "tts"
    preferred = current_app.config.get("TTS_VOICE")
    try:
        voice = tts.voice_id(preferred)
    except tts.TtsUnavailable as exc:
        raise click.ClickException(f"text-to-speech unavailable: {exc}") from exc
    rendered = recorded = 0
    for scenario in db.session.scalars(select(Scenario).where(Scenario.retired.is_(False)).order_by(Scenario.key)):
        for turn in scenario.active_turns:
            texts = [turn.model_answer]
            if tts.recorded_file(current_app.static_folder, turn.audio):
                recorded += 1
            else:
                texts.append(turn.customer)
            for text in filter(None, texts):
                try:
                    tts.render(text, cache, preferred)
                    rendered += 1
                except tts.TtsUnavailable as exc:
                    raise click.ClickException(f"{scenario.key} turn {turn.position}: {exc}") from exc
    click.echo(f"voice {voice}: {rendered} line(s) in {cache}; {recorded} customer line(s) use recorded files")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit (tests, cron).")
@click.option("--name", default=None, help="Worker name shown by `rq info` (default: host and pid).")
@with_appcontext
def worker_command(burst, name):
    """Run role-play recognition jobs from the Redis queue (needs REDIS_URL); loads the model once."""
    from trainer.roleplay import queue

    if not queue.enabled(current_app):
        raise click.ClickException("REDIS_URL is not set: without it the web process recognises answers itself.")
    queue.run_worker(burst=burst, name=name)
