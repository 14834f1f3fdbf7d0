#!/usr/bin/env bash
# Sets everything up on a fresh machine and starts the demo at http://127.0.0.1:5000.
source "$(dirname "$0")/_env.sh"
# espeak-ng: the offline voice pyttsx3 uses for customer lines that have no recording.
# fonts-noto-cjk: the Chinese font for PDF transcripts and certificates.
apt_install espeak-ng libespeak-ng1 fonts-noto-cjk
python_env ""
exec "$VENV/bin/trainer" demo "$@"
