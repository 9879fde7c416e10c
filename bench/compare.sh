#!/usr/bin/env bash
# One command for the REST comparison of issue 13: Atoll's point query against a bare Kestrel constant answer, interleaved
# in one run, printing per-round figures and a table of ratios (median and spread over the rounds).
#   steady:     a warmed-up database with a 100k-row table;
#   after load: a fresh database seeded with 100k rows, measured at once (the first seconds after a bulk load).
# Load: wrk, 1 thread, 64 keep-alive connections, `SELECT id, name, email, score FROM users WHERE id = ?` with a random id
# sent as a string parameter, one database. Release builds. Needs wrk (installed with apt when missing).
# Usage: bench/compare.sh [seconds per run (10)] [rounds (3)] [warm-up seconds (3)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-10}; rounds=${2:-3}; warmup=${3:-3}; rows=100000
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
dotnet build -c Release -nologo -v quiet -clp:ErrorsOnly src/Atoll.Server
dotnet build -c Release -nologo -v quiet -clp:ErrorsOnly bench/BareKestrel

work=$(mktemp -d); token="bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
atoll_port=${ATOLL_PORT:-$((20000 + RANDOM % 20000))}; bare_port=$((atoll_port + 1))
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
dotnet src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll --urls http://127.0.0.1:$atoll_port --data-dir "$work/data" \
  --admin-token "$token" --Logging:LogLevel:Default=Warning > "$work/atoll.log" 2>&1 &
pids+=($!)
dotnet bench/BareKestrel/bin/Release/net10.0/BareKestrel.dll --urls http://127.0.0.1:$bare_port > "$work/bare.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:$atoll_port/healthz >/dev/null && curl -s -o /dev/null http://127.0.0.1:$bare_port/ && break; sleep 0.5; done

auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json")
account=$(curl -s "${auth[@]}" http://127.0.0.1:$atoll_port/client/v4/accounts | sed -E 's/.*"id":"([0-9a-f]{32})".*/\1/')
seeded() { # name → query URL of a new database holding the seeded users table
  local db base
  db=$(curl -s "${auth[@]}" -X POST http://127.0.0.1:$atoll_port/client/v4/accounts/$account/d1/database -d "{\"name\":\"$1\"}" \
    | sed -E 's/.*"uuid":"([^"]+)".*/\1/')
  base=http://127.0.0.1:$atoll_port/client/v4/accounts/$account/d1/database/$db/query
  curl -s "${auth[@]}" -X POST "$base" -d '{"sql":"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, score REAL)"}' >/dev/null
  curl -s "${auth[@]}" -X POST "$base" -d "{\"sql\":\"INSERT INTO users WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows) SELECT i, 'user ' || i, 'user' || i || '@example.com', i * 0.5 FROM n\"}" >/dev/null
  curl -s "${auth[@]}" -X POST "$base" -d '{"sql":"SELECT count(*) AS c FROM users"}' | grep -q "\"c\":$rows" \
    || { echo "seeding $1 failed" >&2; exit 1; }
  echo "$base"
}
run() { # url seconds → "rps p50 p99"
  ATOLL_TOKEN=$token ROWS=$rows ID_PARAM=string wrk -t1 -c64 -d"$2"s --latency -s bench/rest/point-query.lua "$1" > "$work/wrk.txt"
  local errors
  errors=$(grep -oE "Non-2xx or 3xx responses: [0-9]+" "$work/wrk.txt" || true)
  [ -z "$errors" ] || { echo "errors: $errors" >&2; cat "$work/wrk.txt" >&2; exit 1; }
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print rps, p50, p99}' "$work/wrk.txt"
}

steady=$(seeded steady)
run "$steady" "$warmup" >/dev/null; run "http://127.0.0.1:$bare_port/query" "$warmup" >/dev/null
printf "%-11s %5s %12s %12s %18s %7s\n" case round "atoll req/s" "bare req/s" "atoll p50/p99" ratio
for r in $(seq 1 "$rounds"); do
  read -r a p50 p99 < <(run "$steady" "$seconds"); read -r b _ _ < <(run "http://127.0.0.1:$bare_port/query" "$seconds")
  echo "steady $r $a $b $p50 $p99" >> "$work/rounds.txt"
  printf "%-11s %5s %12.0f %12.0f %18s %7.2f\n" steady "$r" "$a" "$b" "$p50/$p99" "$(echo "$a $b" | awk '{print $1/$2}')"
  fresh=$(seeded "fresh$r")
  read -r a p50 p99 < <(run "$fresh" "$seconds"); read -r b _ _ < <(run "http://127.0.0.1:$bare_port/query" "$seconds")
  echo "after-load $r $a $b $p50 $p99" >> "$work/rounds.txt"
  printf "%-11s %5s %12.0f %12.0f %18s %7.2f\n" after-load "$r" "$a" "$b" "$p50/$p99" "$(echo "$a $b" | awk '{print $1/$2}')"
done
echo
echo "| case | Atoll req/s (median) | bare Kestrel req/s (median) | ratio median | ratio min–max |"
echo "|---|---|---|---|---|"
for c in steady after-load; do
  awk -v c="$c" '$1==c {n++; a[n]=$3; b[n]=$4; q[n]=$3/$4}
    function med(x, n,   i, j, t) { for (i=1;i<=n;i++) for (j=i+1;j<=n;j++) if (x[j]<x[i]) {t=x[i]; x[i]=x[j]; x[j]=t}
      return n%2 ? x[(n+1)/2] : (x[n/2]+x[n/2+1])/2 }
    END { qa=med(q,n); lo=q[1]; hi=q[n]; printf "| %s | %.0f | %.0f | **%.2f** | %.2f–%.2f |\n", c, med(a,n), med(b,n), qa, lo, hi }' "$work/rounds.txt"
done
