"""GIFT interoperability report (issue 15): read every GIFT file in ../shared/fixtures/interop/gift/ (and
giftpegjs/) as the import page does, with a batch 出处, and print per Moodle question type how many questions
were found, imported (可导入) and reported (需修改 / 不支持).

    python benchmarks/gift_interop.py [FOLDER]
"""

import sys
from collections import Counter
from pathlib import Path

from trainer.quiz.bankio import finish_preview
from trainer.quiz.gift import preview_gift

FOLDER = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/fixtures/interop/gift"


def main() -> None:
    files = sorted([*FOLDER.glob("*.txt"), *FOLDER.glob("*.gift"), *FOLDER.glob("giftpegjs/*.gift")])
    counts: Counter = Counter()
    refused = 0
    for path in files:
        preview = finish_preview(preview_gift(path.read_text(encoding="utf-8-sig")), "导入时填写的本批出处")
        refused += bool(preview.errors) and not preview.items
        for item in preview.items:
            counts[item.file_type, item.status] += 1
    kinds = sorted({kind for kind, _status in counts})
    print(f"{len(files)} files in {FOLDER} ({refused} with no question: category-only)")
    print(f"{'Moodle type':<12} {'found':>6} {'可导入':>6} {'需修改':>6} {'不支持':>6}")
    for kind in [*kinds, "total"]:
        row = {s: sum(n for (k, st), n in counts.items() if st == s and kind in (k, "total")) for s in ("ok", "fix", "unsupported")}
        print(f"{kind:<12} {sum(row.values()):>6} {row['ok']:>8} {row['fix']:>8} {row['unsupported']:>8}")


if __name__ == "__main__":
    main()
