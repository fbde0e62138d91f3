#!/usr/bin/env bash
# Runs each fuzz target of fuzz/ briefly, from its committed seed corpus
# (fuzz/corpus/<target>/), and fails on the first crash, hang or leak.
#
#   bash tests/fuzz/run.sh                  # every target, 25 s each
#   FUZZ_SECONDS=600 bash tests/fuzz/run.sh analysis
#
# FUZZ_SECONDS: seconds per target (default 25: four targets in 100 s,
# not counting the build). Installs cargo-fuzz if it is missing. Uses the
# nightly toolchain (with AddressSanitizer) when there is one, else (or
# with FUZZ_NIGHTLY=0) stable with RUSTC_BOOTSTRAP=1 and no sanitizer.
# New inputs go to a scratch corpus, not to the committed one; a crash is
# saved under fuzz/artifacts/<target>/ and the script says how to
# reproduce it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
seconds="${FUZZ_SECONDS:-25}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(analysis value registry lsp)
fi

say() { printf 'fuzz: %s\n' "$*" >&2; }

# cargo-fuzz, once.
if ! cargo fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

# A toolchain: nightly if installed, else stable made to accept the
# unstable flags cargo-fuzz passes, without a sanitizer (ASan needs nightly).
toolchain=()
sanitizer=()
if [ "${FUZZ_NIGHTLY:-}" != 0 ] && command -v rustup >/dev/null 2>&1 && rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=(+nightly)
    say "nightly toolchain, AddressSanitizer"
else
    export RUSTC_BOOTSTRAP=1
    sanitizer=(--sanitizer none)
    say "no nightly toolchain: stable with RUSTC_BOOTSTRAP=1, no sanitizer"
fi

cd "$repo/fuzz"
for target in "${targets[@]}"; do
    say "building $target"
    cargo ${toolchain[@]+"${toolchain[@]}"} fuzz build ${sanitizer[@]+"${sanitizer[@]}"} "$target"
done

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()
for target in "${targets[@]}"; do
    mkdir -p "$scratch/$target" "artifacts/$target"
    say "running $target for ${seconds}s"
    log="$scratch/$target.log"
    # -timeout: an input that takes a minute is a hang, and fails the run.
    if cargo ${toolchain[@]+"${toolchain[@]}"} fuzz run ${sanitizer[@]+"${sanitizer[@]}"} "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=60 -print_final_stats=1 >"$log" 2>&1; then
        runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
        say "$target: no crash in ${runs:-?} runs"
    else
        failed+=("$target")
        tail -n 40 "$log" >&2
        say "$target CRASHED: the input is under fuzz/artifacts/$target/; reproduce with"
        say "  cd fuzz && cargo ${toolchain[*]} fuzz run ${sanitizer[*]} $target fuzz/artifacts/$target/<file>"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    say "failed: ${failed[*]}"
    exit 1
fi
say "every target ran ${seconds}s without a crash: ${targets[*]}"
