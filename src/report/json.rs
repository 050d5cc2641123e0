//! `--format json`: JSON Lines, one object per finding (schema in the README).

use std::io::{self, Write};

use serde::Serialize;

use super::FileReport;

#[derive(Serialize)]
struct JsonFix<'a> {
    start: usize,
    end: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: Option<String>,
    line: Option<usize>,
    start: usize,
    end: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    matched: &'a str,
    replacements: Vec<&'a str>,
    fixes: Vec<JsonFix<'a>>,
    related: Vec<JsonRelated<'a>>,
    encoding: &'static str,
}

pub fn write(out: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    for report in reports {
        let index = report.line_index();
        for f in &report.findings {
            let loc = report.locate(&index, &f.span);
            let related = f
                .related
                .iter()
                .map(|r| JsonRelated {
                    file: r.file.as_ref().map(|p| p.display().to_string()),
                    line: r.line.or_else(|| {
                        r.file
                            .is_none()
                            .then(|| report.locate(&index, &r.span).line)
                    }),
                    start: r.span.start,
                    end: r.span.end,
                    message: &r.message,
                })
                .collect();
            let record = JsonFinding {
                file: &report.path,
                rule: &f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                start: f.span.start,
                end: f.span.end,
                line: loc.line,
                column: loc.column,
                end_line: loc.end_line,
                end_column: loc.end_column,
                matched: report.text.get(f.span.clone()).unwrap_or(""),
                replacements: f.fixes.iter().map(|x| x.replacement.as_str()).collect(),
                fixes: f
                    .fixes
                    .iter()
                    .map(|x| JsonFix {
                        start: x.span.start,
                        end: x.span.end,
                        replacement: &x.replacement,
                    })
                    .collect(),
                related,
                encoding: report.encoding.name(),
            };
            serde_json::to_writer(&mut *out, &record)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}
