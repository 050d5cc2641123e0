#!/usr/bin/env python3
"""Turns `tmux capture-pane -e -p` output (text with SGR escapes) into an HTML page
that shows the terminal as it was: colours, bold, underline, reverse video. CJK
characters take two cells, so the page uses a monospace font whose CJK glyphs are
exactly twice as wide as its Latin ones (Noto Sans Mono CJK)."""

import html
import re
import sys

# xterm's 16 colours, then the 6x6x6 cube and the grey ramp.
BASE16 = [
    "#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
    "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
]


def color256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    g = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (g, g, g)


DEFAULT_FG = "#d0d0d0"
DEFAULT_BG = "#1c1c1c"


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = False
        self.italic = False
        self.underline = None  # None, "underline" or "wavy"
        self.ul_color = None
        self.reverse = False

    def apply(self, params):
        codes = params.split(";") if params else ["0"]
        i = 0
        while i < len(codes):
            c = codes[i]
            sub = None
            if ":" in c:
                c, sub = c.split(":", 1)
            n = int(c) if c.isdigit() else 0
            if n == 0:
                self.reset()
            elif n == 1:
                self.bold = True
            elif n == 3:
                self.italic = True
            elif n == 4:
                self.underline = "wavy" if sub == "3" else (None if sub == "0" else "underline")
            elif n == 7:
                self.reverse = True
            elif n == 22:
                self.bold = False
            elif n == 23:
                self.italic = False
            elif n == 24:
                self.underline = None
            elif n == 27:
                self.reverse = False
            elif 30 <= n <= 37:
                self.fg = BASE16[n - 30]
            elif 90 <= n <= 97:
                self.fg = BASE16[n - 90 + 8]
            elif 40 <= n <= 47:
                self.bg = BASE16[n - 40]
            elif 100 <= n <= 107:
                self.bg = BASE16[n - 100 + 8]
            elif n == 39:
                self.fg = None
            elif n == 49:
                self.bg = None
            elif n == 59:
                self.ul_color = None
            elif n in (38, 48, 58) and i + 1 < len(codes):
                if codes[i + 1] == "5" and i + 2 < len(codes):
                    value = color256(int(codes[i + 2]))
                    i += 2
                elif codes[i + 1] == "2" and i + 4 < len(codes):
                    value = "#%02x%02x%02x" % tuple(int(x) for x in codes[i + 2:i + 5])
                    i += 4
                else:
                    value = None
                if n == 38:
                    self.fg = value
                elif n == 48:
                    self.bg = value
                else:
                    self.ul_color = value
            i += 1

    def css(self):
        fg, bg = self.fg or DEFAULT_FG, self.bg
        if self.reverse:
            fg, bg = (bg or DEFAULT_BG), fg
        parts = ["color:" + fg]
        if bg:
            parts.append("background:" + bg)
        if self.bold:
            parts.append("font-weight:bold")
        if self.italic:
            parts.append("font-style:italic")
        if self.underline:
            style = "wavy" if self.underline == "wavy" else "solid"
            parts.append("text-decoration:underline " + style + " " + (self.ul_color or fg))
        return ";".join(parts)


SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|[()][A-Z0-9])")


def convert(text, title):
    style = Style()
    out = []
    for line in text.rstrip("\n").split("\n"):
        line = OTHER.sub(lambda m: m.group(0) if m.group(0).endswith("m") and m.group(0).startswith("\x1b[") else "", line)
        pos = 0
        spans = []
        for m in SGR.finditer(line):
            if m.start() > pos:
                spans.append((style.css(), line[pos:m.start()]))
            style.apply(m.group(1))
            pos = m.end()
        if pos < len(line):
            spans.append((style.css(), line[pos:]))
        out.append("".join('<span style="%s">%s</span>' % (css, html.escape(t)) for css, t in spans))
        # Styles carry over lines in tmux output only until reset; keep state.
    body = "\n".join(out)
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
html, body {{ margin: 0; background: {DEFAULT_BG}; }}
pre {{ margin: 0; padding: 10px 12px; font-family: "Noto Sans Mono CJK SC", "Noto Sans Mono", monospace;
      font-size: 15px; line-height: 1.35; color: {DEFAULT_FG}; white-space: pre; }}
</style></head>
<body><pre>{body}</pre></body></html>
"""


if __name__ == "__main__":
    src = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    sys.stdout.write(convert(src, sys.argv[2] if len(sys.argv) > 2 else "terminal"))
