#!/usr/bin/env bash
# Fleet migration benchmark: `atoll d1 migrations apply --match 'tenant-*'` over N small databases (default 10,000),
# with a point query probed against another database throughout, to show the server stays responsive.
# Usage: bench/fleet-migrations/run.sh [databases=10000] [concurrency=8]
# Prints: wall time, databases/s, and the probe's median / p99 latency idle (baseline, same run) and during the migration.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
N=${1:-10000}
C=${2:-8}
ulimit -n 65536 2>/dev/null || true
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
export ATOLL_URL=http://127.0.0.1:$port ATOLL_TOKEN=bench-admin-token-0123456789 ATOLL_CONFIG_DIR=$work/config
dotnet build -c Release src/Atoll.Cli -nologo -v q -clp:ErrorsOnly >/dev/null
atoll="dotnet src/Atoll.Cli/bin/Release/net10.0/Atoll.Cli.dll"

$atoll serve --urls "$ATOLL_URL" --data-dir "$work/data" --admin-token "$ATOLL_TOKEN" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "$ATOLL_URL/healthz" >/dev/null && break; sleep 0.5; done
export ATOLL_ACCOUNT=$($atoll accounts list --json | grep -o '"id": "[0-9a-f]*"' | head -1 | cut -d'"' -f4)
api=$ATOLL_URL/client/v4/accounts/$ATOLL_ACCOUNT/d1/database
auth=(-H "Authorization: Bearer $ATOLL_TOKEN" -H "Content-Type: application/json")

echo "creating $N databases…"
seq -w 1 "$N" | xargs -P 8 -I{} curl -sf -o /dev/null "${auth[@]}" -X POST "$api" -d '{"name":"tenant-{}"}'
$atoll d1 create probe >/dev/null
$atoll d1 execute probe --command "CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT); INSERT INTO kv VALUES (1, 'one')" >/dev/null

mkdir -p "$work/migrations"
printf 'CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT);\n' >"$work/migrations/0001_items.sql"
printf 'CREATE INDEX items_name ON items(name);\n' >"$work/migrations/0002_items_name.sql"

# One point query, timed by curl itself (not the process start), in ms.
probe() { curl -sf -o /dev/null -w '%{time_total}\n' "${auth[@]}" -X POST "$api/probe/query" -d '{"sql":"SELECT v FROM kv WHERE k = ?","params":[1]}' | awk '{printf "%.3f\n", $1*1000}'; }
stats() { sort -n "$1" | awk '{a[NR]=$1} END {i=int(NR*0.99+0.5); if (i<1) i=1; printf "median %.2f ms, p99 %.2f ms (n=%d)", a[int((NR+1)/2)], a[i], NR}'; }

for _ in $(seq 1 200); do probe; done >"$work/idle.txt"

(while [ ! -f "$work/done" ]; do probe; sleep 0.05; done) >"$work/busy.txt" &
prober=$!
start=$(date +%s.%N)
$atoll d1 migrations apply --match 'tenant-*' --concurrency "$C" --migrations-dir "$work/migrations" --json >"$work/report.json" || true
end=$(date +%s.%N)
touch "$work/done"; wait $prober

migrated=$(grep -o '"migrated": [0-9]*' "$work/report.json" | head -1 | grep -o '[0-9]*$')
failed=$(grep -o '"failed": [0-9]*' "$work/report.json" | head -1 | grep -o '[0-9]*$')
seconds=$(echo "$end - $start" | bc -l)
idle_median=$(sort -n "$work/idle.txt" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
busy_median=$(sort -n "$work/busy.txt" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'databases %d, concurrency %d: migrated %s, failed %s in %.1f s = %.0f databases/s (%d requests/database)\n' \
  "$N" "$C" "$migrated" "$failed" "$seconds" "$(echo "$N / $seconds" | bc -l)" 3
echo "probe idle:   $(stats "$work/idle.txt")"
echo "probe during: $(stats "$work/busy.txt")"
printf 'probe median during / idle: %.2f\n' "$(echo "$busy_median / $idle_median" | bc -l)"
