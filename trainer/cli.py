"""The ``trainer`` command: Flask's CLI plus the project's own commands."""

import click
from flask.cli import FlaskGroup

from trainer import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True)
def cli():
    """培训平台命令行 / Service-conduct training platform."""


@cli.group()
def bench():
    """Benchmarks that print figures."""


def _register_feature_commands():
    # Each feature keeps its commands next to its code; this is the one place they are attached.
    from trainer.courses.cli import content
    from trainer.demo import demo_command, setup_command
    from trainer.ops.cli import backup_command, person, restore_command

    cli.add_command(content)
    cli.add_command(setup_command)
    cli.add_command(demo_command)
    cli.add_command(backup_command)
    cli.add_command(restore_command)
    cli.add_command(person)
    # --- speech commands (score-audio, bench speech) are attached below ---
    from trainer.roleplay.cli import bench_rubric, bench_speech, score_audio

    cli.add_command(score_audio, "score-audio")
    bench.add_command(bench_speech, "speech")
    bench.add_command(bench_rubric, "rubric")
    # --- role-play practice commands (roleplay retry-pending, roleplay render-tts) ---
    from trainer.roleplay.commands import roleplay, worker_command

    cli.add_command(roleplay)
    cli.add_command(worker_command)
    # --- assignments (assignments remind) ---
    from trainer.assignments.cli import assignments

    cli.add_command(assignments)
    # --- hours ledger (bench hours) ---
    from trainer.records.bench import bench_hours

    bench.add_command(bench_hours, "hours")
    # --- quizzes and exams (quiz close-expired, bench quiz) ---
    from trainer.quiz.cli import bench_quiz, quiz

    cli.add_command(quiz)
    bench.add_command(bench_quiz, "quiz")


_register_feature_commands()


def main():
    cli(prog_name="trainer")
