"""Telephone-band copies of a labelled speech folder, to tune on (the held-out set's phone copies must not be).

Each WAV of SOURCE goes through the channel the held-out set describes for its phone copies (8 kHz,
300–3400 Hz band-pass, G.711 μ-law) and back to 16 kHz 16-bit, under the same name in DEST, with the
manifest copied: ``trainer bench speech DEST`` then measures the development speakers on the phone.
Needs sox (installed by the project's scripts).

    .venv/bin/python benchmarks/phone_band.py /work/shared/fixtures/voice_human_dev /tmp/dev-phone
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def phone_copy(source: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        narrow, coded = Path(tmp) / "8k.wav", Path(tmp) / "ulaw.wav"
        subprocess.run(["sox", "-D", str(source), "-r", "8000", "-c", "1", str(narrow), "sinc", "300-3400"], check=True)
        subprocess.run(["sox", "-D", str(narrow), "-e", "u-law", str(coded)], check=True)
        subprocess.run(["sox", "-D", str(coded), "-r", "16000", "-e", "signed-integer", "-b", "16", str(target)], check=True)


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    source, dest = Path(sys.argv[1]), Path(sys.argv[2])
    if "holdout" in source.name:
        raise SystemExit("held-out folders are measured as they are, never copied to tune on")
    dest.mkdir(parents=True, exist_ok=True)
    wavs = sorted(source.glob("*.wav"))
    for wav in wavs:
        phone_copy(wav, dest / wav.name)
    shutil.copy(source / "manifest.json", dest / "manifest.json")
    print(f"{len(wavs)} phone-band copies in {dest}")


if __name__ == "__main__":
    main()
