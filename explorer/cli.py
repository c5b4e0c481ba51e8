"""Command line: ``python -m explorer validate | segments | treaty | app``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pandas as pd

from explorer import config, data, lengths, timeline, validate

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


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


def _port_arg(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {value!r}: expected 1-65535")
    return port


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

    p = sub.add_parser("app", help="start the map app headless (Streamlit)")
    p.add_argument("--port", type=_port_arg, default=8501, help="port (default 8501)")
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
    if problems:
        print(f"{len(problems)} problem(s) in {args.data}:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    n = sum(len(v) for v in tables.values())
    print(f"OK: {len(tables)} files, {n} records valid in {args.data}")
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


def _cmd_app(args: argparse.Namespace) -> int:
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(config.ROOT / "explorer" / "app.py"),
        "--server.port", str(args.port), "--server.headless", "true",
    ]  # fmt: skip
    return subprocess.call(cmd, cwd=config.ROOT, env=os.environ.copy())


COMMANDS = {
    "validate": _cmd_validate,
    "segments": _cmd_segments,
    "treaty": _cmd_treaty,
    "app": _cmd_app,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
