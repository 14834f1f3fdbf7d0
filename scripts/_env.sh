# Shared by demo.sh and test.sh: system packages and the virtual environment, installed once.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="${TRAINER_VENV:-$ROOT/.venv}"

apt_install() {
  # Install Debian packages that are missing (needs root, as on the project's machines).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Please install: ${missing[*]} (e.g. sudo apt-get install ${missing[*]})" >&2
    return 1
  fi
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

python_env() {
  # Installs once per pyproject.toml and extras (a stamp in the venv): later runs need no network, which the
  # intranet machines do not have (pip would fetch setuptools to build even when everything is installed).
  local extras=$1
  if [ ! -x "$VENV/bin/python" ]; then
    apt_install python3-venv
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.trainer-installed${extras//[^a-z]/-}" want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -e ".$extras"
  echo "$want" > "$stamp"
}
