#!/usr/bin/env bash
# Regenerates src/parser.c, src/grammar.json, src/node-types.json and
# src/tree_sitter/*.h from grammar.js: ABI 14 (so Neovim 0.7 and later and
# Helix load it), with tree-sitter's own JavaScript runtime (no Node).
# Works from any directory; regenerates the grammar directory it lives in.
# The CLI version is pinned by tests/grammar/install-tree-sitter.sh.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
cd "$(dirname "${BASH_SOURCE[0]}")"
tree-sitter generate --abi 14 --js-runtime native
