"""What validation reports: one :class:`Problem` per thing wrong, and :class:`DataError`.

Every check in :mod:`explorer.validation` returns problems instead of raising, so that one run
lists everything wrong at once; :class:`DataError` carries them all when loading must stop.
:data:`Record` is the type of one raw or coerced row (a feature's properties plus its geometry).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["DataError", "Problem", "Record"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file.

    Attributes
    ----------
    file : str
        File name relative to the data folder.
    record : str
        Id of the feature or row (``row 3`` when it has no usable id; ``-`` for the whole file).
    field : str
        Field name (``-`` for the whole record or file).
    message : str
        What is wrong, showing the bad value.
    """

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field}: {self.message}"


class DataError(ValueError):
    """Raised when geodata fails validation; carries every :class:`Problem` found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in geodata:\n{lines}")


#: One record of a table: a CSV row, or a feature's properties with its ``"geometry"``.
Record = dict[str, Any]
