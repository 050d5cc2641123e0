// Turning `gwlint check --format json` output into editor ranges. Pure, so the
// column arithmetic (code points in, UTF-16 out) is unit-tested.

export interface JsonFinding {
  file: string;
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  matched: string;
  replacements: string[];
  encoding?: string;
}

export interface Range {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/** Parses JSON Lines; returns the findings and the lines that were not findings. */
export function parseFindings(output: string): { findings: JsonFinding[]; bad: string[] } {
  const findings: JsonFinding[] = [];
  const bad: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === "") {
      continue;
    }
    try {
      const value = JSON.parse(line);
      if (typeof value?.file === "string" && typeof value?.line === "number") {
        findings.push(value as JsonFinding);
      } else {
        bad.push(line);
      }
    } catch {
      bad.push(line);
    }
  }
  return { findings, bad };
}

/** UTF-16 offset of 1-based code-point column `column` in `lineText`. */
export function utf16Column(lineText: string, column: number): number {
  let units = 0;
  let points = 1;
  for (const ch of lineText) {
    if (points >= column) {
      return units;
    }
    units += ch.length;
    points += 1;
  }
  // Past the end (the end of a span at the line end): count what is left.
  return units + Math.max(0, column - points);
}

/** Zero-based UTF-16 range of a finding, given the file's lines. */
export function findingRange(f: JsonFinding, lines: string[]): Range {
  const startLine = f.line - 1;
  const endLine = f.end_line - 1;
  return {
    startLine,
    startCharacter: utf16Column(lines[startLine] ?? "", f.column),
    endLine,
    endCharacter: utf16Column(lines[endLine] ?? "", f.end_column),
  };
}

/** Splits text into lines the way gwlint counts them (LF or CRLF). */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** Groups findings by file. */
export function byFile(findings: JsonFinding[]): Map<string, JsonFinding[]> {
  const map = new Map<string, JsonFinding[]>();
  for (const f of findings) {
    const list = map.get(f.file) ?? [];
    list.push(f);
    map.set(f.file, list);
  }
  return map;
}

/** Node's TextDecoder label for gwlint's `encoding` field. */
export function decoderLabel(encoding: string | undefined): string {
  const e = (encoding ?? "UTF-8").toUpperCase();
  if (e.startsWith("UTF-16LE")) return "utf-16le";
  if (e.startsWith("UTF-16BE")) return "utf-16be";
  if (e.startsWith("GB18030") || e.startsWith("GBK")) return "gb18030";
  return "utf-8";
}
