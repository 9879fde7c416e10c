#!/usr/bin/env bash
# Binding benchmark: workerd → Atoll vs miniflare's D1, same Worker, same run (see bench.mjs).
# Installs what it needs: wrk (Debian), the compat npm packages, a Release build of Atoll.
# Usage: bench/binding/run.sh [--duration 5] [--connections 32] [--repetitions 3] [--out results.json]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
scripts/compat-install.sh >/dev/null
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
dotnet build src/Atoll.Server -c Release -o "$build" -nologo -v quiet -clp:ErrorsOnly >/dev/null
ATOLL_SERVER_DLL="$build/Atoll.Server.dll" node bench/binding/bench.mjs "$@"
