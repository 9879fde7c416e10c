#!/usr/bin/env bash
# A private PostgreSQL for the cluster tests and a developer's cluster: its own data directory, bound to
# 127.0.0.1 on a given port, its socket in that directory, trust authentication (loopback only).
# Installs Debian's postgresql when its binaries are missing (a fresh CI machine).
#
# Usage:
#   scripts/postgres.sh install           install postgresql via apt if initdb/pg_ctl are missing
#   scripts/postgres.sh start <dir> <port> initdb <dir>/data if needed, start it, print the postmaster PID
#   scripts/postgres.sh stop <dir>        fast shutdown (callers also kill the printed PID when in doubt)
# As root (CI) the server runs as the postgres user: PostgreSQL refuses to run as root.
set -euo pipefail

bin_dir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

install() {
  bin_dir >/dev/null && return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
  bin_dir >/dev/null || { echo "postgresql installed but initdb/pg_ctl not found under /usr/lib/postgresql/*/bin" >&2; exit 1; }
}

# Runs a PostgreSQL binary as the postgres user when we are root, as ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir=$1 port=$2
  install
  local bin; bin=$(bin_dir)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # fsync=off: a test/dev server whose host never crashes under it; a real cluster runs a real PostgreSQL.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$dir/postgres.log" >&2; exit 1; }
  head -n 1 "$dir/data/postmaster.pid"
}

stop() {
  local dir=$1
  local bin; bin=$(bin_dir)
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
}

case "${1:-}" in
  install) install ;;
  start) [ $# -eq 3 ] || { echo "usage: $0 start <dir> <port>" >&2; exit 2; }; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || { echo "usage: $0 stop <dir>" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 install | start <dir> <port> | stop <dir>" >&2; exit 2 ;;
esac
