from benchmarks.quiz_load.command import bench_quiz

bench_quiz(prog_name="python -m benchmarks.quiz_load")
