#!/usr/bin/env bash
# Installs what the tests need and runs the whole suite: lint, then pytest on SQLite, then the
# database-backed tests again on PostgreSQL when one is reachable (CI: the local `test` database).
source "$(dirname "$0")/_env.sh"
apt_install espeak-ng libespeak-ng1 chromium chromium-driver sox fonts-noto-cjk
python_env "[test]"
export PATH="$VENV/bin:$PATH"

ruff check .

run_pytest() {
  # pytest exits 5 when it collected no test: that must fail, not pass silently.
  local rc=0
  pytest "$@" || rc=$?
  if [ "$rc" -eq 5 ]; then echo "pytest collected no tests" >&2; return 1; fi
  return "$rc"
}

echo "== pytest on SQLite"
run_pytest -q

PG_URL=${TRAINER_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
if python -c "import psycopg,sys; psycopg.connect(sys.argv[1].replace('+psycopg',''), connect_timeout=3).close()" "$PG_URL" 2>/dev/null; then
  echo "== pytest on PostgreSQL ($PG_URL)"
  TRAINER_TEST_DATABASE_URL=$PG_URL run_pytest -q tests/services tests/web
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL at $PG_URL is not reachable; CI requires it" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $PG_URL: skipped the PostgreSQL run"
fi
