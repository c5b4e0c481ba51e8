"""Messages for broken data: which file, which layers are off, the first problems."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import streamlit as st

from explorer import schema, style
from explorer.data import Dataset
from explorer.layers import LAYER_IDS
from explorer.ui.text import md_escape
from explorer.validation import Problem

#: How many problems a message lists before pointing at ``python -m explorer validate``.
FIRST_PROBLEMS = 3

_VALIDATE_HINT = "`python -m explorer validate` lists every problem."


def _problem_lines(problems: Sequence[Problem]) -> str:
    lines = [f"- {md_escape(str(p)[:300])}" for p in problems[:FIRST_PROBLEMS]]
    more = len(problems) - FIRST_PROBLEMS
    if more > 0:
        lines.append(f"- … and {more} more")
    return "\n".join(lines)


def broken_file_messages(ds: Dataset) -> list[str]:
    """One markdown message per broken file (turning map layers off, in map order, or not).

    File names come from :mod:`explorer.schema` (code spans); problem text is escaped.
    Each names the file, the layers it disables, its first problems and how to list them all.
    """
    by_file: dict[str, list[str]] = {}
    for layer in LAYER_IDS:
        for filename in ds.unavailable_layers.get(layer, ()):
            by_file.setdefault(filename, []).append(style.LAYER_TITLES[layer])
    for problem in ds.problems:  # broken files no layer needs (e.g. the presenter's story)
        by_file.setdefault(problem.file, [])
    messages = []
    for filename, titles in by_file.items():
        if not titles:
            problems = ds.problems_in(filename)
            messages.append(
                f"The data file `{filename}` has {len(problems)} problem(s), so what it holds is "
                f"not shown; the map and everything else work.\n\n{_problem_lines(problems)}\n\n"
                f"{_VALIDATE_HINT}"
            )
            continue
        problems = ds.problems_in(filename)
        why = (
            f"has {len(problems)} problem(s)"
            if problems
            else "is needed by these layers' features and is broken"
        )
        messages.append(
            f"**Layer{'s' if len(titles) > 1 else ''} off: {md_escape(', '.join(titles))}.** "
            f"The data file `{filename}` {why}, so "
            f"{'these layers are' if len(titles) > 1 else 'this layer is'} not drawn; everything "
            f"else works.\n\n{_problem_lines(problems)}\n\n{_VALIDATE_HINT}"
        )
    return messages


def show_broken_files(ds: Dataset) -> None:
    """Show an error for each broken file that turns layers off (nothing when all is well)."""
    for message in broken_file_messages(ds):
        st.error(message, icon="⚠️")


def show_panel_unavailable(ds: Dataset, title: str, tables: Iterable[str]) -> bool:
    """Show an error instead of a panel whose tables are broken; return True if it was shown."""
    broken = [t for t in tables if t in ds.broken_tables]
    if not broken:
        return False
    files = ", ".join(f"`{t}`" for t in sorted(_filenames(broken)))
    st.error(f"**{md_escape(title)}** is not shown: {files} has problems. {_VALIDATE_HINT}")
    return True


def _filenames(tables: Iterable[str]) -> list[str]:
    return [schema.TABLES_BY_NAME[t].filename for t in tables]


def show_fatal(problems: Sequence[Problem], data_dir: object) -> None:
    """Say that a file everything needs is broken, naming it and its first problems."""
    core_files = {schema.TABLES_BY_NAME[t].filename for t in schema.CORE_TABLES}
    first = [p for p in problems if p.file in core_files] or list(problems)
    files = sorted({p.file for p in first})
    st.error(
        f"**The map cannot be drawn:** {', '.join(f'`{f}`' for f in files)} in "
        f"{md_escape(data_dir)} {'has' if len(files) == 1 else 'have'} problems, and every "
        f"layer needs {'it' if len(files) == 1 else 'them'}.\n\n{_problem_lines(first)}\n\n"
        f"{_VALIDATE_HINT} ({len(problems)} problem(s) in all.)",
        icon="🛑",
    )
