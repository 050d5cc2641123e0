#!/usr/bin/env bash
# Headless Neovim end-to-end test of the gwlint plugin and the real `gwlint lsp`.
#   editors/nvim/test/run.sh [STEP...]       (default: the steps that must pass now)
# Env: NVIM (default `nvim`), GWLINT_BIN (default target/debug/gwlint; build it first).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
nvim_bin="${NVIM:-nvim}"
gwlint_bin="${GWLINT_BIN:-$root/target/debug/gwlint}"

default_steps=(diagnostics typos edit code_action symbols)
steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then
  steps=("${default_steps[@]}")
fi

if [ ! -x "$gwlint_bin" ]; then
  echo "nvim e2e: $gwlint_bin not found; run cargo build first" >&2
  exit 2
fi
echo "nvim e2e: $("$nvim_bin" --version | head -1), $gwlint_bin"

passed=0
failed=0
for step in "${steps[@]}"; do
  project="$(mktemp -d)"
  cp "$root/tests/fixtures/corpus/000_b6ef4dbc6134b96b.txt" "$project/"
  chmod u+w "$project/000_b6ef4dbc6134b96b.txt" # the corpus is read-only; the test edits

  # A project rule pack with a dictionary rule, so a quick fix exists.
  printf 'packs = ["terms.toml"]\n' > "$project/.gwlint.toml"
  cat > "$project/terms.toml" <<'TOML'
[[rule]]
id = "terms"
kind = "dictionary"
severity = "warning"
summary = "本单位规范用语"
message = "请写作“{replacement}”"
explain = "单位名称要写全称。"
examples.bad = ["县城管局"]
examples.good = ["县城市管理局"]
[rule.entries]
"县城管局" = "县城市管理局"
TOML
  if GWLINT_BIN="$gwlint_bin" GWLINT_E2E_DIR="$project" GWLINT_E2E_STEP="$step" \
    timeout 90 "$nvim_bin" --headless -u NONE -i NONE -n \
      --cmd "set rtp^=$root/editors/nvim" \
      -c "luafile $here/e2e.lua" </dev/null; then
    echo "ok - $step"
    passed=$((passed + 1))
  else
    echo "not ok - $step"
    failed=$((failed + 1))
  fi
  rm -rf "$project"
done
echo "nvim-e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
