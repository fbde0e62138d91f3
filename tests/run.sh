#!/usr/bin/env bash
# Every test of the project, from a fresh clone: `bash tests/run.sh`.
# Installs what the tests need (idempotently) and runs, in order:
#   1. the Rust workspace's tests (unit, fixture, property and end-to-end),
#   2. the grammar check (the committed parser matches grammar.js; tree-sitter's own corpus tests),
#   3. the CLI on the seed corpus against its expected output.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "cargo test (workspace)"
cargo test --workspace --locked

if [ -x tests/grammar/check.sh ]; then
  step "grammar"
  bash tests/grammar/check.sh
fi

for extra in tests/protocol/run.sh editors/vscode/test/run.sh editors/nvim/test/run.sh; do
  if [ -f "$extra" ]; then
    step "$extra"
    bash "$extra"
  fi
done
