#!/usr/bin/env bash
# Installs what the end-to-end test needs, idempotently: Debian's Chromium
# and ripgrep, code-server 4.100.3 (VS Code 1.100.3) and playwright-core,
# under test/.cache.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$here/.cache"
mkdir -p "$cache"
if ! command -v chromium >/dev/null || ! command -v rg >/dev/null || [ ! -e /usr/include/krb5.h ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends libkrb5-dev ripgrep chromium fonts-dejavu-core >/dev/null
fi
installed() { node -p "require('$cache/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ "$(installed code-server)" != 4.100.3 ] || [ "$(installed playwright-core)" != 1.65.1 ]; then
  tmp="$cache/tmp"
  # @vscode/ripgrep's postinstall downloads rg: give it Debian's in its cache.
  rgcache="$tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rgcache" "$tmp/rgtar"
  cp /usr/bin/rg "$tmp/rgtar/"
  tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp/rgtar" rg
  cd "$cache"
  [ -f package.json ] || echo '{"name": "gloss-vscode-e2e", "private": true}' > package.json
  TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --save-exact --foreground-scripts code-server@4.100.3 playwright-core@1.65.1 >/dev/null
fi
