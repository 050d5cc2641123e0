#!/usr/bin/env bash
# Regenerates docs/neovim-gwlint.png: real Neovim with the gwlint plugin and the real
# `gwlint lsp`, running in tmux; the screen is captured with its colours
# (`capture-pane -e`), turned into HTML (ansi2html.py) and rendered by headless Chromium.
#
# Needs: apt-get install -y neovim tmux chromium fonts-noto-cjk; `cargo build`.
# Env: NVIM (default nvim), GWLINT_BIN (default target/debug/gwlint), OUT (default docs/neovim-gwlint.png).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
nvim_bin="${NVIM:-nvim}"
gwlint_bin="${GWLINT_BIN:-$root/target/debug/gwlint}"
out="${OUT:-$root/docs/neovim-gwlint.png}"
cols=104
rows=20
socket="gwlint-shot-$$"

work="$(mktemp -d)"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/项目"
cp "$root/examples/speech.txt" "$work/项目/讲话稿.txt"
printf '# gwlint project config\n' > "$work/项目/.gwlint.toml"
cat > "$work/init.lua" <<LUA
vim.opt.rtp:prepend('$root/editors/nvim')
vim.cmd('filetype on')
vim.opt.number = true
vim.opt.signcolumn = 'yes'
vim.opt.laststatus = 2
vim.opt.shortmess:append('I')
vim.diagnostic.config({ virtual_text = true, underline = true, signs = true, severity_sort = true })
require('gwlint').setup({ cmd = { '$gwlint_bin', 'lsp' } })
LUA
printf 'set -g default-terminal "tmux-256color"\nset -as terminal-features ",*:RGB"\nset -g status off\n' > "$work/tmux.conf"

tmux -L "$socket" -f "$work/tmux.conf" new-session -d -x "$cols" -y "$rows" \
  "cd '$work/项目' && '$nvim_bin' -u '$work/init.lua' -i NONE -n 讲话稿.txt"
# Wait for the findings (virtual text on line 3), then open the message float there.
for _ in $(seq 1 100); do
  if tmux -L "$socket" capture-pane -p | grep -q '未填写'; then
    break
  fi
  sleep 0.1
done
tmux -L "$socket" send-keys '/XX' Enter
sleep 0.3
tmux -L "$socket" send-keys ':lua vim.diagnostic.open_float()' Enter
sleep 0.8
tmux -L "$socket" capture-pane -e -p > "$work/screen.ansi"
grep -q '未填写' "$work/screen.ansi" || { echo "no gwlint findings on screen" >&2; cat "$work/screen.ansi" >&2; exit 1; }

python3 "$here/ansi2html.py" "$work/screen.ansi" "gwlint in Neovim" > "$work/screen.html"
# The page: 15px font, Latin cells 7.5px wide, lines 1.35 high, 10/12px padding.
width=$(( cols * 15 / 2 + 40 ))
height=$(( rows * 1350 * 15 / 1000 / 1 + 20 ))
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$work/chromium" \
  --screenshot="$out" --window-size="$width,$height" "file://$work/screen.html" 2>/dev/null
echo "wrote $out (${width}x${height})"
