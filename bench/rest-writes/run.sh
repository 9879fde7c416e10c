#!/usr/bin/env bash
# REST write throughput with the change log off vs on: single-row INSERTs (each its own commit) through
# POST …/d1/database/{id}/query, wrk with 16 keep-alive connections (16 concurrent writers to one database).
# Four servers run side by side, each measured in turn, alternating the order round by round:
#   off:      --Atoll:TimeTravel:Enabled=false (SQLite synchronous=FULL: the WAL fsync is the durable record)
#   on:       the default (change log + the filesystem object store under <data>/objects; the synced log entry is
#             the durable record, SQLite at synchronous=NORMAL)
#   on-local: change log, no object store (--Atoll:ObjectStore:Kind=None)
#   on-full:  the default with --Atoll:Engine:SyncEveryCommit=true (SQLite fsyncs the WAL too: two syncs per commit)
# Prints medians and ratios to "off". Usage: bench/rest-writes/run.sh [seconds per run (8)] [rounds (3)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds=${1:-8}; rounds=${2:-3}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
dotnet build -c Release -nologo -v quiet -clp:ErrorsOnly src/Atoll.Server

work=$(mktemp -d); token="bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
names=(off on on-local on-full); ports=(18791 18792 18793 18794)
flags=("--Atoll:TimeTravel:Enabled=false" "" "--Atoll:ObjectStore:Kind=None" "--Atoll:Engine:SyncEveryCommit=true")
all=(0 1 2 3)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for i in "${all[@]}"; do
  # shellcheck disable=SC2086
  dotnet src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll --urls http://127.0.0.1:${ports[$i]} --data-dir "$work/${names[$i]}" \
    --admin-token "$token" --Logging:LogLevel:Default=Warning ${flags[$i]} > "$work/${names[$i]}.log" 2>&1 &
  pids+=($!)
done
auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json")
urls=()
for i in "${all[@]}"; do
  for _ in $(seq 1 120); do curl -sf http://127.0.0.1:${ports[$i]}/healthz >/dev/null && break; sleep 0.5; done
  api=http://127.0.0.1:${ports[$i]}/client/v4
  account=$(curl -s "${auth[@]}" $api/accounts | sed -E 's/.*"id":"([0-9a-f]{32})".*/\1/')
  db=$(curl -s "${auth[@]}" -X POST $api/accounts/$account/d1/database -d '{"name":"bench"}' | sed -E 's/.*"uuid":"([^"]+)".*/\1/')
  urls+=("$api/accounts/$account/d1/database/$db/query")
  curl -s "${auth[@]}" -X POST "${urls[$i]}" -d '{"sql":"CREATE TABLE events(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, body TEXT NOT NULL)"}' >/dev/null
  ATOLL_TOKEN=$token wrk -t2 -c16 -d2s -s bench/rest-writes/insert.lua "${urls[$i]}" >/dev/null  # warm-up
done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system clock ticks of a process
run() { # index → "rps p50 p99 server-cpu-ms-per-request"
  local before after errors
  before=$(cpu "${pids[$1]}")
  ATOLL_TOKEN=$token wrk -t2 -c16 -d${seconds}s --latency -s bench/rest-writes/insert.lua "${urls[$1]}" > "$work/wrk.txt"
  after=$(cpu "${pids[$1]}")
  errors=$(grep -oE "Non-2xx or 3xx responses: [0-9]+" "$work/wrk.txt" || true)
  [ -z "$errors" ] || { echo "errors: $errors" >&2; cat "$work/wrk.txt" >&2; exit 1; }
  local rps requests
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt"); requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  echo "$rps $(awk '$1=="50%" {print $2}' "$work/wrk.txt") $(awk '$1=="99%" {print $2}' "$work/wrk.txt") \
    $(echo "$before $after $requests $(getconf CLK_TCK)" | awk '{printf "%.3f", ($2 - $1) * 1000 / $4 / $3}')"
}
for i in "${all[@]}"; do : > "$work/${names[$i]}.txt"; done
for r in $(seq 1 "$rounds"); do
  order=(0 1 2 3); [ $((r % 2)) -eq 0 ] && order=(3 2 1 0)
  for i in "${order[@]}"; do
    result=$(run "$i"); echo "round $r ${names[$i]}: $result (req/s, p50, p99, server CPU ms per request)"; echo "$result" >> "$work/${names[$i]}.txt"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
off=$(cut -d' ' -f1 "$work/off.txt" | median)
for i in "${all[@]}"; do
  m=$(cut -d' ' -f1 "$work/${names[$i]}.txt" | median)
  rows=$(curl -s "${auth[@]}" -X POST "${urls[$i]}" -d '{"sql":"SELECT count(*) AS c FROM events"}' | grep -oE '"c":[0-9]+')
  printf "%-9s median %6.0f req/s, ratio to off %.2f (runs: %s; table %s)\n" "${names[$i]}" "$m" "$(echo "$m $off" | awk '{print $1/$2}')" \
    "$(cut -d' ' -f1 "$work/${names[$i]}.txt" | tr '\n' ' ')" "$rows"
done
