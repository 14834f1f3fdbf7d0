"""What the tuning scripts share: the repository on ``sys.path`` and the labelled folders they may tune on.

Each script (verify_margin, window_floor, rescue_gate) takes FOLDER arguments, defaulting to the shared
``voice/`` and ``voice_human_dev/``; a held-out folder is refused (trainer.speech.fixtures.development_folders):
it is measured with ``trainer bench speech``, never tuned on.
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "fixtures"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def parser_for(doc: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    return parser


def parse_with_folders(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The arguments, with ``folders`` replaced by the development folders to use (or a usage error)."""
    from trainer.speech.fixtures import development_folders

    args = parser.parse_args()
    try:
        args.folders = development_folders(args.folders, SHARED)
    except ValueError as exc:
        parser.error(str(exc))
    return args
