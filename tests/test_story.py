"""The story (geodata/story.csv): validated like every table, and turned into presenter views."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from explorer import config, story, style, timeline, validation, view

STORY = "story.csv"


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _edit(data_dir: Path, chapter_id: str, **values: str) -> None:
    fields, rows = _rows(data_dir / STORY)
    hit = next(r for r in rows if r["id"] == chapter_id)
    hit.update(values)
    _write(data_dir / STORY, fields, rows)


def _story_problems(data_dir: Path) -> list[validation.Problem]:
    problems = validation.validate_dir(data_dir)[1]
    return [p for p in problems if p.file == STORY]


@pytest.fixture(scope="module")
def chapters() -> tuple[story.Chapter, ...]:
    return story.load_chapters()


# --- The bundled story ---------------------------------------------------------------------------


def test_bundled_story_is_valid_and_numbered(chapters):
    assert validation.validate_dir(config.GEODATA_DIR)[1] == []
    assert [c.number for c in chapters] == list(range(1, len(chapters) + 1))
    assert len({c.id for c in chapters}) == len(chapters) == 9


def test_chapters_follow_the_issue_in_time_order(chapters):
    dates = [c.date for c in chapters]
    assert dates == sorted(dates)
    # The milestones the issue names, each on the day FACTS.md gives.
    assert dates[0].year == 1997
    assert dt.date(2022, 2, 24) in dates
    assert dt.date(2025, 3, 18) in dates
    assert dates[-3:-1] == [dt.date(2026, 1, 10), dt.date(2026, 2, 20)]
    assert dates[-1] == dt.date.fromisoformat(config.DATA_AS_OF)


def test_withdrawal_chapters_agree_with_the_treaty_events(dataset, chapters):
    """Each 'leaves' chapter sits on the day the country's withdrawal takes effect in the data."""
    events = dataset.treaty_events
    effective = events[(events["event"] == "withdrawal-effective") & events["preferred"]]
    by_country = dict(zip(effective["country"], effective["date"], strict=True))
    chapter_dates = {c.id: c.date for c in chapters}
    assert chapter_dates["baltic-withdrawals-2025"] == by_country["EST"] == by_country["LVA"]
    assert chapter_dates["finland-2026"] == by_country["FIN"]
    assert chapter_dates["poland-2026"] == by_country["POL"]
    status = timeline.status_on(events, "POL", "APMBC", chapter_dates["poland-2026"])
    assert status.status == "withdrawn"


def test_every_chapter_has_both_languages_and_sources(dataset, chapters):
    for ch in chapters:
        for lang in config.LANGUAGES:
            assert ch.title[lang].strip() and ch.caption[lang].strip() and ch.notes[lang].strip()
        assert ch.caption["en"] != ch.caption["pl"]
        assert ch.sources and set(ch.sources) <= set(dataset.sources.index)
        assert ch.layers and set(ch.layers) <= set(style.LAYER_IDS)


def test_chapter_state_and_permalink(chapters):
    ch = chapters[3]
    state = story.chapter_state(ch, "pl")
    assert (state.mode, state.chapter, state.lang) == ("present", 4, "pl")
    assert state.layers == ch.layers and state.date == ch.date
    west, south, east, north = ch.bbox
    assert west < state.lon < east and south < state.lat < north
    # The fitted view shows the whole box on the presenter's map.
    shown = view.view_bbox(state.lat, state.lon, state.zoom, width_px=story.PRESENTER_MAP_PX[0],
                           height_px=story.PRESENTER_MAP_PX[1])  # fmt: skip
    assert shown[0] <= west and shown[1] <= south and shown[2] >= east and shown[3] >= north
    assert story.chapter_url(ch, "en").endswith("?mode=present&chapter=4&lang=en")


# --- Rejections ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "needle"),
    [
        ({"layers": "borders;moat"}, "layers", "unknown layer 'moat'"),
        ({"sources": "no-such-source"}, "sources", "unknown sources id 'no-such-source'"),
        ({"sources": ""}, "sources", "required value missing"),
        ({"west": "200"}, "west", "outside -180..180"),
        ({"north": "95"}, "north", "outside -90..90"),
        ({"west": "30", "east": "20"}, "east", "west 30.0 must be less than east 20.0"),
        ({"south": "55", "north": "55"}, "north", "south 55.0 must be less than north 55.0"),
        ({"east": "far"}, "east", "expected a number"),
        ({"date": "2025-02-30"}, "date", "unparseable date"),
        ({"date": "March 2025"}, "date", "unparseable date"),
        ({"date": "1990-01-01"}, "date", "outside the map's"),
        ({"caption_pl": ""}, "caption_pl", "required value missing"),
        ({"chapter": "2.5"}, "chapter", "expected a whole number"),
        ({"chapter": "7"}, "chapter", "chapter 7 is out of order: expected 2"),
    ],
)
def test_bad_chapter_is_rejected_with_a_clear_problem(data_copy, values, field, needle):
    _edit(data_copy, "poland-joins", **values)
    problems = [p for p in _story_problems(data_copy) if p.field == field]
    assert problems, _story_problems(data_copy)
    assert all(p.record == "poland-joins" for p in problems)
    assert any(needle in p.message for p in problems), problems


def test_negative_longitudes_are_allowed(data_copy):
    _edit(data_copy, "signature-1997", west="-2")
    assert _story_problems(data_copy) == []


def test_chapters_must_run_one_to_n_without_gaps(data_copy):
    fields, rows = _rows(data_copy / STORY)
    del rows[4]  # chapter 5 goes missing: 6..9 are now out of place
    _write(data_copy / STORY, fields, rows)
    problems = _story_problems(data_copy)
    assert sorted(p.record for p in problems if p.field == "chapter") == sorted(
        r["id"] for r in rows[4:]
    )


def test_duplicate_chapter_ids_are_rejected(data_copy):
    fields, rows = _rows(data_copy / STORY)
    rows[1]["id"] = rows[0]["id"]
    _write(data_copy / STORY, fields, rows)
    assert any("used 2 times" in p.message for p in _story_problems(data_copy))


def test_missing_story_file_and_column(data_copy):
    fields, rows = _rows(data_copy / STORY)
    _write(data_copy / STORY, [f for f in fields if f != "notes_pl"],
           [{k: v for k, v in r.items() if k != "notes_pl"} for r in rows])  # fmt: skip
    assert any(
        p.field == "notes_pl" and p.message == "column is missing"
        for p in _story_problems(data_copy)
    )
    (data_copy / STORY).unlink()
    assert [p.message for p in _story_problems(data_copy)] == ["file is missing"]


def test_load_chapters_raises_one_error_listing_every_problem(data_copy):
    _edit(data_copy, "finland-2026", layers="treaty;castle", sources="nowhere")
    with pytest.raises(story.DataError) as caught:
        story.load_chapters(data_copy)
    text = str(caught.value)
    assert "finland-2026: layers: unknown layer 'castle'" in text
    assert "finland-2026: sources: unknown sources id 'nowhere'" in text
    assert len(caught.value.problems) == 2
