#!/usr/bin/env bash
# Headless tests of the Neovim plugin in real Neovim (Debian's 0.7.2,
# installed if missing), against the release `gloss` and the built parser.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$here/../.." && pwd)"
if ! command -v nvim >/dev/null; then
  apt-get update -qq && apt-get install -y -qq neovim >/dev/null
fi
(cd "$repo" && cargo build --release --quiet -p gloss)
bash "$here/build.sh"
ws="$(mktemp -d)"
trap 'rm -rf "$ws"' EXIT
cp -r "$repo/seeds/." "$ws/"
GLOSS_PLUGIN="$here" GLOSS_BIN="$repo/target/release/gloss" GLOSS_WS="$ws" \
  timeout 180 nvim --headless --clean -u NONE -c "luafile $here/test/test.lua"
