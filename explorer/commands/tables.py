"""The commands that read the data and print it: ``validate``, ``segments``, ``treaty``, ``layers``.

Tables are plain fixed-width text (:func:`format_table`); ``--format json`` prints the same rows
as JSON (``segments`` also as GeoJSON).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import pandas as pd

from explorer import data, lengths, style, timeline, validation
from explorer.commands import EXIT_INVALID, EXIT_OK, load_or_exit
from explorer.layers import DEFAULT_LAYERS

__all__ = [
    "format_table",
    "layer_rows",
    "run_layers",
    "run_segments",
    "run_treaty",
    "run_validate",
    "segment_rows",
]


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


def run_validate(args: argparse.Namespace) -> int:
    """Check every file of ``args.data``: a one-line summary, or every problem (status 1)."""
    tables, problems = validation.validate_dir(args.data)
    others, other_problems = validation.check_other_files(args.data)
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


def run_segments(args: argparse.Namespace) -> int:
    """Print the border segments with their official and measured lengths."""
    ds = load_or_exit(args.data)
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
        print(geo.to_json(drop_id=True, ensure_ascii=False, to_wgs84=True))  # RFC 7946: no crs
    return EXIT_OK


def run_treaty(args: argparse.Namespace) -> int:
    """Print each country's status in ``args.treaty`` on ``args.date``."""
    ds = load_or_exit(args.data)
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
        {"id": layer_id, "title": title, "default": layer_id in DEFAULT_LAYERS}
        for layer_id, title in style.LAYERS
    ]


def run_layers(args: argparse.Namespace) -> int:
    """Print the map's layer ids with their titles."""
    rows = layer_rows()
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(format_table(rows, ["id", "title", "default"]))
    return EXIT_OK
