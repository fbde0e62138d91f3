#!/usr/bin/env bash
# Installs the tree-sitter CLI the parser was generated with, if it is not
# there already. Idempotent; takes ~4 minutes the first time.
set -euo pipefail
want=0.27.1
export PATH="$HOME/.cargo/bin:$PATH"
if command -v tree-sitter >/dev/null && tree-sitter --version | grep -q "tree-sitter $want"; then
  exit 0
fi
cargo install tree-sitter-cli --locked --version "$want"
