// The workspace check's arguments against the real `gwlint` binary (built by
// `cargo build`; GWLINT_BIN overrides the path).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

import { checkArgs, toServerSettings } from "../settings";
import { byFile, findingRange, parseFindings, splitLines } from "../workspaceCheck";

const bin = process.env.GWLINT_BIN ?? path.join(__dirname, "..", "..", "..", "..", "target", "debug", "gwlint");

test("gwlint check accepts the arguments and its ranges land on the text", () => {
  assert.ok(fs.existsSync(bin), `${bin} not found: run \`cargo build\` first or set GWLINT_BIN`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gwlint-vscode-"));
  fs.mkdirSync(path.join(dir, "sub"));
  fs.writeFileSync(path.join(dir, "sub", "a.txt"), "𠀀请XX局长和**县、某某同志参加。\r\n第二行X同志。\n");
  const { settings } = toServerSettings((k) => ({ allow: ["**县"], severity: { "placeholder.x": "warning" } })[k]);
  const stdout = execFileSync(bin, checkArgs(settings, ["."]), { cwd: dir, encoding: "utf8" });
  const { findings, bad } = parseFindings(stdout);
  assert.deepEqual(bad, []);
  const files = byFile(findings);
  assert.equal(files.size, 1);
  const [file, list] = [...files][0];
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  const lines = splitLines(text);
  const seen = list.map((f) => {
    const r = findingRange(f, lines);
    return [f.rule, f.severity, r.startLine, lines[r.startLine].slice(r.startCharacter, r.endCharacter)];
  });
  assert.deepEqual(seen, [
    ["placeholder.x", "warning", 0, "XX"],
    ["placeholder.x", "warning", 1, "X"],
  ]);
});
