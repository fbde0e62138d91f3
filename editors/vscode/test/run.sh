#!/usr/bin/env bash
# End-to-end test of the extension in real VS Code (code-server 4.100.3)
# driven by Playwright in Debian's Chromium, on a copy of seeds/. Installs
# what it needs (test/install.sh), and stops every process it started.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$here/../.." && pwd)"
bash "$here/test/install.sh"
(cd "$repo" && cargo build --release --quiet -p gloss)
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run -s typecheck && npm run -s lint && npm run -s build)

T="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null || true; sleep 1; kill -KILL -- "-$pid" 2>/dev/null || true; fi
  rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/home/.config" "$T/data/User" "$T/ext/gloss.gloss-0.1.0" "$T/ws" "$here/test/artifacts"
# The server through a wrapper that keeps its standard error as an artifact.
cat > "$T/gloss" <<SH
#!/bin/sh
exec "$repo/target/release/gloss" "\$@" 2>>"$here/test/artifacts/server-stderr.log"
SH
chmod +x "$T/gloss"
: > "$here/test/artifacts/server-stderr.log"
cp -r "$repo/seeds/." "$T/ws/"
cp -r "$here/package.json" "$here/language-configuration.json" "$here/syntaxes" "$here/dist" "$T/ext/gloss.gloss-0.1.0/"
cat > "$T/data/User/settings.json" <<JSON
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "gloss.server.path": "$T/gloss",
  "gloss.diagnostics.debounceMs": 0
}
JSON
port=$((20000 + RANDOM % 20000))
HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_DATA_HOME="$T/home/.local/share" \
  setsid node "$here/test/.cache/node_modules/code-server/out/node/entry.js" --bind-addr "127.0.0.1:$port" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$T/data" --extensions-dir "$T/ext" "$T/ws" >"$T/code-server.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 1
done
artifacts="$here/test/artifacts"
timeout 420 node "$here/test/e2e.mjs" "$port" "$T/ws" "$artifacts" || { echo "code-server log:"; tail -20 "$T/code-server.log"; exit 1; }
