#!/usr/bin/env bash
# The committed parser matches grammar.js, tree-sitter's corpus tests pass,
# and the shared queries compile against the grammar.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bash "$repo/tests/grammar/install-tree-sitter.sh"
export PATH="$HOME/.cargo/bin:$PATH"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A cache of compiled parsers of our own: the shared one (~/.cache/tree-sitter)
# may hold a parser built from another checkout of the grammar.
export XDG_CACHE_HOME="$work/cache"
cp -r "$repo/server/syntax/grammar" "$work/grammar"
(cd "$work/grammar" && bash generate.sh)
for f in src/parser.c src/grammar.json src/node-types.json src/tree_sitter/parser.h; do
  if ! cmp -s "$repo/server/syntax/grammar/$f" "$work/grammar/$f"; then
    echo "grammar: $f is not what grammar.js generates: run server/syntax/grammar/generate.sh and commit" >&2
    exit 1
  fi
done
echo "grammar: committed parser matches grammar.js"

cd "$repo/server/syntax/grammar"
tree-sitter test --rebuild
sample="$work/sample.gloss"
cat > "$sample" <<'SAMPLE'
{#doc date=2024-10-01}
[Putin]{@putin} [10,000]{claim=x src=@a,@b note="n"} {% c %} \[ [bad]{%%}
SAMPLE
for q in "$repo"/queries/gloss/*.scm; do
  tree-sitter query "$q" "$sample" >/dev/null
  echo "grammar: $(basename "$q") compiles"
done
