#!/usr/bin/env bash
# Protocol conformance from outside: pytest-lsp, in a virtualenv of its own
# (tests/.cache/venv, made once), against the release `gloss` binary.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$repo/tests/.cache/venv"
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c "import pytest_lsp" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "pytest-lsp==1.0.1" "pytest-asyncio==1.5.0" "lsprotocol==2025.0.0" "pygls==2.1.1"
fi
(cd "$repo" && cargo build --release --quiet -p gloss)
cd "$repo/tests/protocol"
GLOSS_BIN="$repo/target/release/gloss" "$venv/bin/pytest" -q -p no:cacheprovider
