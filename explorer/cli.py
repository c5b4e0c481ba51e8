"""Command line: ``explorer validate | segments | treaty | export | handout | app | ...``.

Installed, the command is ``explorer`` (``[project.scripts]`` in ``pyproject.toml``); in a checkout
it is ``python -m explorer``. ``--version`` prints :data:`explorer.__version__`.

This module builds the argument parser (values are checked by argument types, so a bad one is a
one-line usage error with exit status 2) and hands the parsed arguments to the command's function
in :mod:`explorer.commands`, whose exit status :func:`main` returns.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from explorer import __version__, cli_types, config, paper, video, view
from explorer.commands import EXIT_USAGE, animate, compare, exports, servers, tables

#: Same as ``explorer.export.FORMATS`` (not imported here: it pulls in matplotlib and folium).
EXPORT_FORMATS = ("png", "svg", "pdf", "html", "geojson", "gpkg", "csv")


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors are one clear line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


_BASE_URL_HELP = (
    "the app's address printed in permalinks, e.g. https://maps.example.org/explorer/ "
    f"(default {view.APP_URL})"
)


def _add_view_arguments(p: argparse.ArgumentParser, *, title_help: str) -> None:
    """Add the view's ``--layers``, ``--bbox``, ``--title`` and ``--lang`` (export, animate)."""
    p.add_argument(
        "--layers",
        type=cli_types.layers_arg,
        metavar="ID,ID",
        help="visible layers (default: the app's: all); 'none' for none; see `layers`",
    )
    west, south, east, north = view.DEFAULT_BBOX
    p.add_argument(
        "--bbox",
        type=cli_types.bbox_arg,
        metavar="W,S,E,N",
        help=f"degrees (default: the app's default view, {west:g},{south:g},{east:g},{north:g})",
    )
    p.add_argument("--title", help=title_help)
    p.add_argument(
        "--lang",
        choices=config.LANGUAGES,
        default="en",
        help="language of every label, name and description (default en)",
    )


def _add_link_and_data_arguments(p: argparse.ArgumentParser, data_help: str) -> None:
    """Add ``--base-url`` (the address printed permalinks use) and ``--data``."""
    p.add_argument(
        "--base-url",
        type=cli_types.base_url_arg,
        default=view.APP_URL,
        metavar="URL",
        help=_BASE_URL_HELP,
    )
    p.add_argument("--data", type=cli_types.dir_arg, default=config.GEODATA_DIR, help=data_help)


def program_name() -> str:
    """Return how the command was started: ``explorer`` (installed) or ``python -m explorer``.

    Examples
    --------
    >>> program_name() in ("explorer", "python -m explorer")
    True
    """
    return "explorer" if Path(sys.argv[0]).name == "explorer" else "python -m explorer"


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for every sub-command (used by ``main`` and the README)."""
    parser = _Parser(
        prog=program_name(),
        description="Border Fortification Explorer: sourced data on NATO eastern-flank borders.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="show the version"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    data_help = f"data folder (default: {config.GEODATA_DIR})"

    p = sub.add_parser("validate", help="check every data file; list every problem")
    p.add_argument("--data", type=cli_types.dir_arg, default=config.GEODATA_DIR, help=data_help)

    p = sub.add_parser("segments", help="border segments with official and measured lengths")
    p.add_argument("--data", type=cli_types.dir_arg, default=config.GEODATA_DIR, help=data_help)
    p.add_argument("--format", choices=("table", "json", "geojson"), default="table")

    p = sub.add_parser("treaty", help="each country's treaty status on a date")
    p.add_argument("--date", type=cli_types.date_arg, required=True, help="YYYY-MM-DD")
    p.add_argument("--treaty", choices=sorted(config.TREATIES), default="APMBC")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--data", type=cli_types.dir_arg, default=config.GEODATA_DIR, help=data_help)

    p = sub.add_parser(
        "changes",
        help="what changed between two dates: treaty statuses, works, events, with sources",
        description="List every sourced change between dates A (--from) and B (--to): treaty "
        "status changes, works announced, started or completed, and dated treaty events that "
        "change no status. The period is (A, B]: a change dated A is already on A's map, one "
        "dated B is on B's. A date kept as a month or a year says when A or B falls inside it.",
    )
    range_help = f"YYYY-MM-DD, within {config.DATE_MIN.isoformat()}..{config.DATE_MAX.isoformat()}"
    p.add_argument(
        "--from",
        dest="start",
        type=cli_types.export_date_arg,
        required=True,
        metavar="A",
        help=range_help,
    )
    p.add_argument(
        "--to",
        dest="end",
        type=cli_types.export_date_arg,
        required=True,
        metavar="B",
        help=range_help,
    )
    p.add_argument(
        "--format",
        choices=("table", "json", "csv", "md"),
        default="table",
        help="table and md: readable, in --lang; json and csv: language-neutral rows",
    )
    p.add_argument("--lang", choices=config.LANGUAGES, default="en", help="language (default en)")
    p.add_argument("--treaty", choices=sorted(config.TREATIES), default=config.DEFAULT_TREATY)
    p.add_argument("--data", type=cli_types.dir_arg, default=config.GEODATA_DIR, help=data_help)

    p = sub.add_parser("layers", help="list the map's layer ids with their titles")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser(
        "export",
        help="write a map (png, svg, pdf, html) or the data in view (geojson, gpkg, csv)",
        description="Export one view of the map: a print map with legend, scale bar, north "
        "arrow, sources and permalink (png, svg, pdf), the interactive map as one offline file "
        "(html), or the features in view on that date with their sources (geojson, gpkg, csv). "
        "The file is written atomically.",
    )
    p.add_argument(
        "--out", type=cli_types.out_arg, required=True, metavar="FILE", help="file to write"
    )
    p.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        help="default: from the file's extension (.png .svg .pdf .html .geojson .gpkg .csv)",
    )
    _add_view_arguments(p, title_help="map title (static and html maps)")
    p.add_argument(
        "--date",
        type=cli_types.export_date_arg,
        help="YYYY-MM-DD (default: today, within "
        f"{config.DATE_MIN.isoformat()}..{config.DATE_MAX.isoformat()})",
    )
    p.add_argument(
        "--compare",
        type=cli_types.export_date_arg,
        metavar="YYYY-MM-DD",
        help="an earlier date: maps (png, svg, pdf) show both dates side by side; data files "
        "(geojson, gpkg, csv) get the changes between the dates beside them "
        "(FILE.changes.csv and FILE.changes.json)",
    )
    p.add_argument(
        "--atlas",
        choices=("segments",),
        help="write an atlas PDF: a cover with the overview and contents, then one page per "
        "border segment (its map, lengths, works and sources)",
    )
    cli_types.paper_options(p, paper.PAPERS, None)
    p.add_argument(
        "--dpi",
        type=cli_types.dpi_arg,
        default=150,
        help="PNG resolution (default 150: 2400 px wide)",
    )
    p.add_argument(
        "--overlay",
        metavar="FILE",
        help="your own data drawn as its own layer (and added to data exports): .geojson/.json, "
        ".gpkg (first layer), .zip (zipped shapefile) or .csv with lat/lon columns",
    )
    p.add_argument(
        "--overlay-max-bytes",
        type=cli_types.positive_arg,
        metavar="N",
        help=f"largest overlay file in bytes (default {config.OVERLAY_MAX_BYTES:,}; "
        "env BFE_OVERLAY_MAX_BYTES)",
    )
    p.add_argument(
        "--overlay-max-features",
        type=cli_types.positive_arg,
        metavar="N",
        help=f"most overlay features (default {config.OVERLAY_MAX_FEATURES:,}; "
        "env BFE_OVERLAY_MAX_FEATURES)",
    )
    _add_link_and_data_arguments(p, data_help)

    p = sub.add_parser(
        "animate",
        help="write the timeline in motion as a GIF or MP4: the map on each step from A to B",
        description="Draw the view on date A, then after each step, ending on date B, and "
        "write the frames as an MP4 (H.264, plays in browsers and PowerPoint) or a GIF. Every "
        "frame has the title, the date, the legend of what it shows, scale bar, north arrow, "
        "attribution and permalink; a closing card lists the sources of what was in view. "
        "Needs ffmpeg (the imageio-ffmpeg package ships one). The file is written atomically.",
    )
    p.add_argument(
        "--from", dest="start", type=cli_types.date_arg, required=True, metavar="A", help=range_help
    )
    p.add_argument(
        "--to", dest="end", type=cli_types.date_arg, required=True, metavar="B", help=range_help
    )
    p.add_argument(
        "--step",
        choices=config.TIME_STEPS,
        default=config.TIME_STEPS[0],
        help=f"what one frame moves the date by, counted from A (default {config.TIME_STEPS[0]}; "
        "the same days as Play in the app)",
    )
    p.add_argument(
        "--out",
        type=cli_types.out_arg,
        required=True,
        metavar="FILE.gif|FILE.mp4",
        help="file to write",
    )
    _add_view_arguments(p, title_help="title on every frame")
    p.add_argument("--treaty", choices=sorted(config.TREATIES), default=config.DEFAULT_TREATY)
    p.add_argument(
        "--fps",
        type=cli_types.fps_arg,
        default=video.DEFAULT_FPS,
        help=f"frames (dates) per second (default {video.DEFAULT_FPS})",
    )
    width, height = video.DEFAULT_SIZE
    p.add_argument(
        "--size",
        type=cli_types.size_arg,
        default=video.DEFAULT_SIZE,
        metavar="WxH",
        help=f"frame size in pixels (default {width}x{height}; at most "
        f"{video.MAX_SIZE[0]}x{video.MAX_SIZE[1]}; even for MP4)",
    )
    p.add_argument(
        "--progress", action="store_true", help="print a line after each frame drawn (n/total)"
    )
    _add_link_and_data_arguments(p, data_help)

    p = sub.add_parser(
        "handout",
        help="write the presenter's handout: a PDF with one page per story chapter",
        description="Write the story (geodata/story.csv) as a PDF handout: one page per chapter "
        "with its map, title, caption, date, sources and the data attribution. The file is "
        "written atomically.",
    )
    p.add_argument(
        "--out", type=cli_types.out_arg, required=True, metavar="FILE.pdf", help="file to write"
    )
    p.add_argument("--lang", choices=config.LANGUAGES, default="en", help="language (default en)")
    cli_types.paper_options(
        p, paper.HANDOUT_PAPERS, paper.HANDOUT_PAPERS[0], paper.HANDOUT_ORIENTATION
    )
    _add_link_and_data_arguments(p, data_help)

    p = sub.add_parser("app", help="start the map app headless (Streamlit)")
    p.add_argument("--port", type=cli_types.port_arg, default=8501, help="port (default 8501)")
    p.add_argument(
        "--address",
        metavar="ADDR",
        help="address to listen on (default: Streamlit's, every interface); 127.0.0.1 for this "
        "machine only",
    )

    p = sub.add_parser(
        "serve",
        help="serve a class or a site: several app workers behind HAProxy, with failover",
        description="Start N app workers on loopback ports behind HAProxy (Debian package "
        "'haproxy'): each browser stays on one worker by cookie, static and layer files are "
        "gzipped and cacheable, dead workers are taken out by health checks and restarted. "
        "Workers on other machines are added with --backend. Ctrl-C or SIGTERM stops every "
        "process it started. See docs/deploy.md.",
    )
    p.add_argument(
        "--workers",
        type=cli_types.workers_arg,
        metavar="N",
        help=f"local app workers (default: the number of cores, {os.cpu_count() or 1}; "
        "0 with --backend)",
    )
    p.add_argument(
        "--port", type=cli_types.port_arg, default=8501, help="proxy port (default 8501)"
    )
    p.add_argument(
        "--address",
        default="0.0.0.0",
        metavar="ADDR",
        help="proxy address (default 0.0.0.0: every interface, for the students' machines)",
    )
    p.add_argument(
        "--backend",
        type=cli_types.backend_arg,
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="an app worker on another machine (python -m explorer app there); repeatable",
    )
    p.add_argument("--data", type=cli_types.dir_arg, help=data_help)
    p.add_argument(
        "--certfile",
        type=cli_types.file_arg,
        metavar="FILE",
        help="serve HTTPS with this certificate (PEM, with its chain); needs --keyfile",
    )
    p.add_argument(
        "--keyfile", type=cli_types.file_arg, metavar="FILE", help="the certificate's key (PEM)"
    )
    p.add_argument(
        "--frame-ancestors",
        type=cli_types.frame_ancestor_arg,
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a site allowed to embed the app in a frame, e.g. https://lms.example.org "
        "(repeatable; default: only the app itself). Embedding by another site needs HTTPS",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="print the proxy's configuration, check it with 'haproxy -c' and exit",
    )
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": tables.run_validate,
    "segments": tables.run_segments,
    "treaty": tables.run_treaty,
    "changes": compare.run_changes,
    "layers": tables.run_layers,
    "export": exports.run_export,
    "handout": exports.run_handout,
    "animate": animate.run_animate,
    "app": servers.run_app,
    "serve": servers.run_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
