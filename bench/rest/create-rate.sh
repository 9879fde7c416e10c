#!/usr/bin/env bash
# Create rate over REST (POST …/d1/database), wrk 1 thread, C keep-alive connections, R rounds of S seconds on one
# Release server; prints per round the creates/s and the server's CPU µs per create (user + system from /proc).
# PERF=1 also records the server with `perf record -g` during the last round (DOTNET_PerfMapEnabled=1 for JIT names).
# Usage: bench/rest/create-rate.sh [seconds=8] [rounds=3] [connections=64]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-8}; rounds=${2:-3}; conns=${3:-64}
dotnet build -c Release -nologo -v quiet -clp:ErrorsOnly src/Atoll.Server >/dev/null
server_dll=$PWD/src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll
work=$(mktemp -d); token="bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port=${ATOLL_PORT:-$((20000 + RANDOM % 20000))}
echo "start: $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 dotnet "$server_dll" --urls http://127.0.0.1:$port \
  --data-dir "$work/data" --admin-token "$token" --Logging:LogLevel:Default=Warning > "$work/atoll.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.5; done
api=http://127.0.0.1:$port/client/v4
account=$(curl -s -H "Authorization: Bearer $token" $api/accounts | sed -E 's/.*"id":"([0-9a-f]{32})".*/\1/')
url=$api/accounts/$account/d1/database
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
ATOLL_TOKEN=$token PREFIX=warm wrk -t1 -c"$conns" -d3s -s bench/rest/create.lua "$url" >/dev/null
printf "%5s %10s %12s %16s\n" round "creates/s" "p50/p99" "cpu µs/create"
for r in $(seq 1 "$rounds"); do
  if [ "${PERF:-0}" = 1 ] && [ "$r" = "$rounds" ]; then
    perf record -F 499 -g -p "$pid" -o "${PERF_OUT:-/tmp/create.perf.data}" -- sleep "$secs" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  t0=$(cpu)
  ATOLL_TOKEN=$token PREFIX=r$r wrk -t1 -c"$conns" -d"$secs"s --latency -s bench/rest/create.lua "$url" > "$work/wrk.txt"
  t1=$(cpu)
  [ -n "${perf_pid:-}" ] && wait "$perf_pid"
  if grep -q "Non-2xx" "$work/wrk.txt"; then grep "Non-2xx" "$work/wrk.txt" >&2; fi
  read -r rps p50 p99 < <(awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print rps, p50, p99}' "$work/wrk.txt")
  printf "%5s %10.0f %12s %16.0f\n" "$r" "$rps" "$p50/$p99" "$(awk -v t=$((t1 - t0)) -v a="$rps" -v s="$secs" 'BEGIN {print t * 10000 / (a * s)}')"
done
echo "databases: $(find "$work/data" -name created | wc -l) created markers; end: load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ "${PERF:-0}" = 1 ] && cp /tmp/perf-$pid.map "${PERF_OUT:-/tmp/create.perf.data}.map" 2>/dev/null || true
