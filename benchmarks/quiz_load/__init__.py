"""Exam day at scale (issue 18): simulated trainees against a real gunicorn server, loopback only.

    trainer bench quiz --users 1000 [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench]
    .venv/bin/python -m benchmarks.quiz_load --users 1000          (the same, from the repository root)

Two cohorts of ``--users`` trainees each, on a fresh set of accounts per run:

1. **start**: cohort A starts the bench exam (50 questions drawn from every bank), every start at a random
   moment within ``--start-window`` seconds (60: everyone starts within a minute);
2. **start-2**: cohort B does the same (a second, independent start burst);
3. **autosave**: cohort A saves one answer every ``--interval`` s for ``--duration`` s (first saves spread over
   one interval); **autosave-2**: cohort B saves one answer each, spread over one interval;
4. **submit**: cohort A submits, all within ``--submit-window`` seconds (60: the target's minute; 5: everyone
   at the deadline, the rush that trainer/quiz/deferred.py answers before grading); then **grading**: how many
   submit responses came before their grades were written and when the last was recorded;
5. **close-expired**: cohort B's deadline passes (the bench moves it into the past) and ``trainer quiz
   close-expired``, as cron runs it, submits and grades the open attempts; timed from the command's start.

Per phase it prints requests, throughput, p50/p95/p99/max latency and errors. Latency runs from the moment
a request was *due*, so a client falling behind shows up as latency. Then the integrity check
(:mod:`benchmarks.quiz_load.integrity`): every acknowledged answer stored as sent, every attempt graded
exactly once. Exit status 1 on any error or integrity failure.

Nothing here is imported by the application or the test suite; ``trainer bench quiz`` finds this package
in a source checkout (trainer.features.checkout_bench) and runs :data:`command`.
"""

from benchmarks.quiz_load.command import bench_quiz as command

__all__ = ["command"]
