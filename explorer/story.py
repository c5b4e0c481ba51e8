"""The presenter's story: authored chapters from ``geodata/story.csv``, each a view of the map.

A chapter is a date, a box, the visible layers, a title, a caption and speaker notes in each
language, and its sources. This module loads and validates the chapters and turns one into the
app's permalink :class:`~explorer.permalink.State` or a box for the static renderer. Pure: no
Streamlit, no folium, no matplotlib.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

from explorer import config, permalink, schema, validation, view
from explorer.config import GEODATA_DIR
from explorer.layers import LAYER_IDS
from explorer.validation import DataError

__all__ = [
    "PRESENTER_MAP_PX",
    "Chapter",
    "DataError",
    "chapter_state",
    "chapter_url",
    "load_chapters",
]

#: Size in CSS pixels the presenter's full-width map is assumed to have, to fit a chapter's box
#: into a centre and a zoom level (a 1280-pixel-wide screen without the sidebar).
PRESENTER_MAP_PX: Final[tuple[int, int]] = (1180, 520)


@dataclass(frozen=True)
class Chapter:
    """One chapter of the story.

    Attributes
    ----------
    number : int
        1..N, the order of presentation.
    id : str
        Stable id (``story.csv``'s ``id``).
    date : datetime.date
        The day the map shows.
    bbox : (west, south, east, north)
        The view, degrees.
    layers : tuple of str
        Visible layers, in :data:`explorer.LAYER_IDS` order.
    title, caption, notes : dict of str to str
        Language -> text (plain text: escape before HTML or markdown).
    sources : tuple of str
        Ids in ``geodata/sources.csv``.
    compare : datetime.date or None
        An earlier date: the chapter compares the map on it with the map on ``date``.
    play_to : datetime.date or None
        A later date: the chapter plays the map from ``date`` to it (the presenter steps the
        date by itself; the handout prints both ends).
    """

    number: int
    id: str
    date: dt.date
    bbox: view.Bbox
    layers: tuple[str, ...]
    title: dict[str, str]
    caption: dict[str, str]
    notes: dict[str, str]
    sources: tuple[str, ...]
    compare: dt.date | None = None
    play_to: dt.date | None = None


def _chapter(rec: dict) -> Chapter:
    wanted = set(rec["layers"])
    langs = config.LANGUAGES
    return Chapter(
        number=rec["chapter"],
        id=rec["id"],
        date=rec["date"],
        bbox=(rec["west"], rec["south"], rec["east"], rec["north"]),
        layers=tuple(i for i in LAYER_IDS if i in wanted),
        title={lang: rec[f"title_{lang}"] for lang in langs},
        caption={lang: rec[f"caption_{lang}"] for lang in langs},
        notes={lang: rec[f"notes_{lang}"] for lang in langs},
        sources=tuple(rec["sources"]),
        compare=rec.get("compare"),
        play_to=rec.get("play_to"),
    )


def load_chapters(data_dir: Path | str = GEODATA_DIR) -> tuple[Chapter, ...]:
    """Read and validate ``story.csv`` (and the source ids it cites) in ``data_dir``.

    Parameters
    ----------
    data_dir : path, default ``geodata/``
        Folder holding ``story.csv`` and ``sources.csv``.

    Returns
    -------
    tuple of Chapter
        In chapter order (1..N).

    Raises
    ------
    DataError
        Listing every problem in the story (unknown layer or source, bad box or date, chapters
        not numbered 1..N).

    Examples
    --------
    >>> chapters = load_chapters()
    >>> chapters[0].number, chapters[-1].number == len(chapters)
    (1, True)
    >>> load_chapters("/nonexistent")
    Traceback (most recent call last):
    ...
    explorer.validation.problems.DataError: 2 problem(s) in geodata:
    ...
    """
    folder = Path(data_dir)
    tables: dict[str, list[dict]] = {}
    problems: list[validation.Problem] = []
    for spec in (schema.SOURCES, schema.STORY):
        raw, read_problems = validation.read_records(folder / spec.filename, spec)
        clean, table_problems = validation.check_table(spec, raw)
        tables[spec.name] = clean
        problems += read_problems + table_problems
    problems += validation.check_references(tables, [schema.STORY])
    problems += validation.story_rules(tables[schema.STORY.name])
    problems += validation.verified_rules(tables)
    if problems:
        raise DataError(set(problems))
    return tuple(_chapter(rec) for rec in tables[schema.STORY.name])


def chapter_state(
    chapter: Chapter,
    lang: str = "en",
    *,
    width_px: int = PRESENTER_MAP_PX[0],
    height_px: int = PRESENTER_MAP_PX[1],
) -> permalink.State:
    """Return the presenter's state for ``chapter``: its layers, date and view, in ``lang``.

    Examples
    --------
    >>> ch = load_chapters()[0]
    >>> s = chapter_state(ch, "pl")
    >>> (s.mode, s.chapter, s.lang, s.date == ch.date, s.layers == ch.layers)
    ('present', 1, 'pl', True, True)
    >>> permalink.to_query(s)
    {'mode': 'present', 'chapter': '1', 'lang': 'pl'}
    """
    lat, lon, zoom = view.view_centre_zoom(chapter.bbox, width_px=width_px, height_px=height_px)
    state = permalink.State(layers=chapter.layers, date=chapter.date, lat=lat, lon=lon, zoom=zoom)
    return replace(state, mode="present", chapter=chapter.number, lang=lang)


def chapter_url(chapter: Chapter, lang: str = "en", base_url: str = view.APP_URL) -> str:
    """Return the chapter's permalink (opens the app in presenter mode on this chapter).

    Examples
    --------
    >>> chapter_url(load_chapters()[2], "pl")
    'http://localhost:8501/?mode=present&chapter=3&lang=pl'
    """
    query = permalink.to_query(chapter_state(chapter, lang))
    return f"{base_url}?{urlencode(query)}"
