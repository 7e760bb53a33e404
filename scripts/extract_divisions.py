"""Cut an excerpt of the national division CSVs: the given counties with their province and city.

    python scripts/extract_divisions.py ../shared/data/china-division OUT_DIR 431321 131024

The demo data (registry/fixtures/demo/divisions) was made this way.
"""

import csv
import sys
from pathlib import Path

FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")


def keep(code: str, counties: list[str]) -> bool:
    return any(code.startswith(county) or county.startswith(code) for county in counties)


def main(source: Path, target: Path, counties: list[str]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        with (source / name).open(encoding="utf-8-sig", newline="") as src:
            reader = csv.reader(src)
            header = next(reader)
            rows = [row for row in reader if keep(row[0], counties)]
        with (target / name).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        print(f"{name}: {len(rows)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])
