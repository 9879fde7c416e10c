#!/usr/bin/env bash
# A user-style smoke of a running scripts/cluster-dev.sh cluster: bench/cluster-smoke/load.py for SECONDS while nodes go
# away. Scenarios: `kill NODE` (SIGKILL at 12 s, started again with its own command line 12 s later) and `rolling`
# (scripts/cluster-dev.sh restart node3, then node2 — each drains — then kill node1 as above).
# Usage: KEYED=1 bench/cluster-smoke/run.sh DIR SECONDS kill NODE | rolling     (DIR as given to cluster-dev.sh start)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
dir=$1; secs=$2; scenario=$3
work=$(mktemp -d); avoid=$work/avoid; : >"$avoid"
python3 bench/cluster-smoke/load.py "$dir/admin-token" "$secs" "$avoid" "$work/result.json" >"$work/load.log" 2>&1 &
load=$!
trap 'kill $load 2>/dev/null || true' EXIT

kill_node() { # NODE: SIGKILL, wait 12 s, start it again as it was, let the load back onto it once it answers
  local n=$1 pid args new port=$((8800 + ${1#node}))
  pid=$(awk -v n="$n" '$1 == n { print $2 }' "$dir/pids")
  mapfile -d '' -t args <"/proc/$pid/cmdline"
  echo "$n" >"$avoid"; kill -9 "$pid"; echo "killed $n (pid $pid) at $(date +%T)"
  sleep 12
  ATOLL_ADMIN_TOKEN=$(cat "$dir/admin-token") "${args[@]}" >>"$dir/$n.log" 2>&1 &
  new=$!; sed -i "s/^$n $pid\$/$n $new/" "$dir/pids"
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  sleep 3; : >"$avoid"; echo "$n back (pid $new) at $(date +%T)"
}
drain_node() { echo "$1" >"$avoid"; scripts/cluster-dev.sh restart "$1" "$dir"; sleep 3; : >"$avoid"; }

sleep 12
case $scenario in
  kill) kill_node "$4" ;;
  rolling) drain_node node3; sleep 5; drain_node node2; sleep 5; kill_node node1 ;;
  *) echo "unknown scenario $scenario" >&2; exit 2 ;;
esac
wait $load
cat "$work/result.json"
