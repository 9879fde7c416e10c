#!/usr/bin/env bash
# The dashboard's browser tests drive Debian's chromium (never Playwright's own download, which cannot be fetched here).
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
