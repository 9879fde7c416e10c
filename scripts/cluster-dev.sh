#!/usr/bin/env bash
# A 3-node Atoll cluster on loopback for a developer: a private PostgreSQL (membership, catalog, ownership fence),
# s3rver (the shared object store) and three server processes, each with its own data directory and region.
#
#   scripts/cluster-dev.sh start [DIR]   build, start everything under DIR (default ./.atoll-cluster), print the URLs
#   scripts/cluster-dev.sh stop [DIR]    stop the nodes, s3rver and PostgreSQL by the PIDs recorded in DIR/pids
#   scripts/cluster-dev.sh status [DIR]  list the nodes as the cluster sees them
#   scripts/cluster-dev.sh restart NODE [DIR]  SIGTERM one node (it drains), start it again as it was, wait until it is active
#
# Ports: nodes http://127.0.0.1:8801..8803 (silos 11111..11113), PostgreSQL 55432, s3rver 4568; override with
# ATOLL_CLUSTER_HTTP_BASE, ATOLL_CLUSTER_SILO_BASE, ATOLL_CLUSTER_PG_PORT, ATOLL_CLUSTER_S3_PORT.
# Needs what scripts/postgres.sh installs (Debian's postgresql) and scripts/compat-install.sh (s3rver); restart installs jq when missing.
# ATOLL_CLUSTER_MEMBERSHIP=redis keeps Orleans' membership in a private Redis (scripts/redis.sh, port
# ATOLL_CLUSTER_REDIS_PORT, default 56379) instead of PostgreSQL; the catalog and the fence stay in PostgreSQL.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-}
[ "$cmd" = restart ] && { node=${2:?usage: $0 restart NODE [DIR]}; shift; }
dir=$(mkdir -p "${2:-.atoll-cluster}" && cd "${2:-.atoll-cluster}" && pwd)
http_base=${ATOLL_CLUSTER_HTTP_BASE:-8800}
silo_base=${ATOLL_CLUSTER_SILO_BASE:-11110}
pg_port=${ATOLL_CLUSTER_PG_PORT:-55432}
s3_port=${ATOLL_CLUSTER_S3_PORT:-4568}
regions=(WNAM WEUR APAC)
membership=${ATOLL_CLUSTER_MEMBERSHIP:-postgres}
redis_port=${ATOLL_CLUSTER_REDIS_PORT:-56379}

wait_http() { # url, seconds
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.2
  done
  return 1
}

start() {
  [ -s "$dir/pids" ] && { echo "already running (stop first): $dir/pids" >&2; exit 1; }
  [ -d "$root/tests/compat/node_modules/s3rver" ] || "$root/scripts/compat-install.sh" >&2
  dotnet build "$root/src/Atoll.Server" -c Release -nologo -v q -clp:ErrorsOnly >&2
  local dll="$root/src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll"

  local pg_pid; pg_pid=$("$root/scripts/postgres.sh" start "$dir/postgres" "$pg_port")
  echo "postgres $pg_pid" >>"$dir/pids"
  local psql; psql=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql
  if ! "$psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'atoll'" | grep -q 1; then
    "$psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE atoll"
  fi

  local membership_args=(--Atoll:Cluster:Membership="$membership")
  if [ "$membership" = redis ]; then
    local redis_pid; redis_pid=$("$root/scripts/redis.sh" start "$dir/redis" "$redis_port")
    echo "redis $redis_pid" >>"$dir/pids"
    membership_args+=(--Atoll:Cluster:RedisConnectionString="127.0.0.1:$redis_port")
  fi

  # s3rver exits when its stdin closes: a fifo held open by a sleeper keeps it alive until it is stopped.
  rm -f "$dir/s3rver.stdin" && mkfifo "$dir/s3rver.stdin"
  sleep infinity >"$dir/s3rver.stdin" 2>/dev/null </dev/null &  # no inherited stderr: a caller reading ours through a pipe must see it close
  echo "s3rver-stdin $!" >>"$dir/pids"
  (cd "$root/tests/compat" && exec node --openssl-legacy-provider lib/s3rver-main.mjs --port "$s3_port" --dir "$dir/s3" --bucket atoll \
    <"$dir/s3rver.stdin" >"$dir/s3rver.log" 2>&1) &
  echo "s3rver $!" >>"$dir/pids"

  local token
  [ -s "$dir/admin-token" ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/admin-token"
  token=$(cat "$dir/admin-token")
  local i
  for i in 1 2 3; do
    mkdir -p "$dir/node$i"
    ATOLL_ADMIN_TOKEN=$token dotnet "$dll" --urls "http://127.0.0.1:$((http_base + i))" --data-dir "$dir/node$i" \
      --Atoll:Cluster:Enabled=true --Atoll:Cluster:NodeName="node$i" --Atoll:Cluster:Region="${regions[$((i - 1))]}" \
      --Atoll:Cluster:PostgresConnectionString="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=atoll" "${membership_args[@]}" \
      --Atoll:SiloPort=$((silo_base + i)) --Atoll:GatewayPort=$((silo_base + 100 + i)) \
      --Atoll:ObjectStore:Kind=S3 --Atoll:ObjectStore:ServiceUrl="http://127.0.0.1:$s3_port" --Atoll:ObjectStore:Bucket=atoll \
      --Atoll:ObjectStore:AccessKey=S3RVER --Atoll:ObjectStore:SecretKey=S3RVER \
      >"$dir/node$i.log" 2>&1 &
    echo "node$i $!" >>"$dir/pids"
  done
  for i in 1 2 3; do
    wait_http "http://127.0.0.1:$((http_base + i))/healthz" 120 || { echo "node$i did not start: $dir/node$i.log" >&2; tail -n 20 "$dir/node$i.log" >&2; exit 1; }
  done
  echo "cluster up: http://127.0.0.1:$((http_base + 1)) http://127.0.0.1:$((http_base + 2)) http://127.0.0.1:$((http_base + 3))"
  echo "admin token: $dir/admin-token; logs: $dir/*.log; stop: $0 stop $dir"
}

stop() {
  [ -f "$dir/pids" ] || { echo "nothing recorded in $dir/pids" >&2; return 0; }
  local name pid
  # Nodes first (SIGTERM: a graceful leave), then the stores they use.
  while read -r name pid; do
    case $name in node*) kill -TERM "$pid" 2>/dev/null || true ;; esac
  done <"$dir/pids"
  while read -r name pid; do
    case $name in node*) for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done; kill -KILL "$pid" 2>/dev/null || true ;; esac
  done <"$dir/pids"
  while read -r name pid; do
    case $name in s3rver|s3rver-stdin) kill -TERM "$pid" 2>/dev/null || true ;; esac
  done <"$dir/pids"
  "$root/scripts/postgres.sh" stop "$dir/postgres" || true
  "$root/scripts/redis.sh" stop "$dir/redis" || true
  while read -r name pid; do
    case $name in postgres|redis) kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true ;; esac
  done <"$dir/pids"
  rm -f "$dir/pids" "$dir/s3rver.stdin"
  echo "stopped"
}

status() {
  curl -s -H "Authorization: Bearer $(cat "$dir/admin-token")" "http://127.0.0.1:$((http_base + 1))/client/v4/cluster/nodes"
  echo
}

# One node's rolling restart: SIGTERM (a drain: its databases and transfer jobs are handed over first), then the same
# command line again — read back from the process, so it starts with exactly the settings it had — until it is active.
restart() {
  command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; } # reads the node list
  local pid; pid=$(awk -v n="$node" '$1 == n { print $2 }' "$dir/pids" 2>/dev/null)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { echo "$node is not running (see $dir/pids)" >&2; exit 1; }
  local args; mapfile -d '' -t args <"/proc/$pid/cmdline"
  kill -TERM "$pid"
  local i
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && { echo "$node (pid $pid) did not stop within 60 s" >&2; exit 1; }
  ATOLL_ADMIN_TOKEN=$(cat "$dir/admin-token") "${args[@]}" >>"$dir/$node.log" 2>&1 &
  local new=$!
  sed -i "s/^$node $pid\$/$node $new/" "$dir/pids"
  local url; url=$(printf '%s\n' "${args[@]}" | awk 'prev == "--urls" { print; exit } { prev = $0 }')
  for ((i = 0; i < 600; i++)); do
    kill -0 "$new" 2>/dev/null || { echo "$node exited: $dir/$node.log" >&2; tail -n 20 "$dir/$node.log" >&2; exit 1; }
    curl -fs -H "Authorization: Bearer $(cat "$dir/admin-token")" "$url/client/v4/cluster/nodes" 2>/dev/null \
      | jq -e --arg n "$node" '.result[] | select(.name == $n and .status == "active")' >/dev/null && { echo "$node restarted (pid $new): active"; return 0; }
    sleep 0.2
  done
  echo "$node did not become active within 2 minutes: $dir/$node.log" >&2
  exit 1
}

case $cmd in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) restart ;;
  *) echo "usage: $0 start|stop|status [DIR] | restart NODE [DIR]" >&2; exit 2 ;;
esac
