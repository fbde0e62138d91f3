#!/usr/bin/env bash
# Instructions `gloss check --no-cache --format json` executes on the
# benchmark's workspace, counted by callgrind: the same count for the same
# binary and input whatever else the machine is doing, so two builds can be
# compared on a shared machine whose speed moves by 20 to 30% within an hour.
# Counts user-space instructions only: the kernel's work (reading files,
# zeroing fresh memory) is not in it; time that with gloss-bench.
#
#   bash tests/perf/instructions.sh            # 20,000 documents
#   PERF_DOCUMENTS=2000 bash tests/perf/instructions.sh
#   PERF_GLOSS=/path/to/other/gloss bash tests/perf/instructions.sh
#
# Prints the total and the functions that execute most (their own
# instructions, inlined code included). Needs valgrind. Takes about 30 s
# at 20,000 documents.
set -euo pipefail
cd "$(dirname "$0")/../.."
documents="${PERF_DOCUMENTS:-20000}"
command -v valgrind > /dev/null || { echo "instructions.sh: valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
cargo build --profile dist --locked -p gloss -p gloss-bench
gloss="$(realpath "${PERF_GLOSS:-target/dist/gloss}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target/dist/gloss-bench --corpus "$work/corpus" --documents "$documents" 2> /dev/null
# gloss check exits 1 when it finds errors (the corpus has conflicts on
# purpose); 2 is a failure to run.
status=0
(cd "$work/corpus" && valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$gloss" check --no-cache --format json . > /dev/null 2> "$work/valgrind.log") || status=$?
if [ "$status" -gt 1 ] || ! grep -q "I   refs" "$work/valgrind.log"; then
    cat "$work/valgrind.log" >&2
    exit 1
fi
echo "gloss check --no-cache --format json, $documents documents: $(grep -o 'I   refs: *[0-9,]*' "$work/valgrind.log" | tr -s ' ' | cut -d' ' -f3) instructions"
callgrind_annotate --inclusive=no "$work/callgrind.out" 2> /dev/null | sed -n '/^Ir/,$p' | grep -E '^ *[0-9,]+ \(' | grep -v 'PROGRAM TOTALS' | head -15
