"""Validate a whole data folder: read and check every table, then the rules across them.

The files of the folder that are not tables (manifests, basemap layers, translations, notes) are
checked by :func:`explorer.validation.other_files.check_other_files`.
"""

from __future__ import annotations

from pathlib import Path

from explorer import schema
from explorer.validation import rules
from explorer.validation.problems import Problem, Record
from explorer.validation.tables import check_table, read_records

__all__ = ["validate_dir"]


def validate_dir(data_dir: Path) -> tuple[dict[str, list[Record]], list[Problem]]:
    """Read and check every table in ``data_dir``.

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder holding the files named in :data:`explorer.schema.TABLES`.

    Returns
    -------
    tables : dict
        Coerced records per table name (possibly partial where there were problems).
    problems : list of Problem
        Everything wrong, sorted by file, record and field; empty when valid.

    Examples
    --------
    >>> from pathlib import Path
    >>> tables, problems = validate_dir(Path("/nonexistent"))
    >>> problems[0].message
    'file is missing'
    """
    tables: dict[str, list[Record]] = {}
    problems: list[Problem] = []
    for spec in schema.TABLES:
        raw, read_problems = read_records(Path(data_dir) / spec.filename, spec)
        clean, table_problems = check_table(spec, raw)
        tables[spec.name] = clean
        problems += read_problems + table_problems
    problems += rules.check_rules(tables)
    return tables, sorted(set(problems))
