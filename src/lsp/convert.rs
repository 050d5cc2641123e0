//! Findings → LSP: diagnostics, quick fixes, "fix all", hover text.

use std::collections::HashMap;

use tower_lsp::lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, DiagnosticTag, Hover, HoverContents, Location, MarkupContent, MarkupKind,
    NumberOrString, TextEdit, Url, WorkspaceEdit,
};

use super::text::PositionMap;
use crate::config::project::docs_link;
use crate::config::RuleSpec;
use crate::finding::{Finding, Severity};

pub fn severity(sev: Severity) -> DiagnosticSeverity {
    match sev {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// `docs` is the project's `docs_url` template, if any.
pub fn diagnostic(f: &Finding, map: &PositionMap<'_>, uri: &Url, docs: Option<&str>) -> Diagnostic {
    diagnostic_in(
        f,
        map.range(&f.span),
        |span| Some(map.range(span)),
        uri,
        docs,
    )
}

/// A finding as a diagnostic at `range`; `range_of` places related spans in the
/// same document (`None` drops them).
pub fn diagnostic_in(
    f: &Finding,
    range: tower_lsp::lsp_types::Range,
    range_of: impl Fn(&std::ops::Range<usize>) -> Option<tower_lsp::lsp_types::Range>,
    uri: &Url,
    docs: Option<&str>,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|r| {
            let (uri, range) = match &r.file {
                None => (uri.clone(), range_of(&r.span)?),
                Some(path) => {
                    let line = r.line.unwrap_or(1).saturating_sub(1) as u32;
                    let pos = tower_lsp::lsp_types::Position::new(line, 0);
                    (
                        Url::from_file_path(path).ok()?,
                        tower_lsp::lsp_types::Range::new(pos, pos),
                    )
                }
            };
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: r.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range,
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: docs
            .and_then(|template| docs_link(template, &f.rule))
            .and_then(|link| Url::parse(&link).ok())
            .map(|href| CodeDescription { href }),
        source: Some("gwlint".to_owned()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: f.fix_deletes().then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

fn edit(uri: &Url, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }
}

/// Quick fixes for one finding: one action per alternative, the first preferred
/// when it is the only one.
pub fn quick_fixes(
    f: &Finding,
    map: &PositionMap<'_>,
    uri: &Url,
    diag: &Diagnostic,
) -> Vec<CodeAction> {
    let only_one = f.fixes.len() == 1;
    f.fixes
        .iter()
        .map(|fix| {
            let title = if fix.replacement.is_empty() {
                "删除".to_owned()
            } else {
                let matched = map.text.get(fix.span.clone()).unwrap_or("");
                if matched.is_empty() {
                    format!("插入“{}”", fix.replacement)
                } else {
                    format!("改为“{}”", fix.replacement.replace('\n', "↵"))
                }
            };
            CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag.clone()]),
                edit: Some(edit(
                    uri,
                    vec![TextEdit::new(map.range(&fix.span), fix.replacement.clone())],
                )),
                is_preferred: Some(only_one),
                ..Default::default()
            }
        })
        .collect()
}

/// One action applying the first fix of every finding of `rule`, skipping fixes
/// that overlap an earlier one.
pub fn fix_all(
    rule: &str,
    findings: &[Finding],
    map: &PositionMap<'_>,
    uri: &Url,
) -> Option<CodeAction> {
    let mut edits = Vec::new();
    let mut last_end = 0usize;
    let mut count = 0;
    for f in findings.iter().filter(|f| &*f.rule == rule) {
        let Some(fix) = f.fixes.first() else { continue };
        if fix.span.start < last_end {
            continue;
        }
        last_end = fix.span.end.max(fix.span.start + 1);
        edits.push(TextEdit::new(map.range(&fix.span), fix.replacement.clone()));
        count += 1;
    }
    (count > 1).then(|| CodeAction {
        title: format!("修复本文件中全部 {count} 处 {rule}"),
        kind: Some(CodeActionKind::new("source.fixAll.gwlint")),
        edit: Some(edit(uri, edits)),
        ..Default::default()
    })
}

/// Hover text for the findings under the cursor.
pub fn hover(
    findings: &[&Finding],
    spec_of: impl Fn(&str) -> Option<RuleSpec>,
    map: &PositionMap<'_>,
) -> Option<Hover> {
    let first = findings.first()?;
    let mut md = String::new();
    for f in findings {
        if !md.is_empty() {
            md.push_str("\n\n---\n\n");
        }
        md.push_str(&format!(
            "**{}** `{}`（{}）\n",
            f.message, f.rule, f.severity
        ));
        if let Some(spec) = spec_of(&f.rule) {
            md.push_str(&format!("\n{}\n", spec.summary));
            if let Some(explain) = &spec.explain {
                md.push_str(&format!("\n{}\n", explain.trim()));
            }
            if let Some(bad) = spec.examples.bad.first() {
                md.push_str(&format!("\n- 错误示例：{}", bad.get_ref()));
            }
            if let Some(good) = spec.examples.good.first() {
                md.push_str(&format!("\n- 正确示例：{}", good.get_ref()));
            }
        }
        if let Some(fix) = f.fixes.first() {
            let shown = if fix.replacement.is_empty() {
                "删除".to_owned()
            } else {
                format!("“{}”", fix.replacement)
            };
            md.push_str(&format!("\n\n建议：{shown}"));
        }
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md,
        }),
        range: Some(map.range(&first.span)),
    })
}
