"""Command line: ``python -m explorer validate | segments | treaty | export | handout | ...``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from explorer import (
    config,
    data,
    lengths,
    permalink,
    serve_config,
    style,
    timeline,
    validate,
    validate_files,
    view,
)
from explorer.i18n import number, t

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
#: Most local workers ``serve`` starts (each is a whole Streamlit process: ~150 MB and more).
MAX_WORKERS = 64

#: Same as ``explorer.export.FORMATS`` (not imported here: it pulls in matplotlib and folium).
EXPORT_FORMATS = ("png", "svg", "pdf", "html", "geojson", "gpkg", "csv")


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors are one clear line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _date_arg(value: str) -> dt.date:
    try:
        return validate.parse_date(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {value!r}: expected a real calendar date as YYYY-MM-DD"
        ) from None


def _dir_arg(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"data folder not found: {value}")
    return path


def _export_date_arg(value: str) -> dt.date:
    day = _date_arg(value)
    if not permalink.DATE_MIN <= day <= permalink.DATE_MAX:
        raise argparse.ArgumentTypeError(
            f"date {value} is outside the map's range "
            f"{permalink.DATE_MIN.isoformat()}..{permalink.DATE_MAX.isoformat()}"
        )
    return day


def _layers_arg(value: str) -> tuple[str, ...]:
    wanted = [v.strip() for v in value.split(",") if v.strip()]
    if value.strip() == "none":
        return ()
    if not wanted:
        raise argparse.ArgumentTypeError("no layer given: list layer ids, or 'none'")
    unknown = [v for v in wanted if v not in style.LAYER_IDS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown layer(s) {', '.join(unknown)}: use {', '.join(style.LAYER_IDS)}"
        )
    return tuple(i for i in style.LAYER_IDS if i in wanted)


def _bbox_arg(value: str) -> view.Bbox:
    try:
        return view.parse_bbox(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _dpi_arg(value: str) -> int:
    from explorer.printmap import DPI_RANGE  # local: matplotlib only for this command

    low, high = DPI_RANGE
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise argparse.ArgumentTypeError(
            f"invalid dpi {value!r}: expected a whole number {low}-{high}"
        )
    return int(value)


def _out_arg(value: str) -> Path:
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


def _positive_arg(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"invalid number {value!r}: expected a whole number > 0")
    return int(value)


def _port_arg(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {value!r}: expected 1-65535")
    return port


def _workers_arg(value: str) -> int:
    if not value.strip().isdigit() or int(value) > MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"invalid number of workers {value!r}: expected a whole number 0-{MAX_WORKERS}"
        )
    return int(value)


def _backend_arg(value: str) -> serve_config.Backend:
    try:
        return serve_config.parse_backend(value)
    except serve_config.BackendError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _base_url_arg(value: str) -> str:
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


_BASE_URL_HELP = (
    "the app's address printed in permalinks, e.g. https://maps.example.org/explorer/ "
    f"(default {view.APP_URL})"
)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for every sub-command (used by ``main`` and the README)."""
    parser = _Parser(
        prog="python -m explorer",
        description="Border Fortification Explorer: sourced data on NATO eastern-flank borders.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    data_help = f"data folder (default: {config.GEODATA_DIR})"

    p = sub.add_parser("validate", help="check every data file; list every problem")
    p.add_argument("--data", type=_dir_arg, default=config.GEODATA_DIR, help=data_help)

    p = sub.add_parser("segments", help="border segments with official and measured lengths")
    p.add_argument("--data", type=_dir_arg, default=config.GEODATA_DIR, help=data_help)
    p.add_argument("--format", choices=("table", "json", "geojson"), default="table")

    p = sub.add_parser("treaty", help="each country's treaty status on a date")
    p.add_argument("--date", type=_date_arg, required=True, help="YYYY-MM-DD")
    p.add_argument("--treaty", choices=sorted(config.TREATIES), default="APMBC")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--data", type=_dir_arg, default=config.GEODATA_DIR, help=data_help)

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
    p.add_argument("--out", type=_out_arg, required=True, metavar="FILE", help="file to write")
    p.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        help="default: from the file's extension (.png .svg .pdf .html .geojson .gpkg .csv)",
    )
    p.add_argument(
        "--layers",
        type=_layers_arg,
        metavar="ID,ID",
        help="visible layers (default: the app's: all); 'none' for none; see `layers`",
    )
    p.add_argument(
        "--date",
        type=_export_date_arg,
        help="YYYY-MM-DD (default: today, within "
        f"{permalink.DATE_MIN.isoformat()}..{permalink.DATE_MAX.isoformat()})",
    )
    west, south, east, north = view.DEFAULT_BBOX
    p.add_argument(
        "--bbox",
        type=_bbox_arg,
        metavar="W,S,E,N",
        help=f"degrees (default: the app's default view, {west:g},{south:g},{east:g},{north:g})",
    )
    p.add_argument("--title", help="map title (static and html maps)")
    p.add_argument(
        "--lang",
        choices=permalink.LANGUAGES,
        default="en",
        help="language of every label, name and description (default en)",
    )
    p.add_argument(
        "--dpi", type=_dpi_arg, default=150, help="PNG resolution (default 150: 2400 px wide)"
    )
    p.add_argument(
        "--overlay",
        metavar="FILE",
        help="your own data drawn as its own layer (and added to data exports): .geojson/.json, "
        ".gpkg (first layer), .zip (zipped shapefile) or .csv with lat/lon columns",
    )
    p.add_argument(
        "--overlay-max-bytes",
        type=_positive_arg,
        metavar="N",
        help=f"largest overlay file in bytes (default {config.OVERLAY_MAX_BYTES:,}; "
        "env BFE_OVERLAY_MAX_BYTES)",
    )
    p.add_argument(
        "--overlay-max-features",
        type=_positive_arg,
        metavar="N",
        help=f"most overlay features (default {config.OVERLAY_MAX_FEATURES:,}; "
        "env BFE_OVERLAY_MAX_FEATURES)",
    )
    p.add_argument(
        "--base-url", type=_base_url_arg, default=view.APP_URL, metavar="URL", help=_BASE_URL_HELP
    )
    p.add_argument("--data", type=_dir_arg, default=config.GEODATA_DIR, help=data_help)

    p = sub.add_parser(
        "handout",
        help="write the presenter's handout: a PDF with one page per story chapter",
        description="Write the story (geodata/story.csv) as a PDF handout: one page per chapter "
        "with its map, title, caption, date, sources and the data attribution. The file is "
        "written atomically.",
    )
    p.add_argument("--out", type=_out_arg, required=True, metavar="FILE.pdf", help="file to write")
    p.add_argument(
        "--lang", choices=permalink.LANGUAGES, default="en", help="language (default en)"
    )
    p.add_argument(
        "--base-url", type=_base_url_arg, default=view.APP_URL, metavar="URL", help=_BASE_URL_HELP
    )
    p.add_argument("--data", type=_dir_arg, default=config.GEODATA_DIR, help=data_help)

    p = sub.add_parser("app", help="start the map app headless (Streamlit)")
    p.add_argument("--port", type=_port_arg, default=8501, help="port (default 8501)")
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
        type=_workers_arg,
        metavar="N",
        help=f"local app workers (default: the number of cores, {os.cpu_count() or 1}; "
        "0 with --backend)",
    )
    p.add_argument("--port", type=_port_arg, default=8501, help="proxy port (default 8501)")
    p.add_argument(
        "--address",
        default="0.0.0.0",
        metavar="ADDR",
        help="proxy address (default 0.0.0.0: every interface, for the students' machines)",
    )
    p.add_argument(
        "--backend",
        type=_backend_arg,
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="an app worker on another machine (python -m explorer app there); repeatable",
    )
    p.add_argument("--data", type=_dir_arg, help=data_help)
    p.add_argument(
        "--check",
        action="store_true",
        help="print the proxy's configuration, check it with 'haproxy -c' and exit",
    )
    return parser


def format_table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """Render rows as a plain fixed-width text table (lists joined with commas).

    Examples
    --------
    >>> print(format_table([{"a": 1, "b": ["x", "y"]}], ["a", "b"]))
    a  b
    -  ---
    1  x,y
    """

    def cell(value: object) -> str:
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.1f}"
        return str(value)

    cells = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def segment_rows(ds: data.Dataset) -> list[dict]:
    """Return the public rows of the ``segments`` command."""
    rows = []
    for seg in ds.segments.to_dict("records"):
        rows.append(
            {
                "id": seg["id"],
                "countries": list(seg["countries"]),
                "name": seg["name_en"],
                "official_km": seg["official_km"],
                "measured_km": seg["measured_km"],
                "sources": sorted(set(seg["official_sources"])),
                "priority": seg["priority"],
                "measured_exact_km": seg["measured_exact_km"],
                "measured_approx_km": seg["measured_approx_km"],
                "difference_pct": lengths.difference_pct(seg["official_km"], seg["measured_km"]),
            }
        )
    return rows


def _cmd_validate(args: argparse.Namespace) -> int:
    tables, problems = validate.validate_dir(args.data)
    others, other_problems = validate_files.check_other_files(args.data)
    problems = sorted(set(problems) | set(other_problems))
    if problems:
        print(f"{len(problems)} problem(s) in {args.data}:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    n = sum(len(v) for v in tables.values())
    print(
        f"OK: {len(tables)} files, {n} records valid in {args.data}; {others} other files checked"
    )
    return EXIT_OK


def _load(path: Path) -> data.Dataset:
    try:
        return data.load_dataset(path)
    except data.DataError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from None


def _cmd_segments(args: argparse.Namespace) -> int:
    ds = _load(args.data)
    rows = segment_rows(ds)
    if args.format == "table":
        print(
            format_table(rows, ["id", "countries", "name", "official_km", "measured_km", "sources"])
        )
        print(f"\n{lengths.WHY_THEY_DIFFER}")
    elif args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        geo = ds.segments[["id", "geometry"]].merge(pd.DataFrame(rows), on="id", how="left")
        print(geo.to_json(drop_id=True, ensure_ascii=False))
    return EXIT_OK


def _cmd_treaty(args: argparse.Namespace) -> int:
    ds = _load(args.data)
    countries = list(ds.countries.index)
    table = timeline.statuses_on(ds.treaty_events, countries, args.treaty, args.date)
    rows = table.to_dict("records")
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(format_table(rows, ["country", "treaty", "status", "since", "sources"]))
    return EXIT_OK


def layer_rows() -> list[dict]:
    """Return the public rows of the ``layers`` command."""
    return [
        {"id": layer_id, "title": title, "default": layer_id in style.DEFAULT_LAYERS}
        for layer_id, title in style.LAYERS
    ]


def _cmd_layers(args: argparse.Namespace) -> int:
    rows = layer_rows()
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(format_table(rows, ["id", "title", "default"]))
    return EXIT_OK


def _size(n_bytes: int, lang: str = "en") -> str:
    """Format a file size, with a decimal comma in Polish.

    Examples
    --------
    >>> _size(1_234_567), _size(1_234_567, "pl"), _size(240_000, "pl")
    ('1.2 MB', '1,2 MB', '240 kB')
    """
    if n_bytes >= 1e6:
        return f"{number(n_bytes / 1e6, 1, lang)} MB"
    return f"{n_bytes / 1e3:.0f} kB"


def _cmd_export(args: argparse.Namespace) -> int:
    from explorer import export  # local: matplotlib and folium only for this command

    prog = "python -m explorer export"
    try:
        fmt = export.format_for(args.out, args.format)
    except export.ExportError as exc:
        print(f"{prog}: error: {exc} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    overlay = None
    if args.overlay is not None:
        from explorer.overlay import OverlayError, read_overlay_file

        try:
            overlay = read_overlay_file(
                args.overlay,
                max_bytes=args.overlay_max_bytes,
                max_features=args.overlay_max_features,
            )
        except OverlayError as exc:
            shown = "".join(c if c.isprintable() else "?" for c in str(args.overlay))
            print(f"{prog}: error: overlay {shown}: {exc}", file=sys.stderr)
            return EXIT_USAGE
    bbox = view.validate_bbox(args.bbox or view.DEFAULT_BBOX)
    try:
        warning = export.check_data_coverage(bbox, args.lang)
    except export.OutsideDataError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if warning:
        print(f"{prog}: warning: {warning}", file=sys.stderr)
    ds = _load(args.data)
    layers = args.layers if args.layers is not None else style.DEFAULT_LAYERS
    path = export.export(
        ds,
        out_path=args.out,
        fmt=fmt,
        layers=layers,
        date=args.date or view.default_date(),
        bbox=args.bbox,
        title=args.title,
        lang=args.lang,
        dpi=args.dpi,
        overlay=overlay,
        base_url=args.base_url,
    )
    print(t("cli.wrote", args.lang, path=path, fmt=fmt, size=_size(path.stat().st_size, args.lang)))
    return EXIT_OK


def _cmd_handout(args: argparse.Namespace) -> int:
    from explorer import story
    from explorer.printmap import handout  # local: matplotlib only for this command

    prog = "python -m explorer handout"
    if args.out.suffix.lower() != ".pdf":
        print(f"{prog}: error: the handout is a PDF: give a .pdf file name (see --help)",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    try:  # fail before the seconds of drawing if the folder refuses new files
        with tempfile.TemporaryFile(dir=args.out.parent):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"{prog}: error: cannot write {args.out}: {reason}", file=sys.stderr)
        return EXIT_USAGE
    ds = _load(args.data)
    try:
        chapters = story.load_chapters(args.data)
    except story.DataError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    try:
        path = handout.write_handout(ds, chapters, args.out, lang=args.lang, base_url=args.base_url)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"{prog}: error: cannot write {args.out}: {reason}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Wrote {path} ({len(chapters)} pages, {args.lang}, {_size(path.stat().st_size)})")
    return EXIT_OK


def _cmd_app(args: argparse.Namespace) -> int:
    """Become the Streamlit server (exec): no child is left behind whatever signal stops it.

    With a child process, SIGTERM to this command ended only this process and left Streamlit
    listening on the port; after ``exec`` there is one process, and Streamlit's own handlers
    shut it down cleanly on SIGTERM and SIGINT.
    """
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(config.ROOT / "explorer" / "app.py"),
        "--server.port", str(args.port), *config.server_options(),
    ]  # fmt: skip
    if args.address:
        cmd += ["--server.address", args.address]
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(config.ROOT)
    os.execv(sys.executable, cmd)
    return EXIT_OK  # not reached: execv only returns by raising OSError


def _cmd_serve(args: argparse.Namespace) -> int:
    from explorer import serve  # local: only this command runs processes

    prog = "python -m explorer serve"
    n_local = (
        args.workers if args.workers is not None else (0 if args.backend else os.cpu_count() or 1)
    )
    if n_local == 0 and not args.backend:
        print(f"{prog}: error: nothing to serve: give --workers 1 or more, or --backend "
              "(see --help)", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    names = [b.name for b in args.backend]
    if len(set(names)) != len(names):
        print(f"{prog}: error: a backend is given twice (see --help)", file=sys.stderr)
        return EXIT_USAGE
    haproxy = serve.find_haproxy()
    if haproxy is None:
        print(f"{prog}: error: HAProxy not found; install it with: {serve.INSTALL_HINT}",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    local = serve.local_backends(n_local)
    if args.check:
        from explorer.web.site import cache_root

        with tempfile.TemporaryDirectory(prefix="bfe-serve-check-") as tmp:
            text = serve_config.haproxy_config(
                [*local, *args.backend],
                port=args.port,
                address=args.address,
                static=serve.static_files(Path(tmp), cache_root()),
            )
            print(text, end="")
            valid, output = serve.check_config(haproxy, text)
        print(output, file=sys.stderr)
        return EXIT_OK if valid else EXIT_INVALID
    problem = serve.port_problem(args.address, args.port)
    if problem:
        print(f"{prog}: error: {problem} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    env = serve.worker_env(os.environ, data_dir=args.data)
    supervisor = serve.Supervisor(
        haproxy,
        local=local,
        remote=args.backend,
        port=args.port,
        address=args.address,
        env=env,
    )
    return supervisor.run()


COMMANDS = {
    "validate": _cmd_validate,
    "segments": _cmd_segments,
    "treaty": _cmd_treaty,
    "layers": _cmd_layers,
    "export": _cmd_export,
    "handout": _cmd_handout,
    "app": _cmd_app,
    "serve": _cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
