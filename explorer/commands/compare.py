"""The ``changes`` command: what changed between two dates, as a table, markdown, JSON or CSV.

``table`` and ``md`` are for people, in ``--lang``; ``json`` and ``csv`` are the language-neutral
rows of :func:`explorer.changes.changes_between` (dates as written, with their precision).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from explorer.commands import EXIT_OK, EXIT_USAGE, load_or_exit
from explorer.i18n import t

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TEXT_COLUMNS", "markdown_table", "run_changes"]

#: Columns of the ``table`` and ``md`` formats (the readable ones of ``render_changes``).
TEXT_COLUMNS: tuple[str, ...] = (
    "kind", "country", "segment", "id", "what", "from_state", "to_state", "date", "km", "sources",
)  # fmt: skip


def markdown_table(rows: Sequence[dict], columns: Sequence[str], titles: dict[str, str]) -> str:
    r"""Render rows as a markdown table (``|`` in a cell escaped).

    Examples
    --------
    >>> print(markdown_table([{"a": "x|y"}], ["a"], {"a": "A"}))
    | A |
    | --- |
    | x\|y |
    """

    def cell(value: object) -> str:
        return " ".join(str(value).split()).replace("|", "\\|")

    lines = ["| " + " | ".join(titles[c] for c in columns) + " |"]
    lines.append("| " + " | ".join("---" for _ in columns) + " |")
    lines += ["| " + " | ".join(cell(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def _csv(frame: pd.DataFrame) -> str:
    from explorer.changes import to_csv  # local, as every command's imports

    return to_csv(frame)


def run_changes(args: argparse.Namespace) -> int:
    """Print what changed between ``args.start`` (A) and ``args.end`` (B)."""
    from explorer import changes  # local: loaded when the command runs
    from explorer.commands.tables import format_table

    prog = "python -m explorer changes"
    if args.start > args.end:
        print(
            f"{prog}: error: --from {args.start.isoformat()} is after --to "
            f"{args.end.isoformat()}: give the earlier date first (see --help)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:  # the parser checked the range and the treaty: this is a last guard
        changes.check_period(args.start, args.end, args.treaty)
    except ValueError as exc:
        print(f"{prog}: error: {exc} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    ds = load_or_exit(args.data)
    frame = changes.changes_between(ds, args.start, args.end, treaty=args.treaty)
    if args.format == "json":
        rows = frame.to_dict("records")
        for row in rows:
            row["sources"] = list(row["sources"])
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    if args.format == "csv":
        sys.stdout.write(_csv(frame))
        return EXIT_OK
    lang = args.lang
    rows = changes.render_changes(frame, ds, lang).to_dict("records")
    titles = changes.column_titles(lang)
    period = {"start": args.start.isoformat(), "end": args.end.isoformat()}
    note = t("changes.period", lang, **period, treaty=t(f"treaty.{args.treaty}.short", lang))
    if args.format == "md":
        print(note + "\n")
        print(markdown_table(rows, TEXT_COLUMNS, titles) if rows else t("changes.none", lang))
        return EXIT_OK
    table = [{titles[c]: r[c] for c in TEXT_COLUMNS} for r in rows]
    print(format_table(table, [titles[c] for c in TEXT_COLUMNS]))
    print("\n" + (note if rows else f"{t('changes.none', lang)} {note}"))
    return EXIT_OK
