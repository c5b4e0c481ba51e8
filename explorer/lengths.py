"""Official versus measured border lengths, and a plain explanation of why they differ."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Final

#: Shown wherever both lengths appear; short enough for a popup.
WHY_THEY_DIFFER = (
    "Official figures come from national surveys that follow every bend of rivers and "
    "lakes at full detail and may count water or sea stretches differently; the measured "
    "length is computed here along public map data (OpenStreetMap land borders, Natural Earth "
    "where they cross lakes), which is smoother, so it usually comes out a little shorter."
)


def difference_pct(official_km: float | None, measured_km: float | None) -> float | None:
    """Return how far the measured length is from the official one, in percent of official.

    Examples
    --------
    >>> difference_pct(418, 404.6)
    -3.2
    >>> difference_pct(None, 10) is None
    True
    >>> difference_pct(0, 10) is None
    True
    """
    if official_km is None or measured_km is None or not official_km:
        return None
    if math.isnan(official_km) or math.isnan(measured_km):
        return None
    return round((measured_km - official_km) / official_km * 100.0, 1)


def difference_note(
    official_km: float | None,
    measured_km: float | None,
    *,
    approx_km: float = 0.0,
    official_part: str | None = "total",
) -> str:
    """Explain, in one or two plain sentences, why a segment's two lengths differ.

    Parameters
    ----------
    official_km, measured_km : float or None
        The preferred official figure and the geodesic length of the drawn line.
    approx_km : float, default 0
        Part of the measured length drawn from generalised Natural Earth data (lakes, lagoons).
    official_part : str, default "total"
        What the official figure covers (``total``, ``land``, ...).

    Returns
    -------
    str

    Examples
    --------
    >>> difference_note(None, 100.0)
    'No official length is recorded for this border; the measured length is shown alone.'
    >>> "3.2 % shorter" in difference_note(418, 404.6)
    True
    """
    pct = difference_pct(official_km, measured_km)
    if pct is None:
        return "No official length is recorded for this border; the measured length is shown alone."
    direction = "shorter" if pct < 0 else "longer"
    first = (
        f"The measured line is {abs(pct):.1f} % {direction} than the official "
        f"{official_km:,.1f} km."
    )
    reasons = []
    if pct < 0:
        reasons.append(
            "map data smooths the small bends of border rivers and streams that surveys follow"
        )
    if approx_km > 0:
        reasons.append(
            f"{approx_km:,.1f} km across lakes or lagoons is drawn from generalised "
            "Natural Earth data"
        )
    if official_part and official_part != "total":
        reasons.append(f"the official figure covers the {official_part} border only")
    if pct > 0:
        reasons.append(
            "the official figure may leave out water or sea stretches that the line includes"
        )
    return first + " Why: " + "; ".join(reasons) + "."


#: Linear elements whose sourced length counts as "fenced or fortified km" of a border.
LINEAR_ELEMENTS = frozenset({"fence", "barrier", "electronic-barrier"})


def fortified_km(forts: object, segment_id: str, state_on: dict[str, str | None]) -> list[dict]:
    """List the sourced lengths of linear works (fences, barriers) on one border segment.

    Only features drawn on this segment alone are counted (a figure for two borders cannot be
    split between them), and only those that exist on the date (``state_on``: id → state).

    Parameters
    ----------
    forts : pandas.DataFrame or list of dict
        Fortifications with ``id``, ``name_en``, ``element``, ``derive_segments``,
        ``length_km``, ``sources`` (or their records, when asked for many segments).
    segment_id : str
        Border segment id.
    state_on : dict
        Feature id → ``announced`` / ``under-construction`` / ``complete`` / None on the date.

    Returns
    -------
    list of dict
        ``id``, ``name``, ``element``, ``km``, ``state``, ``sources`` per work.
    """
    records = forts if isinstance(forts, list) else forts.to_dict("records")  # type: ignore[attr-defined]
    rows = []
    for rec in records:
        segs = rec.get("derive_segments") or []
        km = rec.get("length_km")
        if rec.get("element") not in LINEAR_ELEMENTS or list(segs) != [segment_id]:
            continue
        if km is None or (isinstance(km, float) and math.isnan(km)):
            continue
        state = state_on.get(rec["id"])
        if state is None:
            continue
        rows.append(
            {
                "id": rec["id"],
                "name": rec["name_en"],
                "element": rec["element"],
                "km": float(km),
                "state": state,
                "sources": list(rec["sources"]),
            }
        )
    return rows


#: A length note that words its figure as approximate ("about 200 km", "44.6–45 km").
_ABOUT_NOTE: Final = re.compile(
    r"\b(about|around|approximately|roughly|up to|over|nearly|almost)\b|\d\s*[–-]\s*\d", re.I
)


def length_is_about(work: Mapping[str, Any]) -> bool:
    """Tell whether a work's sourced ``length_km`` is approximate ("about N km").

    A length is exact only when the work's ``confidence`` is ``official``, its ``precision`` is
    ``exact``, it lies along at most one border segment (a figure for several borders cannot be
    split between them) and its ``length_note`` does not word the figure as approximate
    ("about", "up to", "over", a range such as "44.6–45 km"). A work with no length is not
    "about" anything (False).

    Examples
    --------
    >>> exact = {"length_km": 10.0, "confidence": "official", "precision": "exact",
    ...          "derive_segments": ["A-B"], "length_note": "10 km (ministry)."}
    >>> length_is_about(exact), length_is_about({**exact, "length_note": "About 10 km."})
    (False, True)
    >>> length_is_about({**exact, "confidence": "reported"}), length_is_about(
    ...     {**exact, "derive_segments": ["A-B", "A-C"]})
    (True, True)
    """
    km = work.get("length_km")
    if km is None or (isinstance(km, float) and math.isnan(km)):
        return False
    note = work.get("length_note")
    return (
        work.get("confidence") != "official"
        or work.get("precision") != "exact"
        or len(work.get("derive_segments") or []) > 1
        or (isinstance(note, str) and bool(_ABOUT_NOTE.search(note)))
    )
