import assert from "node:assert/strict";
import { test } from "node:test";

import { byFile, decoderLabel, findingRange, JsonFinding, parseFindings, splitLines, utf16Column } from "../workspaceCheck";

function finding(line: number, column: number, endLine: number, endColumn: number): JsonFinding {
  return { file: "a.txt", rule: "placeholder.x", severity: "error", message: "m", line, column, end_line: endLine, end_column: endColumn, matched: "", replacements: [] };
}

test("code-point columns become UTF-16 columns past non-BMP characters", () => {
  const line = "𠀀刚才，XX局长😀讲话";
  assert.equal(utf16Column(line, 1), 0);
  assert.equal(utf16Column(line, 2), 2); // after 𠀀 (two UTF-16 units)
  assert.equal(utf16Column(line, 5), 5); // the X of XX
  assert.equal(utf16Column(line, 10), 11); // after 😀
  // The end column of a span at the end of the line.
  assert.equal(utf16Column("XX", 3), 2);
  assert.deepEqual(findingRange(finding(1, 5, 1, 7), [line]), { startLine: 0, startCharacter: 5, endLine: 0, endCharacter: 7 });
});

test("gwlint check JSON lines are parsed; anything else is kept aside", () => {
  const out =
    '{"file":"a.txt","rule":"placeholder.x","severity":"error","message":"m","start":0,"end":1,"line":1,"column":1,"end_line":1,"end_column":2,"matched":"X","replacements":[],"fixes":[],"related":[],"encoding":"UTF-8"}\n' +
    "warning: something\n\n" +
    '{"file":"b.md","rule":"typo","severity":"warning","message":"m","line":2,"column":3,"end_line":2,"end_column":5,"matched":"布臵","replacements":["布置"]}\r\n';
  const { findings, bad } = parseFindings(out);
  assert.equal(findings.length, 2);
  assert.deepEqual(bad, ["warning: something"]);
  assert.deepEqual([...byFile(findings).keys()], ["a.txt", "b.md"]);
});

test("lines split like gwlint counts them: CRLF, LF, a BOM", () => {
  assert.deepEqual(splitLines("\ufeff一\r\n二\n三"), ["一", "二", "三"]);
});

test("the reported encoding picks the decoder", () => {
  assert.equal(decoderLabel("GB18030"), "gb18030");
  assert.equal(decoderLabel("UTF-16LE"), "utf-16le");
  assert.equal(decoderLabel("UTF-8 (BOM)"), "utf-8");
  assert.equal(decoderLabel(undefined), "utf-8");
  // Node decodes what gwlint reports as GB18030.
  const gbk = new Uint8Array([0xb2, 0xbc, 0xd6, 0xc3]); // 布置
  assert.equal(new TextDecoder(decoderLabel("GB18030")).decode(gbk), "布置");
});
