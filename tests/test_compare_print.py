"""Two dates on one page (issue 16): ``export --compare A`` and :func:`render_compare`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb

from explorer import config, export, style
from explorer.printmap import compare as two_dates

A, B = dt.date(2025, 1, 1), dt.date(2026, 3, 1)
POLAND = (14.0, 49.0, 24.2, 55.0)
LAYERS = ["borders", "treaty", "border-fence", "basemap"]


@pytest.fixture(scope="module")
def figure(dataset):
    return two_dates.render_compare(
        dataset, layers=LAYERS, date_a=A, date_b=B, bbox=POLAND, lang="en"
    )


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def _fills(ax) -> set[tuple[float, float, float]]:
    out = set()
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and len(coll.get_facecolors()):
            out.update(tuple(round(c, 3) for c in fc[:3]) for fc in coll.get_facecolors())
    return out


def test_two_panels_each_labelled_with_its_date_one_legend_and_the_furniture(figure):
    maps = [ax for ax in figure.axes if ax.get_xticks().size == 0 and ax.get_xlim() != (0, 1)]
    assert len(maps) >= 2
    texts = "\n".join(_texts(figure))
    assert "A · 2025-01-01" in texts and "B · 2026-03-01" in texts
    assert texts.count("Legend") == 1
    assert "© OpenStreetMap contributors" in texts and "Natural Earth" in texts
    assert "compare=2025-01-01" in texts and "date=2026-03-01" in texts
    assert "Sources" in texts and "km" in texts  # sources line and scale bars
    # one legend for both dates: Poland is a party on A and has withdrawn on B
    assert "Party" in texts and "Withdrawn" in texts


def test_each_panel_draws_its_own_date(figure):
    party = tuple(round(c, 3) for c in to_rgb(style.TREATY_STATUS_COLOURS["party"]))
    withdrawn = tuple(round(c, 3) for c in to_rgb(style.TREATY_STATUS_COLOURS["withdrawn"]))
    left, right = sorted(
        (ax for ax in figure.axes if _fills(ax)), key=lambda ax: ax.get_position().x0
    )[:2]
    assert party in _fills(left) and withdrawn not in _fills(left)
    assert withdrawn in _fills(right)


def test_polish_comparison_is_in_polish(dataset):
    fig = two_dates.render_compare(dataset, layers=LAYERS, date_a=A, date_b=B, bbox=POLAND,
                                   lang="pl")  # fmt: skip
    texts = "\n".join(_texts(fig))
    assert "co się zmieniło" in texts and "współtwórcy OpenStreetMap" in texts
    assert "contributors" not in texts


@pytest.mark.parametrize(
    ("a", "b"), [(B, A), (A, A), (dt.date(1990, 1, 1), B)], ids=["reversed", "same", "outside"]
)
def test_a_comparison_needs_an_earlier_date_in_range(dataset, a, b):
    with pytest.raises(ValueError):
        two_dates.render_compare(dataset, layers=LAYERS, date_a=a, date_b=b, bbox=POLAND)


def test_export_bytes_compares_for_maps_and_refuses_html(dataset):
    png = export.export_bytes(dataset, fmt="png", layers=LAYERS, date=B, bbox=POLAND, dpi=50,
                              compare=A)  # fmt: skip
    assert png.startswith(b"\x89PNG")
    with pytest.raises(export.ExportError, match="two-panel"):
        export.export_bytes(dataset, fmt="html", layers=LAYERS, date=B, compare=A)
    with pytest.raises(export.ExportError, match="before"):
        export.export_bytes(dataset, fmt="png", layers=LAYERS, date=A, compare=B)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2025-03-01", "--compare", "2026-01-01"], "must be before"),
        (["--date", "2026-03-01", "--compare", "2025-02-30"], "--compare"),
        (["--date", "2026-03-01", "--compare", "1990-01-01"], "outside"),
    ],
    ids=["reversed", "bad-day", "outside"],
)
def test_cli_bad_comparison_is_one_line_and_exit_2(tmp_path, args, message):
    out = tmp_path / "map.png"
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "export", "--out", str(out), *args],
        capture_output=True, text=True, cwd=config.ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_story_chapter_can_be_a_comparison_and_prints_two_panels(dataset):
    from explorer import story
    from explorer.printmap import handout

    chapters = story.load_chapters()
    comparing = [c for c in chapters if c.compare is not None]
    assert comparing, "the story has a comparison chapter"
    chapter = comparing[0]
    assert chapter.compare < chapter.date
    fig = handout.handout_figure(dataset, chapter, total=len(chapters), lang="en")
    texts = "\n".join(_texts(fig))
    assert f"A · {chapter.compare.isoformat()}" in texts
    assert f"B · {chapter.date.isoformat()}" in texts
    assert texts.count("© OpenStreetMap contributors") == 1


def test_a_comparison_chapter_must_compare_with_an_earlier_date(tmp_path):
    import csv
    import shutil

    from explorer import story
    from explorer.validation import DataError

    for name in ("story.csv", "sources.csv"):
        shutil.copy(config.GEODATA_DIR / name, tmp_path / name)
    with (tmp_path / "story.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["compare"] = "2030-01-01"
    with (tmp_path / "story.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match="compare"):
        story.load_chapters(tmp_path)


def test_a_pdf_comparison_is_a_briefing_maps_then_what_changed(dataset):
    import io

    from pypdf import PdfReader

    pdf = export.export_bytes(dataset, fmt="pdf", layers=LAYERS, date=B, bbox=POLAND, compare=A)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 2
    first, second = (" ".join(p.extract_text().split()) for p in pages)
    assert "A · 2025-01-01" in first and "B · 2026-03-01" in first
    assert "What changed between 2025-01-01 (A) and 2026-03-01 (B)" in second
    # the status changes come first, with their sources: Poland leaves on 2026-02-20
    assert "2026-02-20: Poland, withdrawal pending → withdrawn" in second
    assert "dzu-2025-1514" in second
    assert "OpenStreetMap" in second and "compare=2025-01-01" in second


def test_data_export_with_compare_writes_the_changes_beside_it(tmp_path, dataset):
    import json

    import pandas as pd

    out = tmp_path / "view.csv"
    export.export(dataset, out_path=out, layers=LAYERS, date=B, bbox=POLAND, compare=A)
    csv_path, json_path = export.changes_paths(out)
    rows = pd.read_csv(csv_path, keep_default_na=False)
    payload = json.loads(json_path.read_text(encoding="utf-8"))
    assert payload["from"] == "2025-01-01" and payload["to"] == "2026-03-01"
    poland = rows[(rows["country"] == "POL") & (rows["kind"] == "treaty")]
    assert "withdrawn" in set(poland["to_state"])
    assert len(payload["changes"]) == len(rows) > 0
    assert all(r["sources"] for r in payload["changes"])
