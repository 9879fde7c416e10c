#!/usr/bin/env bash
# The project's test command: builds everything, runs the .NET test projects, then the
# Node compatibility suites (real workerd, miniflare, wrangler and the cloudflare SDK)
# against real Atoll servers on loopback. Installs what it needs (npm packages) itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 WRANGLER_SEND_METRICS=false
logs=$(mktemp -d)

# The CLI's shell tests drive it through a pseudo-terminal made by util-linux script (Debian: bsdutils).
if ! command -v script >/dev/null; then apt-get update -qq && apt-get install -y -qq bsdutils >/dev/null; fi

echo "== build"
dotnet build Atoll.slnx -c Debug -nologo -v quiet -clp:ErrorsOnly

# The dashboard tests drive a real headless chromium (Debian's package).
scripts/install-chromium.sh

# Before the .NET tests too: the S3 tests run s3rver from tests/compat/node_modules.
scripts/compat-install.sh >/dev/null

echo "== .NET tests"
dotnet_status=0
# Quiet for passing tests; a failure prints its assertion message, stack trace and captured output (minimal console logger).
dotnet test Atoll.slnx --no-build -nologo -v quiet --logger "console;verbosity=minimal" 2>&1 | tee "$logs/dotnet.log" || dotnet_status=$?

echo "== compat suites (Node)"
mapfile -t suites < <(cd tests/compat && find . -name '*.test.js' -not -path './node_modules/*' | sort)
node_status=0
(cd tests/compat && node --test --test-concurrency=1 "${suites[@]}") 2>&1 | tee "$logs/node.log" || node_status=$?

sum() { grep -oE "$1" "$2" | grep -oE "[0-9]+" | awk '{s+=$1} END {print s+0}'; }
passed=$(( $(sum 'Passed: +[0-9]+' "$logs/dotnet.log") + $(sum '^# pass [0-9]+' "$logs/node.log") ))
failed=$(( $(sum 'Failed: +[0-9]+' "$logs/dotnet.log") + $(sum '^# fail [0-9]+' "$logs/node.log") ))
echo "tests: $passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then
  echo "failed:"
  grep -hE '^\s+Failed [A-Za-z]' "$logs/dotnet.log" | sed 's/^ */  /' || true
  grep -hE '^not ok ' "$logs/node.log" | sed 's/^/  /' || true
  # Again with why (assertion, stack, output), last: a CI page that keeps only the tail still shows the cause.
  echo "why:"
  awk '/^ +Failed [A-Za-z]/ {n = 60} /^ +Passed [A-Za-z]/ {n = 0} n > 0 {print; n--}' "$logs/dotnet.log" | cut -c1-400 || true
  grep -hE -A30 '^ *not ok ' "$logs/node.log" | grep -vE '^ *(ok|#) ' | head -200 | cut -c1-400 || true
  echo "tests: $passed passed, $failed failed"
fi
[ "$dotnet_status" -eq 0 ] && [ "$node_status" -eq 0 ] && [ "$failed" -eq 0 ]
