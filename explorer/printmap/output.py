"""Writing print maps: formats, resolution, matplotlib settings, file bytes and atomic files.

Output is deterministic: fixed fonts, no dates in file metadata, fixed SVG id salt; text stays
text in SVG and PDF.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import matplotlib as mpl
from matplotlib.figure import Figure

from explorer import files
from explorer.text import attribution_text

__all__ = ["DEFAULT_DPI", "DPI_RANGE", "STATIC_FORMATS", "figure_bytes", "save_static"]

#: Default PNG resolution: 2400 × 1500 px, about 200 dpi when printed across A4 landscape.
DEFAULT_DPI: Final[int] = 150
#: Accepted ``dpi`` (inclusive): below 50 text is unreadable, above 600 a PNG passes 50 MB.
DPI_RANGE: Final[tuple[int, int]] = (50, 600)
STATIC_FORMATS: Final[tuple[str, ...]] = ("png", "svg", "pdf")

#: matplotlib settings for every figure made and saved here: text stays text in SVG (no glyph
#: paths) and PDF (TrueType, searchable), one bundled font on every machine, fixed SVG ids.
_RC: Final[dict[str, Any]] = {
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.hashsalt": "border-fortification-explorer",
    "font.family": "DejaVu Sans",
    "hatch.linewidth": 1.1,
    "lines.scale_dashes": True,
    "axes.unicode_minus": False,
}
#: rcParams are global: figures are made and saved under this lock (the app exports from
#: several threads).
_RC_LOCK: Final = threading.RLock()


@contextlib.contextmanager
def _rc() -> Iterator[None]:
    """Apply :data:`_RC` while holding :data:`_RC_LOCK` (figures are made and saved in it)."""
    with _RC_LOCK, mpl.rc_context(_RC):
        yield


def _metadata(fmt: str, title: str) -> dict[str, str | None]:
    """File metadata without dates, so the same map gives the same bytes."""
    creator = "Border Fortification Explorer (matplotlib)"
    if fmt == "pdf":
        return {"Title": title, "Creator": creator, "CreationDate": None, "ModDate": None}
    if fmt == "svg":
        return {"Title": title, "Creator": creator, "Date": None, "Rights": attribution_text()}
    return {"Title": title, "Software": creator, "Copyright": attribution_text()}


def _check_static(fmt: str, dpi: int) -> None:
    if fmt not in STATIC_FORMATS:
        raise ValueError(f"unknown static format {fmt!r}; expected one of {list(STATIC_FORMATS)}")
    if not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise ValueError(f"dpi must be a whole number {DPI_RANGE[0]}–{DPI_RANGE[1]}, got {dpi!r}")


def figure_bytes(fig: Figure, fmt: str = "png", *, dpi: int = DEFAULT_DPI) -> bytes:
    """Return the figure as PNG, SVG or PDF bytes (for a download button or an atomic write).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        From :func:`render_static`.
    fmt : {"png", "svg", "pdf"}, default "png"
        SVG keeps text as ``<text>``; PDF embeds TrueType fonts so text can be searched.
    dpi : int, default :data:`DEFAULT_DPI`
        Resolution of the PNG (and of any raster part of SVG/PDF), within :data:`DPI_RANGE`.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For an unknown format or a dpi out of range.
    """
    _check_static(fmt, dpi)
    buffer = io.BytesIO()
    with _rc():
        fig.savefig(
            buffer,
            format=fmt,
            dpi=dpi,
            facecolor="white",
            metadata=_metadata(fmt, fig.get_label() or "Map"),
        )
    return buffer.getvalue()


def save_static(
    fig: Figure, path: Path | str, fmt: str | None = None, *, dpi: int = DEFAULT_DPI
) -> Path:
    """Write the figure to ``path`` atomically (format from ``fmt`` or the file's extension).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        For an unknown format or extension, or a dpi out of range.
    FileNotFoundError
        If the folder does not exist.
    """
    target = Path(path)
    fmt = fmt or target.suffix.lower().lstrip(".")
    return files.write_atomic(target, figure_bytes(fig, fmt, dpi=dpi))
