"""Argument types of the command line: each checks one value and says what is wrong in one line.

A type raises :class:`argparse.ArgumentTypeError` (the parser prints it as a usage error, exit
status 2) for a value it cannot use; :mod:`explorer.cli` builds the parser with them.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit, urlunsplit

from explorer import config, paper, video, view
from explorer.layers import LAYER_IDS
from explorer.validation import parse_date

if TYPE_CHECKING:
    from explorer.serve import Backend

#: Most local workers ``serve`` starts (each is a whole Streamlit process: ~150 MB and more).
MAX_WORKERS: Final[int] = 64


def date_arg(value: str) -> dt.date:
    """Parse a day, ``YYYY-MM-DD``."""
    try:
        return parse_date(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {value!r}: expected a real calendar date as YYYY-MM-DD"
        ) from None


def dir_arg(value: str) -> Path:
    """Parse an existing folder."""
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"data folder not found: {value}")
    return path


def export_date_arg(value: str) -> dt.date:
    """Parse a day the map shows (within :data:`explorer.config.DATE_MIN`..``DATE_MAX``)."""
    day = date_arg(value)
    if not config.DATE_MIN <= day <= config.DATE_MAX:
        raise argparse.ArgumentTypeError(
            f"date {value} is outside the map's range "
            f"{config.DATE_MIN.isoformat()}..{config.DATE_MAX.isoformat()}"
        )
    return day


def layers_arg(value: str) -> tuple[str, ...]:
    """Parse layer ids, comma-separated (``none``: no layer), in the map's order."""
    wanted = [v.strip() for v in value.split(",") if v.strip()]
    if value.strip() == "none":
        return ()
    if not wanted:
        raise argparse.ArgumentTypeError("no layer given: list layer ids, or 'none'")
    unknown = [v for v in wanted if v not in LAYER_IDS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown layer(s) {', '.join(unknown)}: use {', '.join(LAYER_IDS)}"
        )
    return tuple(i for i in LAYER_IDS if i in wanted)


def bbox_arg(value: str) -> view.Bbox:
    """Parse a box ``W,S,E,N`` in degrees."""
    try:
        return view.parse_bbox(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def dpi_arg(value: str) -> int:
    """Parse a PNG resolution in dots per inch."""
    from explorer.printmap import DPI_RANGE  # local: matplotlib only for this command

    low, high = DPI_RANGE
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise argparse.ArgumentTypeError(
            f"invalid dpi {value!r}: expected a whole number {low}-{high}"
        )
    return int(value)


def margin_arg(value: str) -> float:
    """Parse a paper margin in millimetres."""
    low, high = paper.MARGIN_RANGE_MM
    try:
        margin = float(value)
    except ValueError:
        margin = float("nan")
    if not low <= margin <= high:
        raise argparse.ArgumentTypeError(
            f"invalid margin {value!r}: expected millimetres {low:g}-{high:g}"
        )
    return margin


def paper_options(
    p: argparse.ArgumentParser,
    papers: Sequence[str],
    default: str | None,
    orientation: str = paper.ORIENTATIONS[0],
) -> None:
    """Add ``--paper``, ``--orientation`` and ``--margin`` (:mod:`explorer.paper`)."""
    p.add_argument(
        "--paper",
        choices=papers,
        default=default,
        help="print on this paper: the page is exactly its size, laid out for it"
        + (f" (default {default})" if default else " (default: a 16 x 10 in screen page)"),
    )
    p.add_argument(
        "--orientation",
        choices=paper.ORIENTATIONS,
        help=f"with --paper (default {orientation})",
    )
    p.add_argument(
        "--margin",
        type=margin_arg,
        metavar="MM",
        help=f"with --paper: white margin in mm (default {paper.DEFAULT_MARGIN_MM:g})",
    )


def out_arg(value: str) -> Path:
    """Parse an output file whose folder exists."""
    path = Path(value)
    try:
        is_dir, parent_is_dir = path.is_dir(), path.parent.is_dir()
    except OSError as exc:  # e.g. a file name too long for the file system
        shown = value if len(value) <= 60 else value[:60] + "…"
        raise argparse.ArgumentTypeError(f"invalid output path {shown}: {exc.strerror}") from None
    if is_dir:
        raise argparse.ArgumentTypeError(f"{value} is a folder: give a file name")
    if not parent_is_dir:
        raise argparse.ArgumentTypeError(f"output folder does not exist: {path.parent}")
    return path


def size_arg(value: str) -> tuple[int, int]:
    """Parse a frame size ``WIDTHxHEIGHT`` in pixels."""
    try:
        return video.parse_size(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def fps_arg(value: str) -> int:
    """Parse frames a second."""
    low, high = video.FPS_RANGE
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise argparse.ArgumentTypeError(
            f"invalid fps {value!r}: expected a whole number {low}-{high}"
        )
    return int(value)


def positive_arg(value: str) -> int:
    """Parse a whole number above zero."""
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"invalid number {value!r}: expected a whole number > 0")
    return int(value)


def port_arg(value: str) -> int:
    """Parse a TCP port."""
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {value!r}: expected 1-65535")
    return port


def workers_arg(value: str) -> int:
    """Parse a number of local workers (0: only ``--backend``)."""
    if not value.strip().isdigit() or int(value) > MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"invalid number of workers {value!r}: expected a whole number 0-{MAX_WORKERS}"
        )
    return int(value)


def backend_arg(value: str) -> Backend:
    """Parse a worker on another machine, ``HOST:PORT``."""
    from explorer.serve import BackendError, parse_backend  # local: only ``serve`` needs it

    try:
        return parse_backend(value)
    except BackendError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def frame_ancestor_arg(value: str) -> str:
    """Parse an origin allowed to embed the app (``https://host[:port]``)."""
    from explorer.serve import FrameAncestorError, parse_frame_ancestor  # local: ``serve`` only

    try:
        return parse_frame_ancestor(value)
    except FrameAncestorError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def file_arg(value: str) -> Path:
    """Parse a file path (``~`` expanded)."""
    return Path(value).expanduser()


def base_url_arg(value: str) -> str:
    """Return the app's address for printed permalinks: ``http(s)://host[:port][/path]/``."""
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or any(c.isspace() or not c.isprintable() for c in value.strip())
    ):
        shown = "".join(c if c.isprintable() else "?" for c in value)[:80]
        raise argparse.ArgumentTypeError(
            f"invalid base url {shown!r}: expected http(s)://host[:port][/path], no query"
        )
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return url if url.endswith("/") else url + "/"
