#!/usr/bin/env bash
# Regenerates src/parser.c, src/grammar.json and src/node-types.json from
# grammar.js (ABI 14, so Neovim 0.7 and Helix load it). Needs no Node.
set -euo pipefail
cd "$(dirname "$0")"
tree-sitter generate --abi 14 --js-runtime native
