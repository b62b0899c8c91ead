#!/usr/bin/env bash
# The HTML report in a real browser: installs Debian's Chromium when it is missing, then runs
# tests/browser/report.py on the release binary (samples, and a generated 20,000-figure run).
# Screenshots go to target/browser/. Usage: .ci/browser.sh [CHISO_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/chiso}
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (Debian package)" >&2
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
command -v python3 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq python3; }
chromium --version >&2
python3 tests/browser/report.py --bin "$bin" --out "${CARGO_TARGET_DIR:-target}/browser"
