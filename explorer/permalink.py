"""The app's whole state as a URL query string, parsed defensively and written back compactly."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from explorer.config import DATE_MAX, DATE_MIN, LANGUAGES
from explorer.text import Message

#: Default view: the whole eastern flank, Norway–Russia in the north to Poland–Ukraine in the south.
DEFAULT_LAT = 60.0
DEFAULT_LON = 25.0
DEFAULT_ZOOM = 4
ZOOM_MIN, ZOOM_MAX = 3, 12
#: ``explore``: the map with every control; ``present``: the story's chapters, full screen.
MODES = ("explore", "present")

#: Longest value accepted for any key (anything longer is garbage or an attack).
MAX_VALUE_LEN = 400

#: Every key a permalink may hold; any other key is reported as ignored.
KEYS = (
    "layers",
    "date",
    "lat",
    "lon",
    "zoom",
    "segment",
    "lang",
    "mode",
    "chapter",
    "overlay",
    "compare",
)

#: The value of ``overlay`` in a link made while an uploaded overlay was on the map. The overlay
#: itself never travels in a link (it lives in one server process's session); the marker lets a
#: session started from the link (another worker after a restart, or another browser) say so.
OVERLAY_MARK = "1"

#: A plain decimal number in ASCII (``float`` alone would also take "١٢", "1_0" or " 12 ").
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


@dataclass(frozen=True)
class State:
    """Everything a permalink restores.

    Attributes
    ----------
    layers : tuple of str
        Visible layer ids, in registry order.
    date : datetime.date
        The selected date.
    lat, lon : float
        Map centre.
    zoom : int
        Map zoom level.
    segment : str or None
        Selected border segment id.
    lang : str
        Interface language.
    mode : str
        ``explore`` or ``present`` (:data:`MODES`).
    chapter : int
        The story chapter shown in ``present`` mode (1..N).
    overlay : bool
        Whether an uploaded overlay was on the map when the link was made (``overlay=1``).
    compare : datetime.date or None
        Compare mode (``compare=YYYY-MM-DD``): the earlier day "A" shown beside ``date`` ("B"),
        always before ``date``; None: one map.
    notices : tuple of Message
        Why values of a parsed query were ignored (not part of the state's identity).
    """

    layers: tuple[str, ...]
    date: dt.date
    lat: float = DEFAULT_LAT
    lon: float = DEFAULT_LON
    zoom: int = DEFAULT_ZOOM
    segment: str | None = None
    lang: str = "en"
    mode: str = "explore"
    chapter: int = 1
    overlay: bool = False
    compare: dt.date | None = None
    notices: tuple[Message, ...] = field(default=(), compare=False)


def default_state(default_layers: Sequence[str], today: dt.date) -> State:
    """Return the state a visitor without a permalink sees (today clamped into range)."""
    return State(layers=tuple(default_layers), date=min(max(today, DATE_MIN), DATE_MAX))


def _one(
    params: Mapping[str, object], key: str
) -> tuple[str | None, tuple[str, dict[str, object]] | None]:
    """Return ``(value, why not)`` for ``key``: its one string value, or why there is none.

    ``why not`` is a notice key (a translation key, ``link.*``) and its values.

    A key given several times with different values is ambiguous (which one did the sender
    mean?) and is ignored; repeats of the same value are harmless.
    """
    value = params.get(key)
    values = list(value) if isinstance(value, list | tuple) else [value]
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    if not all(isinstance(v, str) for v in values):
        return None, ("link.expected_text", {})
    distinct = list(dict.fromkeys(values))
    if len(distinct) > 1:
        return None, ("link.repeated", {"n": len(values)})
    return distinct[0], None


def parse_query(
    params: Mapping[str, object],
    *,
    known_layers: Sequence[str],
    known_segments: Iterable[str],
    default: State,
    chapters: int = 0,
) -> State:
    """Turn query parameters into a :class:`State`, falling back per key with a notice.

    Parameters
    ----------
    params : mapping
        Key to a string or a list of strings (repeated keys), e.g. from ``st.query_params``.
    known_layers, known_segments : sequences of str
        Valid layer and segment ids.
    default : State
        Used for every missing or invalid value.
    chapters : int, default 0
        Number of story chapters: ``chapter`` must be 1..``chapters``.

    Returns
    -------
    State
        With ``notices`` naming each value that was ignored. Never raises.

    Examples
    --------
    >>> d = State(layers=("borders",), date=dt.date(2026, 1, 1))
    >>> s = parse_query({"date": "2026-02-20", "zoom": "99"}, known_layers=["borders"],
    ...                 known_segments=[], default=d)
    >>> s.date, s.zoom, s.notices
    (datetime.date(2026, 2, 20), 4, ("Ignored zoom='99': expected a whole number 3–12.",))
    >>> s = parse_query({"mode": "present", "chapter": "12"}, known_layers=[], known_segments=[],
    ...                 default=d, chapters=9)
    >>> s.mode, s.chapter, s.notices
    ('present', 1, ("Ignored chapter='12': expected a chapter number 1–9.",))

    ``compare`` (compare mode) must be a day in range before ``date``; otherwise one map is
    shown, with a notice (the link's ``date`` is what it asked to see: it is never swapped).

    >>> s = parse_query({"date": "2026-03-01", "compare": "2025-01-01"}, known_layers=[],
    ...                 known_segments=[], default=d)
    >>> s.date, s.compare, s.notices
    (datetime.date(2026, 3, 1), datetime.date(2025, 1, 1), ())
    >>> parse_query({"date": "2025-01-01", "compare": "2026-03-01"}, known_layers=[],
    ...             known_segments=[], default=d).compare is None
    True
    """
    notices: list[Message] = []
    state = default

    def note(key: str, raw: str, why: str, **values: object) -> None:
        shown = repr(raw if len(raw) <= 40 else raw[:40] + "…")
        shown = shown if len(shown) <= 80 else shown[:80] + "…"  # escapes can be long
        notices.append(Message(why, key=key, value=shown, **values))

    unknown_keys = [str(k) for k in params if k not in KEYS]
    if unknown_keys:
        names = ", ".join(repr(k[:20]) for k in unknown_keys[:5])
        if len(unknown_keys) > 5:
            notices.append(Message("link.unknown_keys_more", names=names, n=len(unknown_keys) - 5))
        else:
            notices.append(Message("link.unknown_keys", names=names))
    for key in KEYS:
        raw, why_not = _one(params, key)
        if why_not is not None:
            value = params.get(key)
            note(
                key,
                ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value),
                why_not[0],
                **why_not[1],
            )
            continue
        if raw is None:
            continue
        if len(raw) > MAX_VALUE_LEN:
            note(key, raw, "link.too_long")
            continue
        if key == "layers":
            wanted = [] if raw == "none" else [v for v in raw.split(",") if v]
            if not wanted and raw != "none":
                note(key, raw, "link.no_layer")
                continue
            unknown = [v for v in wanted if v not in known_layers]
            if unknown:
                note(key, raw, "link.unknown_layers", layers=", ".join(sorted(set(unknown)))[:80])
                if len(unknown) == len(wanted):
                    continue  # nothing usable: the default layers, not an empty map
            state = replace(state, layers=tuple(v for v in known_layers if v in wanted))
        elif key == "date":
            day = _day(raw)
            if day is None:
                note(key, raw, "link.bad_date")
            elif not DATE_MIN <= day <= DATE_MAX:
                nearest = DATE_MIN if day < DATE_MIN else DATE_MAX
                note(
                    key,
                    raw,
                    "link.date_outside",
                    first=DATE_MIN.year,
                    last=DATE_MAX.year,
                    nearest=nearest,
                )
                state = replace(state, date=nearest)
            else:
                state = replace(state, date=day)
        elif key in ("lat", "lon"):
            limit = 85.0 if key == "lat" else 180.0
            number = float(raw) if _NUMBER_RE.fullmatch(raw) else math.nan
            if not math.isfinite(number) or abs(number) > limit:
                note(key, raw, "link.bad_number", limit=f"{limit:g}")
            else:
                state = replace(state, **{key: round(number, 4)})
        elif key == "zoom":
            if raw.isascii() and raw.isdigit() and ZOOM_MIN <= int(raw) <= ZOOM_MAX:
                state = replace(state, zoom=int(raw))
            else:
                note(key, raw, "link.bad_zoom", min=ZOOM_MIN, max=ZOOM_MAX)
        elif key == "segment":
            if raw in set(known_segments):
                state = replace(state, segment=raw)
            else:
                note(key, raw, "link.bad_segment")
        elif key == "lang":
            if raw in LANGUAGES:
                state = replace(state, lang=raw)
            else:
                note(key, raw, "link.bad_choice", options=", ".join(LANGUAGES))
        elif key == "mode":
            if raw in MODES:
                state = replace(state, mode=raw)
            else:
                note(key, raw, "link.bad_choice", options=", ".join(MODES))
        elif key == "chapter":
            if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= chapters:
                state = replace(state, chapter=int(raw))
            else:
                note(key, raw, "link.bad_chapter", n=chapters)
        elif key == "overlay":
            if raw == OVERLAY_MARK:
                state = replace(state, overlay=True)
            else:
                note(key, raw, "link.bad_choice", options=OVERLAY_MARK)
        elif key == "compare":  # after "date" (KEYS order): A must come before the final B
            if not raw:
                continue  # ``compare=`` with no value: one map, nothing to say
            day = _day(raw)
            if day is None:
                note(key, raw, "link.bad_date")
            elif not DATE_MIN <= day <= DATE_MAX:
                note(key, raw, "link.compare_outside", first=DATE_MIN.year, last=DATE_MAX.year)
            elif day >= state.date:
                note(key, raw, "link.compare_not_before", date=state.date.isoformat())
            else:
                state = replace(state, compare=day)
    return replace(state, notices=tuple(notices))


def _day(raw: str) -> dt.date | None:
    """Return the ISO day ``YYYY-MM-DD`` in ``raw`` (ASCII digits only), else None.

    Examples
    --------
    >>> _day("2026-02-20"), _day("2026-02-30"), _day("２０２６-０２-２０")
    (datetime.date(2026, 2, 20), None, None)
    """
    try:
        return dt.date.fromisoformat(raw) if len(raw) == 10 and raw.isascii() else None
    except ValueError:
        return None


def to_query(state: State) -> dict[str, str]:
    """Return the query parameters for ``state`` (always complete, so a link is self-contained).

    In ``present`` mode the chapter fixes the layers, date and view, so the link is just the
    mode, the chapter and the language; in ``explore`` mode (the default) ``mode`` is left out.

    Examples
    --------
    >>> d = State(layers=("a", "b"), date=dt.date(2026, 1, 1))
    >>> to_query(d)["layers"], to_query(d)["date"]
    ('a,b', '2026-01-01')
    >>> to_query(replace(d, layers=()))["layers"]
    'none'
    >>> to_query(replace(d, mode="present", chapter=3))
    {'mode': 'present', 'chapter': '3', 'lang': 'en'}
    >>> to_query(replace(d, overlay=True))["overlay"], "overlay" in to_query(d)
    ('1', False)
    >>> to_query(replace(d, compare=dt.date(2025, 1, 1)))["compare"], "compare" in to_query(d)
    ('2025-01-01', False)
    """
    if state.mode == "present":
        return {"mode": "present", "chapter": str(state.chapter), "lang": state.lang}
    query = {
        "layers": ",".join(state.layers) if state.layers else "none",
        "date": state.date.isoformat(),
        "lat": f"{state.lat:.4f}",
        "lon": f"{state.lon:.4f}",
        "zoom": str(state.zoom),
        "lang": state.lang,
    }
    if state.segment:
        query["segment"] = state.segment
    if state.overlay:
        query["overlay"] = OVERLAY_MARK
    if state.compare is not None:
        query["compare"] = state.compare.isoformat()
    return query
