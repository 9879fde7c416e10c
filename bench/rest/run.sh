#!/usr/bin/env bash
# Kept for old links: the REST point-query comparison is bench/compare.sh (same arguments: seconds per run, rounds).
exec "$(dirname "${BASH_SOURCE[0]}")/../compare.sh" "$@"
