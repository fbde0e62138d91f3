#!/usr/bin/env bash
# The HTML report of the seed corpus, rendered in headless Chromium.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bash "$repo/editors/vscode/test/install.sh"
(cd "$repo" && cargo build --release --quiet -p gloss)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$repo/target/release/gloss" report "$repo/seeds" -o "$out/report.html"
node "$repo/tests/report/render.mjs" "$out/report.html" "$repo/tests/report/artifacts"
