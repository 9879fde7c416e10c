#!/usr/bin/env bash
# A private Redis for the cluster tests and a developer's cluster with Redis membership: its own directory, bound to
# 127.0.0.1 on a given port, no persistence (membership is rebuilt by the nodes that join; nothing to keep).
# Installs Debian's redis-server when it is missing (a fresh CI machine).
#
# Usage:
#   scripts/redis.sh install           install redis-server via apt if redis-server is missing
#   scripts/redis.sh start <dir> <port> start it in <dir>, wait until it answers, print its PID (also in <dir>/redis.pid)
#   scripts/redis.sh stop <dir>        stop the PID recorded in <dir>/redis.pid (TERM, then KILL after 10 s)
set -euo pipefail

install() {
  command -v redis-server >/dev/null && return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq redis-server >/dev/null
  command -v redis-server >/dev/null || { echo "redis-server installed but not on PATH" >&2; exit 1; }
}

start() {
  local dir=$1 port=$2
  install
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # Debian's package starts a system-wide instance on 6379; this one is separate: its own port, directory and PID file.
  # No RDB snapshots, no AOF: a test/dev store whose contents the nodes write again when they join.
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null \
    || { cat "$dir/redis.log" >&2 2>/dev/null; exit 1; }
  local i
  for ((i = 0; i < 150; i++)); do
    if [ -s "$dir/redis.pid" ] && redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
      cat "$dir/redis.pid"
      return 0
    fi
    sleep 0.2
  done
  echo "redis-server did not answer on 127.0.0.1:$port in 30 s" >&2
  cat "$dir/redis.log" >&2 2>/dev/null || true
  exit 1
}

stop() {
  local dir=$1 pid
  [ -s "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  kill -TERM "$pid" 2>/dev/null || { rm -f "$dir/redis.pid"; return 0; }
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/redis.pid"
}

case "${1:-}" in
  install) install ;;
  start) [ $# -eq 3 ] || { echo "usage: $0 start <dir> <port>" >&2; exit 2; }; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || { echo "usage: $0 stop <dir>" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 install | start <dir> <port> | stop <dir>" >&2; exit 2 ;;
esac
