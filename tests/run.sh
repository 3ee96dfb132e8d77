#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs them all.
# (Python tests, the extension's Node unit tests, and its tests in a real headless Chromium.)
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[test,bench,plots]'

# Debian's browsers for the real-browser tests (never a test tool's own browser download)
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v firefox-esr >/dev/null 2>&1 || missing="$missing firefox-esr"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's$missing for the browser tests" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "missing$missing and no root: those browser tests will be skipped" >&2
  fi
fi

if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error
  npm test
else
  echo "no npm: the extension's unit tests will be skipped" >&2
fi

python3 -m pytest -q -p no:cacheprovider "$@"
