#!/usr/bin/env bash
# Installs the tree-sitter CLI that server/syntax/grammar/src was generated
# with, unless `tree-sitter --version` already reports it. Idempotent. Takes
# some minutes the first time (it builds from crates.io; the npm package
# downloads binaries and is not used).
set -euo pipefail
want=0.27.1
export PATH="$HOME/.cargo/bin:$PATH"
have="$(tree-sitter --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" = "$want" ]; then
  exit 0
fi
echo "tree-sitter-cli: have '${have:-none}', installing $want" >&2
cargo install tree-sitter-cli --locked --version "$want"
