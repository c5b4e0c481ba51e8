"""A story chapter that plays (issue 17): ``play_to`` in story.csv, the presenter, the handout."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from app_runner import make_app, map_args

from explorer import config, story
from explorer.paper import Paper
from explorer.printmap import handout
from explorer.validation import DataError


@pytest.fixture(scope="module")
def chapters() -> tuple[story.Chapter, ...]:
    return story.load_chapters()


def playing(chapters) -> story.Chapter:
    found = [c for c in chapters if c.play_to is not None]
    assert found, "the story has a chapter that plays"
    return found[0]


def test_the_playing_chapter_plays_forward_to_a_day_its_sources_give(chapters):
    chapter = playing(chapters)
    assert chapter.date < chapter.play_to <= config.DATE_MAX
    assert chapter.compare is None
    # Its notes say where the map plays to, and cite the sources of that day.
    assert chapter.play_to.strftime("%-d December %Y") in chapter.notes["en"]
    assert {"xinhua-milosi-2025-12-28", "mag-withdrawal-statement"} <= set(chapter.sources)


def test_the_presenter_plays_the_chapter_by_itself_and_keeps_its_date(chapters):
    chapter = playing(chapters)
    at = make_app(mode="present", chapter=str(chapter.number))
    args = map_args(at)
    play = args["play"]
    assert (play["from"], play["to"]) == (chapter.date.isoformat(), chapter.play_to.isoformat())
    assert play["autoplay"] is True and play["key"] == chapter.id
    assert play["report"] is False  # the chapter keeps its own date: nothing to catch up with
    assert args["date"] == chapter.date.isoformat()
    assert any(f"from {chapter.date.isoformat()} to" in c.value for c in at.main.caption)
    # The chapter before it does not play.
    at = make_app(mode="present", chapter=str(chapter.number - 1))
    assert map_args(at)["play"] is None


def _texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


@pytest.mark.parametrize("paper", [None, Paper("a4", "portrait")], ids=["screen", "a4"])
def test_the_handout_prints_a_playing_chapter_as_its_first_and_last_day(dataset, chapters, paper):
    chapter = playing(chapters)
    fig = handout.handout_figure(dataset, chapter, total=len(chapters), lang="en", paper=paper)
    texts = _texts(fig)
    assert f"A · {chapter.date.isoformat()}" in texts
    assert f"B · {chapter.play_to.isoformat()}" in texts
    assert f"{chapter.date.isoformat()} – {chapter.play_to.isoformat()}" in texts
    assert texts.count("© OpenStreetMap contributors") == 1


def _story_with(tmp_path: Path, **changes: str) -> Path:
    for name in ("story.csv", "sources.csv"):
        shutil.copy(config.GEODATA_DIR / name, tmp_path / name)
    with (tmp_path / "story.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0].update(changes)
    with (tmp_path / "story.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return tmp_path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"play_to": "1997-01-01"}, "play_to 1997-01-01 must be after the chapter's date"),
        ({"play_to": "2030-01-01"}, "2030-01-01 is outside the map's"),
        ({"play_to": "2000-01-01", "compare": "1997-06-01"}, "not both"),
        ({"play_to": "soon"}, "play_to"),
    ],
)
def test_a_bad_play_to_is_refused_by_name(tmp_path, changes, message):
    with pytest.raises(DataError) as caught:
        story.load_chapters(_story_with(tmp_path, **changes))
    assert message in str(caught.value)
