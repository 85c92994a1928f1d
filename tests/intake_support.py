"""Helpers shared by the intake tests: a small sources/ folder of one's own, and a snapshot of it."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from pathlib import Path

from grdp.base import schemas

TODAY = date(2026, 12, 1)
GSO = "Cục Thống kê (National Statistics Office, Ministry of Finance), via cafef.vn"
CAFEF = "https://cafef.vn/tang-truong-gdp-viet-nam-dat-802-nam-2025-188260105154536025.chn"


def row(**values: str) -> dict[str, str]:
    base = dict(region="vn", boundary="national", period="2025", frequency="A", variable="grdp_real_growth",
                industry="TOTAL", price_basis="constant_2010", unit="percent", value="8.02", publisher=GSO,
                publication_date="2026-01-05", date_approx="false", url=CAFEF, quality="published",
                rating="amber", note="")
    base.update(values)
    return base


def write_dataset(root: Path, name: str, rows: list[dict[str, str]], publication_date: str) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(schemas.SOURCE_COLUMNS)
    writer.writerows([[r[c] for c in schemas.SOURCE_COLUMNS] for r in rows])
    (folder / "data.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (folder / "provenance.yaml").write_text(
        f"id: {name}\ntitle: test dataset\npublisher: test\nurl: {CAFEF}\npublication_date: '{publication_date}'\n"
        "retrieval_date: '2026-11-21'  # when read\nretrieved_via: research notes\nlicence: public\nrating: amber\n"
        "notes: |\n  A test dataset.\n", encoding="utf-8")


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
