//! `--format sarif`: SARIF 2.1.0, for code-scanning dashboards.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::FileReport;
use crate::finding::Severity;
use crate::RuleSet;

pub fn write(out: &mut dyn Write, reports: &[FileReport], rules: &RuleSet) -> io::Result<()> {
    let rule_meta: Vec<Value> = rules
        .rules()
        .iter()
        .map(|r| {
            let mut meta = json!({
                "id": &*r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.explain.as_deref().unwrap_or(&r.summary) },
                "defaultConfiguration": { "level": level(r.severity) },
            });
            if let Some(link) = rules.docs_link(&r.id) {
                meta["helpUri"] = json!(link);
            }
            meta
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let index = report.line_index();
        for f in &report.findings {
            let loc = report.locate(&index, &f.span);
            let fixes: Vec<Value> = f
                .fixes
                .iter()
                .take(1)
                .map(|x| {
                    let l = report.locate(&index, &x.span);
                    json!({
                        "description": { "text": "gwlint fix" },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": report.path },
                            "replacements": [{
                                "deletedRegion": {
                                    "startLine": l.line, "startColumn": l.column,
                                    "endLine": l.end_line, "endColumn": l.end_column
                                },
                                "insertedContent": { "text": x.replacement }
                            }]
                        }]
                    })
                })
                .collect();
            results.push(json!({
                "ruleId": &*f.rule,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": report.path },
                        "region": {
                            "startLine": loc.line, "startColumn": loc.column,
                            "endLine": loc.end_line, "endColumn": loc.end_column
                        }
                    }
                }],
                "fixes": fixes,
            }));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "gwlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/gwlint/gwlint",
                "rules": rule_meta,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}
