//! One paragraph as the paragraph-local checkers receive it: the text, plus
//! analyses that several kinds need, computed once on first use.

use std::cell::OnceCell;

use crate::lexicon as lex;

pub struct ParagraphInput<'a> {
    pub text: &'a str,
    chars: OnceCell<CharOffsets>,
}

impl<'a> ParagraphInput<'a> {
    pub fn new(text: &'a str) -> ParagraphInput<'a> {
        ParagraphInput {
            text,
            chars: OnceCell::new(),
        }
    }

    /// The paragraph decoded to code points (shared by the lexical kinds).
    pub fn chars(&self) -> &CharOffsets {
        self.chars.get_or_init(|| CharOffsets::new(self.text))
    }
}

/// A paragraph as characters with byte offsets (`offs[i]..offs[i + 1]` is char i).
pub struct CharOffsets {
    pub cs: Vec<u32>,
    pub offs: Vec<usize>,
}

impl CharOffsets {
    pub fn new(text: &str) -> CharOffsets {
        let mut cs = Vec::with_capacity(text.len() / 3 + 1);
        let mut offs = Vec::with_capacity(text.len() / 3 + 2);
        for (i, c) in text.char_indices() {
            cs.push(c as u32);
            offs.push(i);
        }
        offs.push(text.len());
        CharOffsets { cs, offs }
    }

    pub fn han(&self, i: usize) -> bool {
        i < self.cs.len() && lex::is_han(self.cs[i])
    }

    pub fn span(&self, from: usize, to: usize) -> std::ops::Range<usize> {
        self.offs[from]..self.offs[to]
    }

    /// Start of the run of Han characters containing `i`, looking back at most `max`.
    pub fn run_start(&self, i: usize, max: usize) -> usize {
        let mut s = i;
        while s > 0 && i - s < max && self.han(s - 1) {
            s -= 1;
        }
        s
    }

    /// End (exclusive) of the Han run from `i`, looking ahead at most `max`.
    pub fn run_end(&self, i: usize, max: usize) -> usize {
        let mut e = i;
        while e < self.cs.len() && e - i < max && self.han(e) {
            e += 1;
        }
        e
    }
}
