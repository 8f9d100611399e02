"""Render the seed segment_definitions as documentation.

    python -m segwh.segment_docs markdown   # the segment tables of docs/segments.md
    python -m segwh.segment_docs yaml       # column descriptions of customer_segments.yml

A test (python_tests/test_segments.py) checks that docs/segments.md and the
model YAML carry exactly this text, so the docs cannot drift from the seed
analysts edit.
"""

from __future__ import annotations

import csv
import sys
from collections import OrderedDict
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seeds" / "segment_definitions.csv"

DIMENSIONS_SEED = SEED.with_name("segment_dimensions.csv")


def _titles() -> "OrderedDict[str, str]":
    with open(DIMENSIONS_SEED, newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: int(r["dimension_rank"]))
    return OrderedDict((r["dimension"], r["title"]) for r in rows)


# dimension -> title, in the order of the seed segment_dimensions
DIMENSION_TITLES = _titles()


def definitions() -> "OrderedDict[str, list[dict]]":
    grouped: OrderedDict[str, list[dict]] = OrderedDict((d, []) for d in DIMENSION_TITLES)
    with open(SEED, newline="") as fh:
        for row in csv.DictReader(fh):
            grouped[row["dimension"]].append(row)
    for rows in grouped.values():
        rows.sort(key=lambda r: int(r["segment_rank"]))
    return grouped


def markdown() -> str:
    parts = []
    for dimension, rows in definitions().items():
        parts.append(f"### {DIMENSION_TITLES[dimension]} (`{dimension}`)\n")
        parts.append("| segment | definition | recommended action |")
        parts.append("| --- | --- | --- |")
        for r in rows:
            parts.append(f"| `{r['segment']}` | {r['definition']} | {r['recommended_action']} |")
        parts.append("")
    return "\n".join(parts)


def yaml_description(dimension: str) -> str:
    rows = definitions()[dimension]
    return " ".join(f"{r['segment']}: {r['definition']} (action: {r['recommended_action']})." for r in rows)


def main(argv: list[str] | None = None) -> int:
    what = (argv or sys.argv[1:] or ["markdown"])[0]
    if what == "markdown":
        print(markdown())
    else:
        for dimension in DIMENSION_TITLES:
            print(f"{dimension}: {yaml_description(dimension)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
