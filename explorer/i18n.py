"""Interface and map text in English and Polish, read from the tables in ``geodata/i18n/``.

Every ``*.csv`` file in the folder has the columns ``key,en,pl``; a key is unique across all
files. Text may hold ``str.format`` fields (``{n}``), filled by :func:`t`.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from explorer.config import I18N_DIR, LANGUAGES

__all__ = ["LANGUAGES", "TranslationError", "load", "number", "problems", "t"]


class TranslationError(ValueError):
    """Raised for an unknown key or language, or a broken translation table."""


def _read(directory: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    table: dict[str, dict[str, str]] = {}
    found: list[str] = []
    for path in sorted(directory.glob("*.csv")):
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                header = reader.fieldnames or []
                if header[:1] != ["key"] or any(lang not in header for lang in LANGUAGES):
                    found.append(f"{path.name}: header must be key,{','.join(LANGUAGES)}")
                    continue
                for n, row in enumerate(reader, start=2):
                    key = (row.get("key") or "").strip()
                    if not key:
                        found.append(f"{path.name}: line {n}: empty key")
                        continue
                    if key in table:
                        found.append(f"{path.name}: line {n}: duplicate key {key!r}")
                        continue
                    texts = {lang: (row.get(lang) or "").strip() for lang in LANGUAGES}
                    for lang, text in texts.items():
                        if not text:
                            found.append(f"{path.name}: line {n}: {key!r} has no {lang} text")
                    table[key] = texts
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            found.append(f"{path.name}: unreadable ({exc})")
    return table, found


def problems(directory: Path = I18N_DIR) -> list[str]:
    """List every problem in the translation tables (empty when they are complete).

    Parameters
    ----------
    directory : Path
        Folder of ``*.csv`` tables.

    Returns
    -------
    list of str
        One line per problem: bad header, empty or duplicate key, missing text in a language.
    """
    return _read(directory)[1]


@functools.cache
def load(directory: Path = I18N_DIR) -> dict[str, dict[str, str]]:
    """Read the translation table ``{key: {lang: text}}`` once.

    Raises
    ------
    TranslationError
        When any table has a problem (see :func:`problems`).
    """
    table, found = _read(directory)
    if found:
        raise TranslationError("; ".join(found))
    return table


def t(key: str, lang: str = "en", /, **values: object) -> str:
    """Return the text for ``key`` in ``lang``, with ``{fields}`` filled from ``values``.

    Parameters
    ----------
    key : str
        Key in the translation tables.
    lang : {"en", "pl"}
        Language.
    **values
        Values for the text's ``str.format`` fields.

    Returns
    -------
    str
        The translated text (plain text: escape it before it reaches HTML or markdown).

    Raises
    ------
    TranslationError
        For an unknown key or language.

    Examples
    --------
    >>> t("app.title", "pl")
    'Eksplorator umocnień granicznych'
    """
    if lang not in LANGUAGES:
        raise TranslationError(f"unsupported language {lang!r}; expected one of {list(LANGUAGES)}")
    try:
        text = load()[key][lang]
    except KeyError:
        raise TranslationError(f"no translation for key {key!r}") from None
    return text.format(**values) if values else text


def number(value: float, decimals: int | None = None, lang: str = "en") -> str:
    r"""Format a number for ``lang``: a decimal point in English, a decimal comma in Polish.

    Parameters
    ----------
    value : float
        The number.
    decimals : int, optional
        Fixed decimals; None (default) for the shortest form (``format(value, "g")``).
    lang : {"en", "pl"}, default "en"
        Language. Thousands are grouped with a comma in English and a no-break space in
        Polish when ``decimals`` is given (as the app's panels do).

    Returns
    -------
    str

    Raises
    ------
    TranslationError
        For an unknown language.

    Examples
    --------
    >>> number(12.5, lang="pl"), number(12.5), number(1340, 1, "pl"), number(54.75, 1, "pl")
    ('12,5', '12.5', '1\xa0340,0', '54,8')
    """
    if lang not in LANGUAGES:
        raise TranslationError(f"unsupported language {lang!r}; expected one of {list(LANGUAGES)}")
    text = f"{value:g}" if decimals is None else f"{value:,.{decimals}f}"
    if lang == "pl":
        return text.replace(",", "\u00a0").replace(".", ",")
    return text
