//! The document outline for editors: `textDocument/documentSymbol` from the
//! outline parser's heading tree, and `textDocument/foldingRange` for sections.
//! In a compilation, each piece (a title line) is a top-level symbol holding its
//! headings.

use tower_lsp::lsp_types::{DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind};

use super::text::PositionMap;
use crate::document::{paragraphs, Paragraph};
use crate::outline::{build_outline, BreakKind, Heading, Outline};

/// Characters of a heading's text shown as the symbol's name.
const NAME_CHARS: usize = 40;

struct Parsed<'a> {
    paras: Vec<Paragraph<'a>>,
    outline: Outline,
    /// Paragraphs that are title lines of pieces; a compilation has two or more.
    titles: Vec<usize>,
}

fn parse(text: &str) -> Parsed<'_> {
    let paras = paragraphs(text);
    let outline = build_outline(&paras);
    let titles = outline
        .breaks
        .iter()
        .filter(|b| b.kind == BreakKind::Title)
        .map(|b| b.paragraph)
        .collect();
    Parsed {
        paras,
        outline,
        titles,
    }
}

/// Paragraph-leading headings (inline 一是… enumerations inside running text are
/// not part of the outline an editor shows).
fn shown(h: &Heading) -> bool {
    !h.inline
}

fn short(text: &str) -> String {
    let t = text.trim();
    let mut out: String = t.chars().take(NAME_CHARS).collect();
    if t.chars().count() > NAME_CHARS {
        out.push('…');
    }
    if out.is_empty() {
        "（无标题）".to_owned()
    } else {
        out
    }
}

/// Byte range from the start of paragraph `first` to the end of paragraph `last`.
fn para_span(paras: &[Paragraph<'_>], first: usize, last: usize) -> std::ops::Range<usize> {
    let last = last.min(paras.len() - 1).max(first);
    paras[first].start..paras[last].start + paras[last].text.len()
}

fn heading_symbol(p: &Parsed<'_>, text: &str, map: &PositionMap<'_>, i: usize) -> DocumentSymbol {
    let h = &p.outline.headings[i];
    let para = &p.paras[h.paragraph];
    let name_span = h.span().start..h.title_span().end.max(h.span().end);
    let name = short(&text[name_span.clone()]);
    let range = map.range(&para_span(
        &p.paras,
        h.paragraph,
        h.section.end.saturating_sub(1),
    ));
    let children: Vec<DocumentSymbol> = h
        .children
        .iter()
        .filter(|&&c| shown(&p.outline.headings[c]))
        .map(|&c| heading_symbol(p, text, map, c))
        .collect();
    #[allow(deprecated)] // `deprecated` is a required field of the struct
    DocumentSymbol {
        name,
        detail: Some(format!("第 {} 行", para.index + 1)),
        kind: SymbolKind::STRUCT,
        tags: None,
        deprecated: None,
        range,
        selection_range: map.range(&name_span),
        children: (!children.is_empty()).then_some(children),
    }
}

/// The heading tree of `text` (already masked for Markdown) as document symbols.
pub fn document_symbols(text: &str, map: &PositionMap<'_>) -> Vec<DocumentSymbol> {
    let p = parse(text);
    if p.paras.is_empty() {
        return Vec::new();
    }
    let roots: Vec<usize> = p
        .outline
        .roots()
        .filter(|&i| shown(&p.outline.headings[i]))
        .collect();
    let titles = &p.titles;
    if titles.len() < 2 {
        return roots
            .iter()
            .map(|&i| heading_symbol(&p, text, map, i))
            .collect();
    }
    // A compilation: one symbol per piece, its headings inside.
    let mut out = Vec::new();
    let before_first: Vec<DocumentSymbol> = roots
        .iter()
        .filter(|&&i| p.outline.headings[i].paragraph < titles[0])
        .map(|&i| heading_symbol(&p, text, map, i))
        .collect();
    out.extend(before_first);
    for (n, &start) in titles.iter().enumerate() {
        let end = titles.get(n + 1).copied().unwrap_or(p.paras.len());
        let children: Vec<DocumentSymbol> = roots
            .iter()
            .filter(|&&i| (start..end).contains(&p.outline.headings[i].paragraph))
            .map(|&i| heading_symbol(&p, text, map, i))
            .collect();
        let title = p.paras[start];
        #[allow(deprecated)]
        out.push(DocumentSymbol {
            name: short(title.text),
            detail: Some(format!("第 {} 行", start + 1)),
            kind: SymbolKind::NAMESPACE,
            tags: None,
            deprecated: None,
            range: map.range(&para_span(&p.paras, start, end - 1)),
            selection_range: map.range(&title.range()),
            children: (!children.is_empty()).then_some(children),
        });
    }
    out
}

/// Folding ranges: each heading's section and each piece of a compilation.
pub fn folding_ranges(text: &str) -> Vec<FoldingRange> {
    let p = parse(text);
    let mut out = Vec::new();
    let mut fold = |first: usize, end: usize| {
        // Trailing blank lines stay visible.
        let mut last = end.saturating_sub(1);
        while last > first && p.paras[last].text.trim().is_empty() {
            last -= 1;
        }
        if last > first {
            out.push(FoldingRange {
                start_line: first as u32,
                start_character: None,
                end_line: last as u32,
                end_character: None,
                kind: Some(FoldingRangeKind::Region),
                collapsed_text: None,
            });
        }
    };
    for h in p.outline.headings.iter().filter(|h| shown(h)) {
        fold(h.paragraph, h.section.end);
    }
    let titles = &p.titles;
    if titles.len() >= 2 {
        for (n, &start) in titles.iter().enumerate() {
            fold(start, titles.get(n + 1).copied().unwrap_or(p.paras.len()));
        }
    }
    out.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    out.dedup_by_key(|f| (f.start_line, f.end_line));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::position::Encoding;

    const SPEECH: &str = "在全县工作会议上的讲话\n同志们：\n一、提高认识\n正文。\n（一）加强领导\n正文。\n（二）完善机制\n正文。\n二、狠抓落实\n正文。\n";

    #[test]
    fn symbols_follow_the_heading_tree() {
        let map = PositionMap::new(SPEECH, Encoding::Utf16);
        let symbols = document_symbols(SPEECH, &map);
        let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["一、提高认识", "二、狠抓落实"]);
        let kids: Vec<&str> = symbols[0]
            .children
            .as_ref()
            .unwrap()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(kids, ["（一）加强领导", "（二）完善机制"]);
        assert_eq!(symbols[0].range.start.line, 2);
        assert_eq!(symbols[0].range.end.line, 7);
    }

    #[test]
    fn compilations_group_headings_by_piece() {
        let text = format!("{SPEECH}在全县总结会议上的讲话\n同志们：\n一、回顾\n正文。\n");
        let map = PositionMap::new(&text, Encoding::Utf16);
        let symbols = document_symbols(&text, &map);
        assert_eq!(symbols.len(), 2, "{symbols:#?}");
        assert_eq!(symbols[0].name, "在全县工作会议上的讲话");
        assert_eq!(symbols[1].children.as_ref().unwrap()[0].name, "一、回顾");
    }

    #[test]
    fn sections_fold() {
        let folds = folding_ranges(SPEECH);
        let lines: Vec<(u32, u32)> = folds.iter().map(|f| (f.start_line, f.end_line)).collect();
        assert!(lines.contains(&(2, 7)), "{lines:?}");
        assert!(lines.contains(&(4, 5)), "{lines:?}");
        assert!(lines.contains(&(8, 9)), "{lines:?}");
    }
}
