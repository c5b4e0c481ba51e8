#!/usr/bin/env bash
# Set up (virtualenv + pinned requirements) and start the app on http://localhost:8501 (bundled data, offline).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
echo "Starting the Border Fortification Explorer on http://localhost:8501 (Ctrl+C to stop)"
exec .venv/bin/python -m explorer app --port "${PORT:-8501}"
