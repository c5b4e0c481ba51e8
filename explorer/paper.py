"""Paper for print maps: the sizes, the orientations, the margin, checked once (issue 18).

A :class:`Paper` is what ``export --paper a4 --orientation portrait --margin 12`` and the
export panel ask for; the print layer (:mod:`explorer.printmap.sheet`) lays every page out on
exactly that size. Sizes and orientations are vocabulary, defined here only. Pure: no
matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "DEFAULT_MARGIN_MM",
    "HANDOUT_ORIENTATION",
    "HANDOUT_PAPERS",
    "MARGIN_RANGE_MM",
    "ORIENTATIONS",
    "PAPERS",
    "PAPER_SIZES_MM",
    "Paper",
    "PaperError",
]

#: Paper sizes, portrait, in millimetres (ISO 216 A4 and A3; US Letter and Legal).
PAPER_SIZES_MM: Final[dict[str, tuple[float, float]]] = {
    "a4": (210.0, 297.0),
    "a3": (297.0, 420.0),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
}
#: Paper size names, as the command line and the export panel spell them.
PAPERS: Final[tuple[str, ...]] = tuple(PAPER_SIZES_MM)
#: The handout's papers (what a school's printer holds); the first is the default.
HANDOUT_PAPERS: Final[tuple[str, ...]] = ("a4", "letter")
#: Orientations; a map's page is landscape unless asked otherwise.
ORIENTATIONS: Final[tuple[str, ...]] = ("landscape", "portrait")
#: The handout's default orientation: caption, map, legend and references one under another.
HANDOUT_ORIENTATION: Final[str] = "portrait"
#: Margin on every side, millimetres: most office printers cannot print the outer 4–6 mm.
DEFAULT_MARGIN_MM: Final[float] = 10.0
#: Accepted margins (inclusive), millimetres: more than 40 mm leaves no room for the map on A4.
MARGIN_RANGE_MM: Final[tuple[float, float]] = (0.0, 40.0)

_MM_PER_IN: Final[float] = 25.4


class PaperError(ValueError):
    """A paper that cannot be used: an unknown size or orientation, or a margin out of range."""


@dataclass(frozen=True)
class Paper:
    """One sheet of paper: its size, orientation and margin.

    Attributes
    ----------
    size : {"a4", "a3", "letter", "legal"}
        The paper size (:data:`PAPERS`).
    orientation : {"landscape", "portrait"}, default "landscape"
    margin_mm : float, default :data:`DEFAULT_MARGIN_MM`
        White border on every side, within :data:`MARGIN_RANGE_MM`.

    Examples
    --------
    >>> Paper("a4").size_mm
    (297.0, 210.0)
    >>> [round(v, 2) for v in Paper("letter", "portrait").size_in]
    [8.5, 11.0]
    >>> Paper("a5")
    Traceback (most recent call last):
    ...
    explorer.paper.PaperError: unknown paper 'a5': use one of a4, a3, letter, legal
    >>> Paper("a4", margin_mm=-1)
    Traceback (most recent call last):
    ...
    explorer.paper.PaperError: margin -1 mm is out of range: use 0–40 mm
    """

    size: str
    orientation: str = ORIENTATIONS[0]
    margin_mm: float = DEFAULT_MARGIN_MM

    def __post_init__(self) -> None:
        """Check the size, the orientation and the margin (one line each)."""
        size = str(self.size).lower()
        if size not in PAPER_SIZES_MM:
            raise PaperError(f"unknown paper {self.size!r}: use one of {', '.join(PAPERS)}")
        object.__setattr__(self, "size", size)
        if self.orientation not in ORIENTATIONS:
            raise PaperError(
                f"unknown orientation {self.orientation!r}: use {' or '.join(ORIENTATIONS)}"
            )
        low, high = MARGIN_RANGE_MM
        margin = self.margin_mm
        if isinstance(margin, bool) or not isinstance(margin, int | float):
            raise PaperError(f"margin {margin!r} is not a number of millimetres")
        if not low <= margin <= high or margin != margin:  # NaN fails too
            raise PaperError(f"margin {margin:g} mm is out of range: use {low:g}–{high:g} mm")
        object.__setattr__(self, "margin_mm", float(margin))

    @property
    def size_mm(self) -> tuple[float, float]:
        """Width and height of the sheet as it lies, in millimetres."""
        short, long = PAPER_SIZES_MM[self.size]
        return (long, short) if self.orientation == "landscape" else (short, long)

    @property
    def size_in(self) -> tuple[float, float]:
        """Width and height in inches (a matplotlib figure's size)."""
        width, height = self.size_mm
        return width / _MM_PER_IN, height / _MM_PER_IN

    @property
    def margin_in(self) -> float:
        """The margin in inches."""
        return self.margin_mm / _MM_PER_IN

    @property
    def landscape(self) -> bool:
        """True when the sheet is wider than tall."""
        return self.orientation == "landscape"

    def describe(self) -> str:
        """Name the sheet for people: ``A4 landscape, 10 mm margin``.

        Examples
        --------
        >>> Paper("letter", "portrait", 12.5).describe()
        'Letter portrait, 12.5 mm margin'
        """
        name = self.size.upper() if self.size.startswith("a") else self.size.title()
        return f"{name} {self.orientation}, {self.margin_mm:g} mm margin"
