#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs every test:
# lint, type check, unit, property, CLI, API, PostgreSQL and browser tests.
# The PostgreSQL tests start their own server (initdb + pg_ctl); the browser tests start
# Debian's /usr/bin/chromium through Playwright (never a downloaded browser).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v /usr/bin/chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need_apt+=(postgresql)
# WeasyPrint (PDF reports) needs Pango; fonts make PDFs and screenshots readable.
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -d /usr/share/fonts/truetype/dejavu ] || need_apt+=(fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

# axe-core (accessibility checks injected by the browser tests), pinned by package-lock.json.
echo "==> npm ci (axe-core)"
npm ci --no-audit --no-fund --silent

echo "==> ruff"
.venv/bin/ruff check src tests bench
echo "==> mypy (core)"
.venv/bin/mypy
echo "==> pytest (SQLite and PostgreSQL, CLI, API, browser)"
# Compiled modules are kept (__pycache__, ignored by git): else each worker and each crampcare
# process the tests start compiles crampcare and re-rewrites the test files' asserts again.
unset PYTHONDONTWRITEBYTECODE
mkdir -p test-artifacts
# The tests' temporary folders (hundreds of SQLite diaries) in memory where the machine has room, as
# the tests' PostgreSQL does (tests/pg.py): every SQLite save is flushed to the disk (synchronous=FULL),
# about 4 ms each on this disk, and the suite makes thousands of them.
basetemp=()
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 2097152 ]; then
  tmp_root=$(mktemp -d /dev/shm/pytest-basetemp.XXXXXX)
  trap 'rm -rf "$tmp_root"' EXIT
  basetemp=(--basetemp "$tmp_root")
fi
.venv/bin/python -m pytest -p no:cacheprovider "${basetemp[@]}" "$@"
