"""The atlas (issue 18): a cover with the overview and contents, one page per border segment,
then sources pages; every map page with its furniture; ``export --atlas`` on the command line."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from cli_runner import run
from paper_checks import all_texts, off_page, overlaps
from pypdf import PdfReader

from explorer.paper import Paper
from explorer.printmap import atlas
from explorer.printmap.sources_page import pdf_bytes

DAY = dt.date(2026, 3, 1)
SHEET = Paper("a4", "landscape")


def _squash(texts: list[str]) -> str:
    return " ".join(" ".join(texts).split())


@pytest.fixture(scope="module")
def pages(dataset):
    return atlas.atlas_pages(dataset, paper=SHEET, date=DAY)


def test_cover_then_one_page_per_segment_then_sources(pages, dataset):
    segments = list(dataset.segments["id"])
    assert len(pages) >= 1 + len(segments)
    assert "Atlas of the border segments" in _squash(all_texts(pages[0]))
    for n, sid in enumerate(segments, start=2):
        assert f"({sid})" in pages[n - 1].get_label(), (n, sid)
    for extra in pages[1 + len(segments) :]:
        assert "sources, continued" in _squash(all_texts(extra))
    pdf = PdfReader(io.BytesIO(pdf_bytes(pages, title="Atlas")))
    assert len(pdf.pages) == len(pages)
    for page in pdf.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx((841.89, 595.28), abs=0.01)


def test_the_contents_list_each_segment_with_its_page(pages, dataset):
    cover = _squash(all_texts(pages[0]))
    assert "Contents" in cover
    for n, rec in enumerate(dataset.segments.to_dict("records"), start=2):
        assert f"p. {n} {rec['name_en']} ({rec['id']})" in cover, rec["id"]


def test_a_segment_page_says_its_lengths_fenced_km_and_works(pages, dataset):
    seg = dataset.segments.set_index("id").loc["POL-BLR"]
    page = pages[1 + list(dataset.segments["id"]).index("POL-BLR")]
    text = _squash(all_texts(page))
    assert "Official length 418.0 km" in text
    assert f"measured along the mapped border line {seg['measured_km']:.1f} km" in text
    assert "Fence or barrier on 2026-03-01" in text and "186 km" in text
    assert "Works along it on 2026-03-01:" in text


@pytest.mark.parametrize("index", range(12))
def test_every_map_page_carries_its_furniture_without_overlaps(pages, index):
    page = pages[index]
    texts = all_texts(page)
    joined = "\n".join(texts)
    assert re.search(r"\d km$", joined, re.MULTILINE), "scale bar"
    assert "N" in texts, "north arrow"
    assert "© OpenStreetMap contributors" in joined and "Sources (" in joined
    assert "Permalink: http" in joined and DAY.isoformat() in joined
    assert min(t.get_fontsize() for t in page.findobj(lambda a: hasattr(a, "get_fontsize"))
               if getattr(t, "get_text", lambda: "")().strip()) >= 7  # fmt: skip
    assert overlaps(page) == []
    assert off_page(page, SHEET.margin_in) == []


def test_segment_box_is_padded_and_at_least_one_and_a_half_degrees():
    from shapely.geometry import LineString

    west, south, east, north = atlas.segment_box(LineString([(20, 50), (20.1, 50.1)]))
    assert east - west == pytest.approx(1.5) and north - south == pytest.approx(1.5)


def test_export_atlas_from_the_command_line(tmp_path):
    out = tmp_path / "atlas.pdf"
    proc = run("export", "--atlas", "segments", "--out", str(out), "--paper", "letter",
               "--orientation", "portrait", "--date", "2026-03-01", "--lang", "pl")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Zapisano {out} (pdf, ")
    reader = PdfReader(out)
    assert len(reader.pages) >= 12
    assert float(reader.pages[0].mediabox.width) == pytest.approx(612, abs=0.01)
    assert "Spis treści" in reader.pages[0].extract_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.pdf"]
