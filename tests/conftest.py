"""Shared fixtures: the bundled dataset (loaded once) and a writable copy of geodata/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explorer import config, data


@pytest.fixture(scope="session")
def dataset() -> data.Dataset:
    """The bundled geodata, validated and loaded once per test session."""
    return data.load_dataset(config.GEODATA_DIR)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A throwaway copy of geodata/ that a test may break."""
    target = tmp_path / "geodata"
    shutil.copytree(config.GEODATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def haproxy_path() -> str:
    """Path of HAProxy (for ``serve``); fail in CI (``CI=true``), skip elsewhere, if missing."""
    import os

    from explorer import serve

    path = serve.find_haproxy()
    if path is None:
        message = f"HAProxy not found: {serve.INSTALL_HINT}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
