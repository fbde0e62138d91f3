#!/usr/bin/env bash
# Checks the grammar: the committed parser is what grammar.js generates (with
# the pinned CLI), tree-sitter's corpus and highlight tests pass, and the
# shared queries compile. Works from any directory; changes nothing in the
# repository (it works on a temporary copy).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$repo/tests/grammar/install-tree-sitter.sh"
export PATH="$HOME/.cargo/bin:$PATH"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A configuration of its own, so the CLI neither reads nor writes the user's.
export TREE_SITTER_DIR="$work/config"
tree-sitter init-config >/dev/null
# The same layout as the repository, so tree-sitter.json finds the queries.
mkdir -p "$work/server/syntax" "$work/queries"
cp -r "$repo/server/syntax/grammar" "$work/server/syntax/grammar"
cp -r "$repo/queries/gloss" "$work/queries/gloss"
grammar="$work/server/syntax/grammar"
bash "$grammar/generate.sh"

status=0
for f in src/parser.c src/grammar.json src/node-types.json src/tree_sitter/parser.h src/tree_sitter/alloc.h src/tree_sitter/array.h; do
  if ! cmp -s "$repo/server/syntax/grammar/$f" "$grammar/$f"; then
    echo "grammar: $f is not what grammar.js generates: run server/syntax/grammar/generate.sh and commit it" >&2
    status=1
  fi
done
if ! grep -q '^#define LANGUAGE_VERSION 14$' "$repo/server/syntax/grammar/src/parser.c"; then
  echo "grammar: src/parser.c is not ABI 14" >&2
  status=1
fi
[ "$status" = 0 ] || exit "$status"
echo "grammar: the committed parser matches grammar.js"

cd "$grammar"
# Corpus (test/corpus) and highlight assertions (test/highlight).
tree-sitter test
sample="$work/sample.gloss"
cat > "$sample" <<'SAMPLE'
{#doc date=2024-10-01}
[Putin]{@putin} [10,000]{claim=x src=@a,@b note="n"} {% c %} \[ [bad]{%%}
[open]{@x
SAMPLE
for q in "$work"/queries/gloss/*.scm; do
  tree-sitter query "$q" "$sample" >/dev/null
  echo "grammar: queries/gloss/$(basename "$q") compiles"
done
