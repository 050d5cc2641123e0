//! Hides the parts of a Markdown file that are not prose: front matter, fenced and
//! indented code blocks, inline code, link destinations, autolinks and HTML comments.
//!
//! Emphasis delimiters (`**重点**`) and list bullets are hidden too, so that a
//! Markdown `**` is not taken for a 公文 placeholder like `**县`.
//!
//! Hidden bytes are overwritten with NUL (newlines kept): the masked text has the
//! same length and line structure as the original, every byte offset stays valid in
//! both, and NUL is neither text, space nor punctuation to any rule — a space would
//! itself look like a misplaced space between two Chinese characters.

/// Returns `text` with non-prose regions blanked out.
pub fn mask(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut in_fence: Option<(u8, usize)> = None;
    let mut in_comment = false;
    let mut prev_blank = true;
    let mut offset = 0;
    let mut first = true;
    let mut in_front_matter = text.starts_with("---\n") || text.starts_with("---\r\n");
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if in_front_matter {
            blank(&mut bytes, start, start + content.len());
            if !first && (content == "---" || content == "...") {
                in_front_matter = false;
            }
            first = false;
            continue;
        }
        first = false;
        let trimmed = content.trim_start_matches(' ');
        let indent = content.len() - trimmed.len();
        if let Some((fence_char, fence_len)) = in_fence {
            blank(&mut bytes, start, start + content.len());
            let run = trimmed.bytes().take_while(|&b| b == fence_char).count();
            if indent < 4 && run >= fence_len && trimmed[run..].trim().is_empty() {
                in_fence = None;
            }
            continue;
        }
        if indent < 4 {
            if let Some(fence_char) = trimmed.bytes().next().filter(|b| *b == b'`' || *b == b'~') {
                let run = trimmed.bytes().take_while(|&b| b == fence_char).count();
                if run >= 3 {
                    in_fence = Some((fence_char, run));
                    blank(&mut bytes, start, start + content.len());
                    continue;
                }
            }
        }
        let is_blank = content.trim().is_empty();
        if prev_blank && !is_blank && (content.starts_with("    ") || content.starts_with('\t')) {
            // An indented code block; it continues while lines stay indented.
            blank(&mut bytes, start, start + content.len());
            continue;
        }
        prev_blank = is_blank;
        let bullet = list_bullet_len(content);
        blank(&mut bytes, start, start + bullet);
        in_comment = mask_inline(content, start, &mut bytes, in_comment);
        mask_emphasis(&content[bullet..], start + bullet, &mut bytes);
    }
    // Masked spans start and end at ASCII delimiters, so every multi-byte character
    // is either kept whole or replaced byte for byte by NULs: still valid UTF-8.
    String::from_utf8(bytes).expect("masking keeps UTF-8 valid")
}

/// Masks inline code, link destinations, autolinks and HTML comments in one line.
/// Returns whether an HTML comment is still open at the end of the line.
fn mask_inline(line: &str, base: usize, bytes: &mut [u8], mut in_comment: bool) -> bool {
    let b = line.as_bytes();
    let mut i = 0;
    let mut open_brackets = Vec::new();
    if in_comment {
        match line.find("-->") {
            Some(end) => {
                blank(bytes, base, base + end + 3);
                i = end + 3;
                in_comment = false;
            }
            None => {
                blank(bytes, base, base + line.len());
                return true;
            }
        }
    }
    while i < b.len() {
        match b[i] {
            b'`' => {
                let run = b[i..].iter().take_while(|&&c| c == b'`').count();
                let fence = &line[i..i + run];
                if let Some(close) = line[i + run..].find(fence) {
                    let end = i + run + close + run;
                    blank(bytes, base + i, base + end);
                    i = end;
                } else {
                    i += run;
                }
            }
            b'[' => {
                open_brackets.push(i);
                i += 1;
            }
            b']' if b.get(i + 1) == Some(&b'(') => {
                // A link: keep its text, hide `[`, `](`, the destination and `)`,
                // whose ASCII brackets would otherwise look like half-width marks.
                if let Some(close) = line[i + 2..].find(')') {
                    if let Some(open) = open_brackets.pop() {
                        blank(bytes, base + open, base + open + 1);
                    }
                    blank(bytes, base + i, base + i + 2 + close + 1);
                    i += close + 3;
                } else {
                    i += 1;
                }
            }
            b'<' if line[i..].starts_with("<!--") => match line[i + 4..].find("-->") {
                Some(end) => {
                    blank(bytes, base + i, base + i + 4 + end + 3);
                    i += 4 + end + 3;
                }
                None => {
                    blank(bytes, base + i, base + line.len());
                    return true;
                }
            },
            b'<' if is_autolink_start(&line[i + 1..]) => {
                if let Some(close) = line[i..].find('>') {
                    blank(bytes, base + i, base + i + close + 1);
                    i += close + 1;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    in_comment
}

/// Length of a `* `, `- ` or `+ ` list bullet (with its indent) opening `line`.
fn list_bullet_len(line: &str) -> usize {
    let trimmed = line.trim_start_matches(' ');
    let indent = line.len() - trimmed.len();
    let b = trimmed.as_bytes();
    if b.len() >= 2 && matches!(b[0], b'*' | b'-' | b'+') && b[1] == b' ' {
        indent + 2
    } else {
        0
    }
}

/// Masks `*`/`_` delimiter runs that pair up within the line (`**重点**`, `_注_`).
/// An unpaired run is left alone: in 公文 text it is more likely a placeholder.
fn mask_emphasis(line: &str, base: usize, bytes: &mut [u8]) {
    for delim in [b'*', b'_'] {
        let b = line.as_bytes();
        let mut runs = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == delim {
                let len = b[i..].iter().take_while(|&&c| c == delim).count();
                runs.push((i, len));
                i += len;
            } else {
                i += 1;
            }
        }
        let mut used = vec![false; runs.len()];
        for open in 0..runs.len() {
            if used[open] {
                continue;
            }
            let (start, len) = runs[open];
            let opens = b.get(start + len).is_some_and(|c| !c.is_ascii_whitespace());
            if !opens {
                continue;
            }
            if let Some(close) = (open + 1..runs.len()).find(|&j| !used[j] && runs[j].1 == len) {
                let (cstart, _) = runs[close];
                if cstart > start + len && !b[cstart - 1].is_ascii_whitespace() {
                    used[open] = true;
                    used[close] = true;
                    blank(bytes, base + start, base + start + len);
                    blank(bytes, base + cstart, base + cstart + len);
                }
            }
        }
    }
}

fn is_autolink_start(rest: &str) -> bool {
    ["http://", "https://", "mailto:", "ftp://"]
        .iter()
        .any(|p| rest.starts_with(p))
}

fn blank(bytes: &mut [u8], start: usize, end: usize) {
    for b in &mut bytes[start..end] {
        if *b != b'\n' && *b != b'\r' {
            *b = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected_visible: &[&str], expected_hidden: &[&str]) {
        let masked = mask(input);
        assert_eq!(masked.len(), input.len());
        for v in expected_visible {
            assert!(
                masked.contains(v),
                "{v:?} should stay visible in {masked:?}"
            );
        }
        for h in expected_hidden {
            assert!(!masked.contains(h), "{h:?} should be hidden in {masked:?}");
        }
    }

    #[test]
    fn hides_code_and_front_matter() {
        check(
            "---\ntitle: 布臵\n---\n正文布臵\n```\n布臵代码\n```\n用`吐火如荼`写\n",
            &["正文布臵", "用", "写"],
            &["title", "布臵代码", "吐火如荼"],
        );
    }

    #[test]
    fn hides_link_targets_but_keeps_link_text() {
        check(
            "见[通知全文](http://x.cn/a,b) 和 <https://x.cn/c,d> 。<!-- 注释 -->完",
            &["通知全文", "和", "完"],
            &["x.cn", "注释", "[", "]", "(", ")"],
        );
    }

    #[test]
    fn indented_code_needs_a_blank_line_before() {
        check(
            "段落\n    续行不是代码\n\n    代码块\n",
            &["续行不是代码"],
            &["代码块"],
        );
    }

    #[test]
    fn hides_paired_emphasis_but_not_placeholders() {
        let masked = mask("* 这是**重点**内容，__注意__\n在**县召开\n");
        assert!(masked.contains("这是\0\0重点\0\0内容"), "{masked:?}");
        assert!(masked.contains("\0\0注意\0\0"), "{masked:?}");
        assert!(masked.contains("在**县"), "{masked:?}");
        assert!(masked.starts_with("\0\0这是"));
    }

    #[test]
    fn keeps_line_structure() {
        let input = "a\r\n```\r\n代码\r\n```\r\nb";
        let masked = mask(input);
        assert_eq!(masked.matches('\n').count(), input.matches('\n').count());
        assert!(masked.ends_with('b'));
    }
}
