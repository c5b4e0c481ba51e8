#!/usr/bin/env bash
# Set up (virtualenv + pinned requirements, tests and tooling included: requirements-dev.txt)
# and run the whole test suite, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
BFE_REQUIREMENTS=requirements-dev.txt
source scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: Chromium is missing under CI; browser tests would fail. Install: apt-get install -y chromium" >&2
  else
    echo "NOTE: Chromium not found: browser tests will be SKIPPED. Install it with: sudo apt-get install -y chromium" >&2
  fi
fi
# `python -m explorer serve` runs HAProxy (tests/test_serve.py, tests/browser/test_serve_browser.py).
if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ] && [ -z "${BFE_HAPROXY:-}" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: HAProxy is missing under CI; the serve tests will fail. Install: apt-get install -y haproxy" >&2
  else
    echo "NOTE: HAProxy not found: the serve tests will be SKIPPED. Install it with: sudo apt-get install -y haproxy" >&2
  fi
fi
# GDAL's ogrinfo opens every data export (tests/test_export_standards.py).
if ! command -v ogrinfo >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: ogrinfo is missing under CI; the export checks will fail. Install: apt-get install -y gdal-bin" >&2
  else
    echo "NOTE: ogrinfo not found: the GDAL export checks will be SKIPPED. Install it with: sudo apt-get install -y gdal-bin" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
