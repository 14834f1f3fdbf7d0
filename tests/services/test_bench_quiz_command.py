"""``trainer bench quiz`` is a stub in the package that loads the exam-day harness (a package in benchmarks/)
from the source checkout; running it is a benchmark, so the suite only checks that it is found."""


def test_the_stub_finds_the_harness_package(runner):
    result = runner.invoke(args=["bench", "quiz", "--help"])
    assert result.exit_code == 0, result.output
    assert "--submit-window" in result.output and "--expire-users" in result.output


def test_close_expired_reports_its_count(runner):
    result = runner.invoke(args=["quiz", "close-expired"])
    assert result.exit_code == 0 and "Closed 0 expired attempt(s);" in result.output
