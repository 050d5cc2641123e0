//! `file:line:col: severity[rule-id]: message`, then an excerpt of the source line
//! with the span underlined (CJK characters are two columns wide).

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::FileReport;
use crate::finding::Severity;
use crate::position::floor_char_boundary;

/// Characters of context shown on each side of a span: 公文 paragraphs are often
/// hundreds of characters long, and a whole line would bury the underline.
const CONTEXT_CHARS: usize = 24;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    fn severity(&self, sev: Severity) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
            Severity::Hint => "1;34",
        };
        self.paint(code, sev.as_str())
    }
}

pub fn write(out: &mut dyn Write, reports: &[FileReport], color: bool) -> io::Result<()> {
    let style = Style { on: color };
    let mut counts = [0usize; 4];
    let mut files_with_findings = 0;
    for report in reports {
        if report.encoding.is_notable() {
            writeln!(out, "{}: note: decoded as {}", report.path, report.encoding)?;
        }
        if report.findings.is_empty() {
            continue;
        }
        files_with_findings += 1;
        let index = report.line_index();
        for f in &report.findings {
            counts[f.severity as usize] += 1;
            let loc = report.locate(&index, &f.span);
            writeln!(
                out,
                "{}:{}:{}: {}[{}]: {}",
                style.paint("1", &report.path),
                loc.line,
                loc.column,
                style.severity(f.severity),
                f.rule,
                f.message
            )?;
            let line_range = index.line_range(&report.text, loc.line - 1);
            let line = &report.text[line_range.clone()];
            let span_start =
                f.span.start.clamp(line_range.start, line_range.end) - line_range.start;
            let span_end = f.span.end.clamp(line_range.start, line_range.end) - line_range.start;
            let (excerpt, pad, width) = excerpt(line, span_start, span_end);
            writeln!(out, "    {excerpt}")?;
            writeln!(
                out,
                "    {}{}",
                " ".repeat(pad),
                style.paint("1;32", &"^".repeat(width.max(1)))
            )?;
            if !f.fixes.is_empty() {
                let fixes: Vec<String> = f
                    .fixes
                    .iter()
                    .map(|x| {
                        if x.replacement.is_empty() {
                            "删除".to_owned()
                        } else {
                            format!("“{}”", x.replacement.replace('\n', "↵"))
                        }
                    })
                    .collect();
                writeln!(out, "    = 建议：{}", fixes.join(" 或 "))?;
            }
            for rel in &f.related {
                writeln!(out, "    = {}", rel.message)?;
            }
        }
    }
    let total: usize = counts.iter().sum();
    if total > 0 {
        writeln!(
            out,
            "{} finding(s) in {} file(s): {} error, {} warning, {} info, {} hint",
            total,
            files_with_findings,
            counts[Severity::Error as usize],
            counts[Severity::Warning as usize],
            counts[Severity::Info as usize],
            counts[Severity::Hint as usize],
        )?;
    }
    Ok(())
}

/// A window of `line` around `start..end` (byte offsets into `line`), with the
/// display column where the span begins and its display width.
fn excerpt(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let start = floor_char_boundary(line, start);
    let end = floor_char_boundary(line, end.max(start));
    let before: Vec<(usize, char)> = line[..start].char_indices().collect();
    let from = if before.len() > CONTEXT_CHARS {
        before[before.len() - CONTEXT_CHARS].0
    } else {
        0
    };
    let to = line[end..]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(line.len(), |(i, _)| end + i);
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < line.len() { "…" } else { "" };
    let shown_before = format!("{lead}{}", &line[from..start]);
    let excerpt = format!("{shown_before}{}{tail}", &line[start..to]);
    let excerpt = excerpt.replace('\t', " ");
    (
        excerpt,
        shown_before.replace('\t', " ").width(),
        line[start..end].width(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underline_accounts_for_double_width() {
        let (text, pad, width) = excerpt("目前正在吐火如荼开展", 12, 24);
        assert_eq!(text, "目前正在吐火如荼开展");
        assert_eq!((pad, width), (8, 8));
    }

    #[test]
    fn long_lines_are_windowed() {
        let line = "甲".repeat(100) + "布臵" + &"乙".repeat(100);
        let (text, pad, width) = excerpt(&line, 300, 306);
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert_eq!(pad, 1 + 2 * CONTEXT_CHARS);
        assert_eq!(width, 4);
    }
}
