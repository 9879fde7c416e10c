#!/usr/bin/env bash
# Import/export benchmark: Atoll's import and export APIs vs the sqlite3 shell, same file, same run.
# Usage: bench/import-export/run.sh [SIZE_MB=100] [RUNS=3]   (a few minutes on 2 cores)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v sqlite3 >/dev/null; then apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; fi
dotnet build src/Atoll.Server -c Release -nologo -v quiet -clp:ErrorsOnly
scripts/compat-install.sh >/dev/null
export ATOLL_SERVER_DLL="$PWD/src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(nproc) cores"
node bench/import-export/run.mjs "${1:-100}" "${2:-3}"
