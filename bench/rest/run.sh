#!/usr/bin/env bash
# REST point-query throughput: Atoll (POST …/d1/database/{id}/query, SELECT … WHERE id = ? on a 100k-row table)
# vs a bare Kestrel endpoint returning a constant JSON body, both driven by wrk over loopback with 64 keep-alive
# connections, alternating runs in the same session. Prints medians and the ratio.
# Usage: bench/rest/run.sh [seconds per run (10)] [rounds (3)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds=${1:-10}; rounds=${2:-3}; rows=100000
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
dotnet build -c Release -nologo -v quiet -clp:ErrorsOnly src/Atoll.Server
dotnet build -c Release -nologo -v quiet -clp:ErrorsOnly bench/BareKestrel

work=$(mktemp -d); token="bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
atoll_port=18787; bare_port=18788
cleanup() { kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
dotnet src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll --urls http://127.0.0.1:$atoll_port --data-dir "$work/data" \
  --admin-token "$token" --Logging:LogLevel:Default=Warning > "$work/atoll.log" 2>&1 &
dotnet bench/BareKestrel/bin/Release/net10.0/BareKestrel.dll --urls http://127.0.0.1:$bare_port > "$work/bare.log" 2>&1 &
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:$atoll_port/healthz >/dev/null && curl -s -o /dev/null http://127.0.0.1:$bare_port/ && break; sleep 0.5; done

auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json")
account=$(curl -s "${auth[@]}" http://127.0.0.1:$atoll_port/client/v4/accounts | sed -E 's/.*"id":"([0-9a-f]{32})".*/\1/')
db=$(curl -s "${auth[@]}" -X POST http://127.0.0.1:$atoll_port/client/v4/accounts/$account/d1/database -d '{"name":"bench"}' | sed -E 's/.*"uuid":"([^"]+)".*/\1/')
base=http://127.0.0.1:$atoll_port/client/v4/accounts/$account/d1/database/$db
curl -s "${auth[@]}" -X POST $base/query -d '{"sql":"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, score REAL)"}' >/dev/null
curl -s "${auth[@]}" -X POST $base/query -d "{\"sql\":\"INSERT INTO users WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows) SELECT i, 'user ' || i, 'user' || i || '@example.com', i * 0.5 FROM n\"}" >/dev/null
echo "check: $(curl -s "${auth[@]}" -X POST $base/query -d '{"sql":"SELECT count(*) AS c FROM users"}' | grep -oE '"c":[0-9]+')"

run() { # url → "rps p50ms p99ms"
  ATOLL_TOKEN=$token ROWS=$rows wrk -t2 -c64 -d${seconds}s --latency -s bench/rest/point-query.lua "$1" > "$work/wrk.txt"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt"); p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
  errors=$(grep -oE "Non-2xx or 3xx responses: [0-9]+" "$work/wrk.txt" || true)
  [ -z "$errors" ] || { echo "errors: $errors" >&2; cat "$work/wrk.txt" >&2; exit 1; }
  echo "$rps $p50 $p99"
}
curl -s "${auth[@]}" -X POST $base/query -d '{"sql":"SELECT * FROM users WHERE id = 1"}' >/dev/null  # warm
ATOLL_TOKEN=$token ROWS=$rows wrk -t2 -c64 -d3s -s bench/rest/point-query.lua "$base/query" >/dev/null  # warm-up
wrk -t2 -c64 -d3s -s bench/rest/point-query.lua "http://127.0.0.1:$bare_port/query" >/dev/null
: > "$work/atoll.txt"; : > "$work/bare.txt"
for r in $(seq 1 "$rounds"); do
  run "$base/query" >> "$work/atoll.txt"
  run "http://127.0.0.1:$bare_port/query" >> "$work/bare.txt"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
a_rps=$(cut -d' ' -f1 "$work/atoll.txt" | median); b_rps=$(cut -d' ' -f1 "$work/bare.txt" | median)
echo "runs (rps p50 p99), atoll:"; cat "$work/atoll.txt"; echo "bare kestrel:"; cat "$work/bare.txt"
printf "median req/s: atoll %.0f, bare kestrel %.0f, ratio %.2f\n" "$a_rps" "$b_rps" "$(echo "$a_rps $b_rps" | awk '{print $1/$2}')"
