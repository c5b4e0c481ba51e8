"""Print maps on real paper (issue 18): page sizes, furniture on every page, type sizes, no
overlapping text, sources continued on sources pages, and bad arguments.

Texts are read from the figures :func:`explorer.printmap.paper.map_pages` returns (what is
checked, and which texts count for overlaps, is in ``tests/paper_checks.py``).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from cli_runner import run_in_process as main
from paper_checks import all_texts, furniture_texts, off_page, overlaps, smallest_pt
from PIL import Image
from pypdf import PdfReader

from explorer import export, paper
from explorer.layers import DEFAULT_LAYERS
from explorer.paper import Paper, PaperError
from explorer.printmap import paper as on_paper

DAY, EARLIER = dt.date(2026, 3, 1), dt.date(2025, 1, 1)
POLAND = (14.0, 49.0, 24.2, 55.0)
LAYERS = ["borders", "treaty", "border-fence", "basemap"]
SHEETS = [Paper(size, o) for size in ("a4", "letter") for o in paper.ORIENTATIONS]
MM_PER_PT = 25.4 / 72


def _squash(texts: list[str]) -> str:
    return " ".join(" ".join(texts).split())


def _ids(sheets: list[Paper]) -> list[str]:
    return [f"{s.size}-{s.orientation}" for s in sheets]


# --- The vocabulary ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "orientation", "mm"),
    [("a4", "portrait", (210, 297)), ("a4", "landscape", (297, 210)),
     ("a3", "portrait", (297, 420)), ("letter", "landscape", (279.4, 215.9)),
     ("legal", "portrait", (215.9, 355.6))],
)  # fmt: skip
def test_paper_sizes(size, orientation, mm):
    sheet = Paper(size, orientation)
    assert sheet.size_mm == pytest.approx(mm)
    assert sheet.size_in == pytest.approx((mm[0] / 25.4, mm[1] / 25.4))


@pytest.mark.parametrize(
    ("args", "message"),
    [(("a5",), "unknown paper 'a5'"), (("a4", "upright"), "unknown orientation 'upright'"),
     (("a4", "portrait", -1), "margin -1 mm is out of range"),
     (("a4", "portrait", 500), "margin 500 mm is out of range"),
     (("a4", "portrait", float("nan")), "out of range"), (("a4", "portrait", "5"), "not a number")],
)  # fmt: skip
def test_bad_paper_is_one_error(args, message):
    with pytest.raises(PaperError, match=re.escape(message)):
        Paper(*args)


# --- Page sizes in every format ---------------------------------------------------------------


@pytest.mark.parametrize("sheet", SHEETS, ids=_ids(SHEETS))
def test_pdf_pages_are_exactly_the_paper(dataset, sheet):
    pdf = export.export_bytes(dataset, fmt="pdf", layers=LAYERS, date=DAY, bbox=POLAND,
                              paper=sheet)  # fmt: skip
    pages = PdfReader(io.BytesIO(pdf)).pages
    for page in pages:
        box = page.mediabox
        assert (float(box.width) * MM_PER_PT, float(box.height) * MM_PER_PT) == pytest.approx(
            sheet.size_mm, abs=0.05
        )


@pytest.mark.parametrize("sheet", [Paper("a4", "portrait"), Paper("letter", "landscape", 5)],
                         ids=["a4-portrait", "letter-landscape"])  # fmt: skip
def test_png_and_svg_are_exactly_the_paper(dataset, sheet):
    common = {"layers": LAYERS, "date": DAY, "bbox": POLAND, "paper": sheet}
    png = export.export_bytes(dataset, fmt="png", dpi=100, **common)
    with Image.open(io.BytesIO(png)) as image:
        w, h = image.size
    # the paper's size at the dpi, in whole pixels (matplotlib drops the fraction)
    assert (w, h) == (int(sheet.size_in[0] * 100), int(sheet.size_in[1] * 100))
    svg = export.export_bytes(dataset, fmt="svg", **common).decode("utf-8")
    width, height = (float(v) for v in re.search(r'<svg[^>]*width="([\d.]+)pt" '
                                                 r'height="([\d.]+)pt"', svg).groups())  # fmt: skip
    assert (width * MM_PER_PT, height * MM_PER_PT) == pytest.approx(sheet.size_mm, abs=0.05)


def test_without_paper_the_screen_page_is_unchanged(dataset):
    png = export.export_bytes(dataset, fmt="png", dpi=50, layers=LAYERS, date=DAY, bbox=POLAND)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (800, 500)


# --- What every page carries, type sizes, overlaps ---------------------------------------------


def _check_map_page(fig, sheet: Paper, *, title: str, day: dt.date) -> None:
    texts = "\n".join(all_texts(fig))
    assert title in texts.replace("\n", " ")
    assert day.isoformat() in texts
    assert re.search(r"\d km$", texts, re.MULTILINE), "a scale bar"
    assert "N" in texts.split("\n"), "a north arrow"
    assert "© OpenStreetMap contributors" in texts and "Natural Earth" in texts
    assert "Sources (" in texts
    assert "Permalink: http" in texts
    assert tuple(fig.get_size_inches()) == pytest.approx(sheet.size_in)
    assert smallest_pt([t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize"))
                        if getattr(t, "get_text", lambda: "")().strip()]) >= 7  # fmt: skip
    assert overlaps(fig) == []
    assert off_page(fig, sheet.margin_in) == []


MORE = [Paper("a3", "portrait"), Paper("legal", "landscape", 20)]


@pytest.mark.parametrize("sheet", SHEETS + MORE, ids=_ids(SHEETS + MORE))
def test_a_single_view_on_paper(dataset, sheet):
    pages = on_paper.map_pages(dataset, paper=sheet, fmt="pdf", layers=DEFAULT_LAYERS, date=DAY)
    _check_map_page(pages[0], sheet, title="Border fortifications on NATO's eastern flank",
                    day=DAY)  # fmt: skip
    # The whole eastern flank has more sources than a page holds: they continue.
    sources_line = next(t for t in all_texts(pages[0]) if t.startswith("Sources ("))
    assert "continued on the sources page" in " ".join(sources_line.split())
    assert len(pages) >= 2
    for extra in pages[1:]:
        assert tuple(extra.get_size_inches()) == pytest.approx(sheet.size_in)
        assert "sources, continued" in _squash(all_texts(extra))
        assert overlaps(extra) == [] and off_page(extra, sheet.margin_in) == []


@pytest.mark.parametrize("sheet", SHEETS, ids=_ids(SHEETS))
def test_a_comparison_on_paper_continues_its_sources_instead_of_cutting_them(dataset, sheet):
    pages = on_paper.map_pages(dataset, paper=sheet, fmt="pdf", layers=DEFAULT_LAYERS, date=DAY,
                               compare=EARLIER)  # fmt: skip
    first = pages[0]
    _check_map_page(first, sheet, title="what changed", day=DAY)
    texts = "\n".join(all_texts(first))
    assert f"A · {EARLIER.isoformat()}" in texts and f"B · {DAY.isoformat()}" in texts
    assert "What changed between" in "\n".join(all_texts(pages[1]))
    line = _squash([next(t for t in all_texts(first) if t.startswith("Sources ("))])
    n = int(re.match(r"Sources \((\d+)", line).group(1))
    on_page = line.split("): ", 1)[1].split(", …")[0].rstrip(".").split(", ")
    # The sources pages give each id left over its own entry ("id: publisher: title ...").
    known = set(dataset.sources.index)
    continued = [t.split(": ", 1)[0] for p in pages[2:] for t in all_texts(p)
                 if t.split(": ", 1)[0] in known]  # fmt: skip
    assert n > len(on_page) > 0, "the comparison's sources do not fit one page"
    assert "continued on the sources page" in line
    assert len(on_page) + len(continued) == n
    assert not set(on_page) & set(continued)


def test_png_says_where_the_other_sources_are(dataset):
    pages = on_paper.map_pages(dataset, paper=Paper("a4", "portrait"), fmt="png",
                               layers=DEFAULT_LAYERS, date=DAY)  # fmt: skip
    assert len(pages) == 1
    line = " ".join(next(t for t in all_texts(pages[0]) if t.startswith("Sources (")).split())
    assert "sources page" in line and "data exports" in line
    assert overlaps(pages[0]) == [] and off_page(pages[0], 10 / 25.4) == []


def test_furniture_check_can_fail(dataset):
    """The overlap and size checks see a text put over the title, and a 5 pt text."""
    sheet = Paper("a4", "portrait")
    fig = on_paper.map_pages(dataset, paper=sheet, fmt="png", layers=LAYERS, date=DAY,
                             bbox=POLAND)[0]  # fmt: skip
    title = next(t for t in fig.texts if t.get_text().startswith("Border"))
    fig.text(*title.get_position(), "clash", fontsize=5)
    assert any("clash" in pair for pair in overlaps(fig))
    assert smallest_pt(furniture_texts(fig)) == 5


# --- Bad arguments ----------------------------------------------------------------------------

BAD = [
    (["--out", "{tmp}/m.pdf", "--paper", "a5"], "argument --paper: invalid choice: 'a5'"),
    (["--out", "{tmp}/m.pdf", "--paper", "a4", "--margin", "-3"], "invalid margin '-3'"),
    (["--out", "{tmp}/m.pdf", "--paper", "a4", "--margin", "400"], "invalid margin '400'"),
    (["--out", "{tmp}/m.pdf", "--paper", "a4", "--margin", "wide"], "invalid margin 'wide'"),
    (["--out", "{tmp}/m.pdf", "--paper", "a4", "--orientation", "up"], "invalid choice: 'up'"),
    (["--out", "{tmp}/m.pdf", "--orientation", "portrait"], "need --paper"),
    (["--out", "{tmp}/m.csv", "--paper", "a4"], "--paper is for maps"),
    (["--out", "{tmp}/atlas.png", "--atlas", "segments"], "--atlas writes a PDF"),
    (["--out", "{tmp}/atlas.pdf", "--atlas", "borders"], "argument --atlas: invalid choice"),
    (["--out", "{tmp}/atlas.pdf", "--atlas", "segments", "--compare", "2025-01-01"],
     "--atlas shows one date"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_paper_arguments_print_one_line_and_exit_2(capsys, tmp_path, args, message):
    code, out, err = main(capsys, "export", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert code == 2 and out == ""
    assert err.count("\n") == 1, err
    assert message in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--paper", "a3"], "invalid choice: 'a3'"), (["--margin", "-1"], "invalid margin")],
)
def test_bad_handout_paper_is_one_line_exit_2(capsys, tmp_path, args, message):
    code, out, err = main(capsys, "handout", "--out", str(tmp_path / "h.pdf"), *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err
    assert list(tmp_path.iterdir()) == []


def test_export_paper_from_the_command_line(capsys, tmp_path):
    out = tmp_path / "poland.pdf"
    code, stdout, err = main(capsys, "export", "--out", str(out), "--layers", ",".join(LAYERS),
                             "--bbox", "14,49,24.2,55", "--date", "2026-03-01", "--paper",
                             "letter", "--orientation", "portrait", "--margin", "12")  # fmt: skip
    assert code == 0, err
    assert stdout.startswith(f"Wrote {out} (pdf, ")
    box = PdfReader(out).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((612, 792), abs=0.01)
