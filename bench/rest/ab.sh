#!/usr/bin/env bash
# Before/after A/B of the REST point query: two Atoll servers side by side (e.g. a build of main from `git archive` and
# this checkout), the steady case of bench/compare.sh on each, alternating by round; prints req/s and server CPU µs per
# request of each and B ÷ A. ENV_A/ENV_B: environment for each (e.g. "DOTNET_TieredPGO=0"; "X=1" for none).
# Usage: bench/rest/ab.sh seconds rounds ENV_A ENV_B [Atoll.Server.dll of A] [of B]  (default: this checkout's Release build)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
secs=$1; rounds=$2; envA=$3; envB=$4
dllA=${5:-src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll}; dllB=${6:-$dllA}
work=$(mktemp -d); token=bench_x$RANDOM$RANDOM
pids=(); urls=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; rm -rf $work' EXIT
for s in A B; do
  port=$((20000 + RANDOM % 20000)); e=$([ $s = A ] && echo "$envA" || echo "$envB"); dll=$([ $s = A ] && echo "$dllA" || echo "$dllB")
  env $e dotnet $dll --urls http://127.0.0.1:$port --data-dir $work/$s --admin-token $token --Logging:LogLevel:Default=Warning > $work/$s.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.5; done
  api=http://127.0.0.1:$port/client/v4; auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json")
  account=$(curl -s "${auth[@]}" $api/accounts | sed -E 's/.*"id":"([0-9a-f]{32})".*/\1/')
  u=$(curl -s "${auth[@]}" -X POST $api/accounts/$account/d1/database -d '{"name":"s"}' | sed -E 's/.*"uuid":"([^"]+)".*/\1/')
  curl -s "${auth[@]}" -X POST $api/accounts/$account/d1/database/$u/query -d "{\"sql\":\"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, score REAL); INSERT INTO users WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i, 'user ' || i, 'user' || i || '@example.com', i * 0.5 FROM n\"}" > /dev/null
  urls+=($api/accounts/$account/d1/database/$u/query)
done
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
one() { local i=$1 t0 t1 rps
  t0=$(cpu ${pids[$i]})
  rps=$(ATOLL_TOKEN=$token ROWS=100000 ID_PARAM=string wrk -t1 -c64 -d${secs}s -s bench/rest/point-query.lua ${urls[$i]} | awk '/Requests\/sec/ {print $2}')
  t1=$(cpu ${pids[$i]})
  echo "$rps $(awk -v t=$((t1-t0)) -v a=$rps -v s=$secs 'BEGIN{printf "%.0f", t*10000/(a*s)}')"; }
one 0 >/dev/null; one 1 >/dev/null
for r in $(seq 1 $rounds); do
  if (( r % 2 )); then a=$(one 0); b=$(one 1); else b=$(one 1); a=$(one 0); fi
  echo "round $r  A: $a   B: $b   B/A: $(echo $a $b | awk '{printf "%.2f", $3/$1}')   load $(cut -d' ' -f1 /proc/loadavg)"
done
