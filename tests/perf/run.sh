#!/usr/bin/env bash
# The performance suite: the binaries users install (the `dist` profile,
# release optimised across crates), then gloss-bench on a generated
# workspace of PERF_DOCUMENTS documents (default 20,000), its table written
# into docs/performance.md. Not part of tests/run.sh: it measures, it does
# not pass or fail on timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
documents="${PERF_DOCUMENTS:-20000}"
cargo build --profile dist --locked -p gloss -p gloss-bench
target/dist/gloss-bench --documents "$documents" --write docs/performance.md
