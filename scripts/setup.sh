#!/usr/bin/env bash
# Install everything cchc needs into ./.venv (Python 3.11). With --dev: the test tools too,
# and Debian's chromium for the browser tests. Re-runs are quick: pip runs only when
# pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0; [ "${1:-}" = "--dev" ] && dev=1

py=$(command -v python3.11 || command -v python3)
if ! "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Cần Python 3.11 / Python 3.11 is required (found: $("$py" --version))" >&2; exit 1
fi
[ -x .venv/bin/python ] || "$py" -m venv .venv

extras=""; [ $dev = 1 ] && extras="[dev]"
stamp=".venv/.installed$extras-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extras"
  touch "$stamp"
fi

if [ $dev = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "Cài chromium cho kiểm thử trình duyệt / installing chromium for the browser tests" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
