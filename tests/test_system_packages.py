"""One list of the Debian packages the project needs, read by ``.ci/run`` and the README."""

from __future__ import annotations

import re
import subprocess

from explorer import config

LIST = config.ROOT / "scripts" / "system-packages.txt"
CI_RUN = config.ROOT / ".ci" / "run"
README = config.ROOT / "README.md"


def _packages() -> list[str]:
    return [
        line.strip()
        for line in LIST.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_the_list_names_every_package_once_each_with_a_reason():
    packages = _packages()
    for needed in ("chromium", "fonts-dejavu-core", "haproxy", "gdal-bin", "openssl"):
        assert needed in packages
    assert len(packages) == len(set(packages))
    lines = LIST.read_text(encoding="utf-8").splitlines()
    for package in packages:
        assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", package), package
        above = lines[lines.index(package) - 1]
        assert above.startswith("# ") and len(above) > 20, f"{package}: no comment saying why"


def test_ci_run_installs_from_the_list_and_names_no_package_itself():
    text = CI_RUN.read_text(encoding="utf-8")
    assert "scripts/system-packages.txt" in text
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for package in _packages():
        assert not re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", code), package


def test_ci_run_finds_what_is_missing_from_the_list():
    """The loop of ``.ci/run`` that decides what to install, run alone with a fake dpkg-query."""
    text = CI_RUN.read_text(encoding="utf-8")
    loop = text[text.index("missing=()") : text.index('if [ "${#missing[@]}" -gt 0 ]')]
    script = (
        "dpkg-query() { [ \"$3\" = haproxy ] && echo 'install ok installed'; return 0; }\n"
        f"cd {config.ROOT}\n{loop}\nprintf '%s\\n' \"${{missing[@]}}\"\n"
    )
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == [p for p in _packages() if p != "haproxy"]


def test_readme_installs_the_list_and_no_package_by_name():
    text = README.read_text(encoding="utf-8")
    installs = re.findall(r"apt-get install[^\n]*", text)
    assert installs, "the README says how to install the system packages"
    for line in installs:
        assert "scripts/system-packages.txt" in line, line
        rest = line.replace("scripts/system-packages.txt", "")
        for package in _packages():
            assert not re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", rest), line
