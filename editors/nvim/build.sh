#!/usr/bin/env bash
# Builds the tree-sitter parser (parser/gloss.so) and copies the shared
# queries, so Neovim finds both on the runtimepath. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
grammar="$here/../../server/syntax/grammar/src"
mkdir -p "$here/parser" "$here/queries/gloss"
cc -shared -fPIC -O2 -I "$grammar" "$grammar/parser.c" "$grammar/scanner.c" -o "$here/parser/gloss.so"
cp "$here/../../queries/gloss/"*.scm "$here/queries/gloss/"
