"""What each ``python -m explorer`` command does, once :mod:`explorer.cli` has parsed its arguments.

Each command is a function ``run_<command>(args) -> int`` that prints its output and returns the
exit status (:data:`EXIT_OK`, :data:`EXIT_INVALID` or :data:`EXIT_USAGE`); :mod:`explorer.cli`
maps the command names to them. The commands are grouped by what they do:

- :mod:`~explorer.commands.tables`: ``validate``, ``segments``, ``treaty`` and ``layers`` read
  the data and print it (a table or JSON) or its problems.
- :mod:`~explorer.commands.exports`: ``export`` and ``handout`` write one file atomically; they
  import matplotlib and folium only when they run.
- :mod:`~explorer.commands.servers`: ``app`` and ``serve`` run the map app (``serve`` imports
  :mod:`explorer.serve` only when it runs).
"""

from __future__ import annotations

import sys
from pathlib import Path

from explorer import data

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "load_or_exit"]

#: Exit statuses: success, invalid data (or an invalid proxy configuration), a usage error.
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def load_or_exit(path: Path) -> data.Dataset:
    """Load the data folder ``path``; on invalid data print every problem and exit with status 1.

    Parameters
    ----------
    path : pathlib.Path
        The data folder.

    Returns
    -------
    explorer.data.Dataset
        The loaded data.

    Raises
    ------
    SystemExit
        With :data:`EXIT_INVALID`, after printing the problems to stderr.
    """
    try:
        return data.load_dataset(path)
    except data.DataError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from None
