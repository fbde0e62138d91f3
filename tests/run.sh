#!/usr/bin/env bash
# Every test of the project, from a fresh clone: `bash tests/run.sh`.
# Installs what the tests need (idempotently) and runs, in order:
#   0. the formatting check (rustfmt, as rustfmt.toml sets it),
#   1. the Rust workspace's tests (unit, fixture, property and end-to-end),
#      and the hostile-input tests again in release, at full size,
#   2. the grammar check (the committed parser matches grammar.js; tree-sitter's own corpus tests),
#      and each fuzz target briefly (tests/fuzz/run.sh, FUZZ_SECONDS each, default 25),
#   3. the language server from outside (pytest-lsp), the HTML report in
#      headless Chromium, the Neovim plugin in real Neovim, the VS Code
#      extension in real VS Code (code-server).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check
(cd fuzz && cargo fmt --check)

step "cargo test (workspace)"
cargo test --workspace --locked

if [ -x tests/grammar/check.sh ]; then
  step "grammar"
  bash tests/grammar/check.sh
fi

# The debug build above runs the biggest hostile cases at a tenth of their
# size; the release build runs them whole (a 50 MB document, a 10 MB line).
step "hostile input at full size (release)"
cargo test --release --locked -p gloss-lsp --test hostile

step "tests/fuzz/run.sh"
bash tests/fuzz/run.sh

for extra in tests/protocol/run.sh tests/report/run.sh editors/nvim/test/run.sh editors/vscode/test/run.sh; do
  step "$extra"
  bash "$extra"
done
