#!/usr/bin/env bash
# End-to-end test of the extension in real VS Code (code-server 4.100.3)
# driven by Playwright in Debian's Chromium, on a copy of seeds/.
#
#   bash editors/vscode/test/run.sh
#
# Installs what it needs once (test/install.sh, into test/.cache), builds the
# extension and `gloss`, checks the grammar, then drives VS Code. Screenshots
# go to test/artifacts/. Whatever happens, it ends every process it started
# (code-server's process group: the extension host and the language server;
# Chromium). Time limits: GLOSS_E2E_TIMEOUT (seconds, default 300) for the
# session in VS Code, from starting code-server to the last check; 20
# minutes for building `gloss` (a cold build on two cores takes a few).
# GLOSS_BIN uses an already built `gloss` instead of building one.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$here/../.." && pwd)"
artifacts="$here/test/artifacts"
limit="${GLOSS_E2E_TIMEOUT:-300}"

T="$(mktemp -d)"
server_pgid=""
cleanup() {
  local rc=$?
  if [ -f "$T/chromium.pid" ]; then
    while read -r p; do
      [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true
    done <"$T/chromium.pid"
  fi
  if [ -n "$server_pgid" ]; then
    kill -TERM -- "-$server_pgid" 2>/dev/null || true
    for _ in 1 2 3 4 5; do kill -0 -- "-$server_pgid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$server_pgid" 2>/dev/null || true
  fi
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)
phase() { echo "# $1 ($(($(date +%s) - t0)) s)"; }

# Runs at the same time (tests/run.sh started twice) share
# test/.cache, node_modules and dist: one installs and builds at a time.
mkdir -p "$here/test/.cache"
exec 9>"$here/test/.cache/.build-lock"
flock 9
bash "$here/test/install.sh"
phase "installed"
t0=$(date +%s)

if [ -n "${GLOSS_BIN:-}" ]; then
  gloss="$GLOSS_BIN"
else
  (cd "$repo" && timeout 1200 cargo build --release --quiet -p gloss)
  gloss="$repo/target/release/gloss"
fi
phase "gloss built"
cd "$here"
# npm ci wipes node_modules; skip it when they were installed from this lockfile.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.gloss-lock 2>/dev/null)" != "$lock_sum" ]; then
  timeout 600 npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_sum" >node_modules/.gloss-lock
fi
npm run -s typecheck
npm run -s lint
npm run -s build
phase "extension built"
node test/grammar.mjs >"$T/grammar.log" || { cat "$T/grammar.log"; exit 1; }
tail -1 "$T/grammar.log" | sed 's/^/grammar: /'

mkdir -p "$T/home/.config" "$T/data/User" "$T/ext/gloss.gloss-0.1.0" "$T/ws" "$artifacts"
rm -f "$artifacts"/*.png
# The server through a wrapper that keeps its standard error as an artifact.
cat >"$T/gloss" <<SH
#!/bin/sh
exec "$gloss" "\$@" 2>>"$artifacts/server-stderr.log"
SH
chmod +x "$T/gloss"
: >"$artifacts/server-stderr.log"
cp -r "$repo/seeds/." "$T/ws/"
# The unpacked extension, as `code --install-extension` would leave it.
cp -r package.json README.md language-configuration.json syntaxes dist "$T/ext/gloss.gloss-0.1.0/"
flock -u 9
exec 9>&-
cat >"$T/data/User/settings.json" <<JSON
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "gloss.server.path": "$T/gloss",
  "gloss.diagnostics.debounceMs": 0
}
JSON

t1=$(date +%s)
port=$((20000 + RANDOM % 20000))
HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_DATA_HOME="$T/home/.local/share" \
  setsid node "$here/test/.cache/node_modules/code-server/out/node/entry.js" --bind-addr "127.0.0.1:$port" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$T/data" --extensions-dir "$T/ext" "$T/ws" >"$T/code-server.log" 2>&1 &
server_pgid=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 1
done
phase "code-server up on port $port"

left=$((limit - ($(date +%s) - t1)))
rc=0
GLOSS_E2E_TIMEOUT_MS=$((left * 1000)) GLOSS_E2E_BIN="$gloss" GLOSS_E2E_SETTINGS="$T/data/User/settings.json" timeout --kill-after=5 $((left + 10)) \
  node "$here/test/e2e.mjs" "$port" "$T/ws" "$artifacts" "$T/chromium.pid" || rc=$?
phase "checks done"
if [ "$rc" -ne 0 ]; then
  echo "code-server log (tail):"
  tail -20 "$T/code-server.log"
  echo "gloss stderr (tail):"
  tail -20 "$artifacts/server-stderr.log"
fi
exit "$rc"
