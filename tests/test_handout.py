"""The presenter's handout: one PDF page per chapter, with the chapter's caption as real text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from explorer import story
from explorer import text as text_mod
from explorer.printmap import handout


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def chapters() -> tuple[story.Chapter, ...]:
    return story.load_chapters()


@pytest.fixture(scope="module", params=["en", "pl"])
def pdf(request, dataset, chapters) -> tuple[str, PdfReader]:
    data = handout.handout_bytes(dataset, chapters, lang=request.param)
    assert data.startswith(b"%PDF-")
    return request.param, PdfReader(io.BytesIO(data))


def test_one_page_per_chapter_with_its_caption_title_date_and_sources(pdf, chapters):
    lang, reader = pdf
    assert len(reader.pages) == len(chapters)
    for page, chapter in zip(reader.pages, chapters, strict=True):
        text = _squash(page.extract_text())
        assert _squash(chapter.caption[lang]) in text, (chapter.id, text[:400])
        assert _squash(chapter.title[lang]) in text
        assert chapter.date.isoformat() in text
        assert f"mode=present&chapter={chapter.number}&lang={lang}" in text
        assert "OpenStreetMap" in text and "Natural Earth" in text
        # The other language's caption is not on the page.
        other = "pl" if lang == "en" else "en"
        assert _squash(chapter.caption[other]) not in text


def test_pages_carry_full_source_references(pdf, dataset, chapters):
    _, reader = pdf
    text = _squash(reader.pages[0].extract_text())
    for source_id in chapters[0].sources:
        publisher = str(dataset.sources.loc[source_id, "publisher"])
        assert _squash(publisher) in text, source_id


def test_document_title_is_translated(pdf):
    lang, reader = pdf
    expected = {"en": "the story", "pl": "historia"}[lang]
    assert expected in reader.metadata.title


def test_bad_arguments_raise(dataset, chapters):
    with pytest.raises(ValueError, match="no chapters"):
        handout.handout_bytes(dataset, [], lang="en")
    with pytest.raises(ValueError, match="unknown language"):
        handout.handout_bytes(dataset, chapters, lang="de")


def test_each_page_credits_the_map_data_once_in_its_language(pdf):
    """Regression (issue 15): a Polish page printed the credit twice, once half in English."""
    lang, reader = pdf
    credit = text_mod.attribution_text(lang)
    for page in reader.pages:
        words = _squash(page.extract_text())
        assert words.count("OpenStreetMap") == 1, words[-400:]
        assert _squash(credit) in words
        if lang == "pl":
            assert "contributors" not in words and "public domain" not in words


# --- The handout on real paper (issue 18) ------------------------------------------------------


@pytest.fixture(scope="module", params=["a4-portrait", "letter-portrait", "a4-landscape"])
def sheets(request, dataset, chapters):
    from explorer.paper import Paper

    size, orientation = request.param.split("-")
    sheet = Paper(size, orientation)
    return sheet, [
        handout.handout_sheet(dataset, chapter, total=len(chapters), paper=sheet)
        for chapter in chapters
    ]


def _body_texts(fig):
    """The page's text but the map's own furniture: titles, caption, references, the text
    beside the map, the legend, the footer (figure texts and the legend's axes)."""
    from paper_checks import furniture_texts

    legend = [ax for ax in fig.axes if any(t.get_text() == "Legend" for t in ax.texts)]
    # The legend's sample of the mark of works not drawn ("km" in a halo) is a symbol, the
    # same size as the mark on the map (7 pt): not body text.
    return [
        t for t in furniture_texts(fig)
        if t.axes is None or (t.axes in legend and t.get_text() != "km")
    ]  # fmt: skip


def test_handout_pages_are_the_paper_with_body_text_of_9_pt_or_more(sheets, chapters):
    from paper_checks import all_texts, off_page, overlaps

    sheet, pages = sheets
    for chapter, page in zip(chapters, pages, strict=True):
        fig = page.figure
        assert tuple(fig.get_size_inches()) == pytest.approx(sheet.size_in)
        body = _body_texts(fig)
        assert body and min(t.get_fontsize() for t in body) >= 9, chapter.id
        words = _squash(" ".join(all_texts(fig)))
        assert _squash(chapter.caption["en"]) in words
        assert "OpenStreetMap" in words and "Sources (" in words and "Permalink" in words
        if sheet.orientation == "portrait":  # landscape pages with long legends: see README
            assert overlaps(fig) == [], chapter.id
            assert off_page(fig, sheet.margin_in) == [], chapter.id


def test_handout_map_fills_the_page(sheets, chapters):
    """On the default portrait sheets the map takes a good share of the page.

    Measured (A4 / Letter portrait): 0.24-0.30 of the sheet for one map, 0.14-0.18 for the two
    maps of the comparison chapter and of the chapter that plays (their legend covers both
    dates). Landscape pages keep the legend beside the map and give it 0.09-0.19: not asserted
    (README, known limits).
    """
    from matplotlib.colors import to_hex

    from explorer import style

    sheet, pages = sheets
    if sheet.orientation != "portrait":
        pytest.skip("landscape handouts: see the docstring")
    for chapter, page in zip(chapters, pages, strict=True):
        fig = page.figure
        maps = [ax for ax in fig.axes if to_hex(ax.get_facecolor()) == to_hex(style.SEA_COLOUR)]
        share = sum(ax.get_position().width * ax.get_position().height for ax in maps)
        two_maps = chapter.compare or chapter.play_to  # a comparison, or a playing chapter's ends
        assert share >= (0.12 if two_maps else 0.2), (chapter.id, share)


def test_handout_pdf_on_paper_has_the_chapters_then_sources(dataset, chapters):
    from explorer.paper import Paper

    data = handout.handout_bytes(dataset, chapters[:2], lang="en", paper=Paper("letter",
                                 "portrait"))  # fmt: skip
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(612, abs=0.01)
    for page, chapter in zip(reader.pages, chapters[:2], strict=False):
        assert _squash(chapter.title["en"]) in _squash(page.extract_text())
    everything = _squash(" ".join(p.extract_text() for p in reader.pages))
    for source_id in chapters[0].sources:  # full references: on the page or a sources page
        publisher = str(dataset.sources.loc[source_id, "publisher"])
        assert _squash(publisher) in everything, source_id
