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
