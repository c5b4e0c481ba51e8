"""Check geodata files against :mod:`explorer.schema` and report every problem at once.

Nothing here raises for bad data: every check returns :class:`Problem` objects, so that one run
of ``python -m explorer validate`` lists everything wrong; :class:`DataError` carries them when
loading must stop. The parts:

- :mod:`~explorer.validation.problems`: :class:`Problem`, :class:`DataError` and the
  :data:`Record` type.
- :mod:`~explorer.validation.dates`: :func:`parse_date` (``YYYY-MM-DD``) and
  :func:`parse_partial_date` (``YYYY[-MM[-DD]]``).
- :mod:`~explorer.validation.tables`: one table's file read (:func:`read_records`) and each
  record checked and coerced (:func:`check_table`, :func:`check_geometry`).
- :mod:`~explorer.validation.rules`: rules across fields and tables (:func:`check_references`,
  :func:`story_rules`, :func:`verified_rules`, all of them in :func:`check_rules`).
- :mod:`~explorer.validation.folder`: :func:`validate_dir`, every table of a data folder.
- :mod:`~explorer.validation.other_files`: :func:`check_other_files`, the files of the folder
  that are not tables (manifests, basemap layers, translations, notes).
"""

from __future__ import annotations

from explorer.validation.dates import parse_date, parse_partial_date
from explorer.validation.folder import validate_dir
from explorer.validation.other_files import check_other_files
from explorer.validation.problems import DataError, Problem, Record
from explorer.validation.rules import check_references, check_rules, story_rules, verified_rules
from explorer.validation.tables import check_geometry, check_table, read_records, record_id

__all__ = [
    "DataError",
    "Problem",
    "Record",
    "check_geometry",
    "check_other_files",
    "check_references",
    "check_rules",
    "check_table",
    "parse_date",
    "parse_partial_date",
    "read_records",
    "record_id",
    "story_rules",
    "validate_dir",
    "verified_rules",
]
