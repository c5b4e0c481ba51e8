#!/usr/bin/env bash
# Create .venv (if missing) and install pinned requirements. Sourced by run.sh, which installs the
# app's requirements.txt only, and by test.sh, which sets BFE_REQUIREMENTS=requirements-dev.txt
# (the same pins plus the test and tooling ones).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || {
    echo "ERROR: could not create a virtualenv. On Debian/Ubuntu: sudo apt-get install -y python3-venv" >&2
    exit 1
  }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "${BFE_REQUIREMENTS:-requirements.txt}"
