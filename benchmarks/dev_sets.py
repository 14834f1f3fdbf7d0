"""What the tuning scripts share: the repository on ``sys.path`` and the labelled folders they may tune on.

Each script (verify_margin, window_floor, rescue_gate) takes FOLDER arguments, defaulting to the shared
``voice/`` and ``voice_human_dev/``; ``--all-dev`` adds this repository's synthetic development sets
(``voice-pushoff-dev/``: push-offs, ``voice-good-dev/``: good answers in a clerk's own words). A held-out
folder is refused (trainer.speech.fixtures.development_folders): it is measured with ``trainer bench
speech``, never tuned on.
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "fixtures"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


REPO_DEV_SETS = (REPO / "benchmarks" / "voice-pushoff-dev", REPO / "benchmarks" / "voice-good-dev")


def parser_for(doc: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--all-dev", action="store_true",
                        help="the shared development sets and this repository's (voice-pushoff-dev, voice-good-dev)")
    return parser


def parse_with_folders(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The arguments, with ``folders`` replaced by the development folders to use (or a usage error)."""
    from trainer.speech.fixtures import development_folders

    args = parser.parse_args()
    try:
        chosen = development_folders(args.folders, SHARED)
        if args.all_dev:  # the shared defaults and this repository's sets, besides any folders given
            defaults = development_folders([], SHARED)
            chosen += [folder for folder in (*defaults, *REPO_DEV_SETS) if folder not in chosen]
        args.folders = chosen
    except ValueError as exc:
        parser.error(str(exc))
    return args
