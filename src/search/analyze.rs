//! The one analysis pipeline: every index (tantivy for the CLI, the offline shards for the
//! site) and every query goes through [`analyze`], and `themes/default/search.js` is a
//! line-by-line port of it. `tests/search-vectors.json` pins both to the same output.
//!
//! Handbook text mixes Japanese prose and command lines, so the pipeline does two things:
//!
//! - **CJK runs** (kana, kanji, hangul) become overlapping character bigrams, each with the
//!   unigram at the same position: `共有ディスク` → `共有 有デ ディ ィス スク` plus
//!   `共 有 デ ィ ス ク`. A query of two or more characters is a phrase over its bigrams, so it
//!   matches exactly that substring; a one-character query uses the unigram. A run is
//!   followed by an empty position, so bigrams at consecutive positions always belong to
//!   one run.
//! - **Code chunks** (runs of ASCII letters, digits and `_ - .`, lower-cased) yield their
//!   words at consecutive positions plus, at the first word's position, the whole chunk when
//!   it has inner joiners (`nqs_site`, `r12.7.x`) and the flag when it starts with one or two
//!   dashes (`-ivh`). Everything else (`/ \ % : " [ ]` …) separates, so
//!   `/usr/lib/nqs/nqsstop` gives `usr lib nqs nqsstop` and a query `/usr/lib` is the phrase
//!   `usr lib`.
//!
//! Full-width ASCII (`ＮＱＳ`) folds to ASCII first; only ASCII is lower-cased so the
//! JavaScript port cannot drift on Unicode case tables.

use std::ops::Range;

/// One analysed token. `offsets` are byte offsets into the analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AToken {
    pub text: String,
    pub position: usize,
    pub offsets: Range<usize>,
    /// Primary tokens are the ones a phrase over the text needs (one per position); the
    /// others (unigrams under a bigram, whole chunks, flags) are alternates at the same
    /// position.
    pub primary: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Joiner,
    Sep,
}

/// Full-width ASCII to ASCII, the ideographic space to a space, ASCII to lower case.
fn fold(c: char) -> char {
    let u = c as u32;
    let c = match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Whether `c` is analysed as CJK (a bigram's character).
pub fn is_cjk_char(c: char) -> bool {
    is_cjk(c as u32)
}

fn is_cjk(u: u32) -> bool {
    matches!(u,
        0x3005..=0x3007          // 々 〆 〇
        | 0x3040..=0x309F        // hiragana
        | 0x30A0..=0x30FA        // katakana (not ・ U+30FB)
        | 0x30FC..=0x30FF        // ー and friends
        | 0x31F0..=0x31FF        // katakana extensions
        | 0x3400..=0x4DBF        // CJK extension A
        | 0x4E00..=0x9FFF        // CJK unified ideographs
        | 0xAC00..=0xD7AF        // hangul syllables
        | 0xF900..=0xFAFF        // CJK compatibility ideographs
        | 0xFF66..=0xFF9F) // half-width katakana
}

/// Non-ASCII code points that separate words: punctuation, symbols, arrows, CJK
/// punctuation, private use, emoji. Everything else non-ASCII and non-CJK is a word
/// character (accented letters, Cyrillic, …), which avoids Unicode property tables.
fn is_separator(u: u32) -> bool {
    matches!(u,
        0x80..=0xBF
        | 0xD7
        | 0xF7
        | 0x2000..=0x2BFF
        | 0x3000..=0x303F
        | 0x30FB
        | 0xE000..=0xF8FF
        | 0xFE00..=0xFE4F
        | 0xFEFF
        | 0xFF00..=0xFF65
        | 0xFFF0..=0xFFFF
        | 0x1F000..)
}

fn class(c: char) -> Class {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            Class::Word
        } else if matches!(c, '_' | '-' | '.') {
            Class::Joiner
        } else {
            Class::Sep
        }
    } else if is_cjk(c as u32) {
        Class::Cjk
    } else if is_separator(c as u32) {
        Class::Sep
    } else {
        Class::Word
    }
}

/// A folded character and where it came from.
struct Ch {
    c: char,
    class: Class,
    start: usize,
    end: usize,
}

/// Analyses `text` into tokens, in position order.
pub fn analyze(text: &str) -> Vec<AToken> {
    let chars: Vec<Ch> = text
        .char_indices()
        .map(|(i, c)| {
            let f = fold(c);
            Ch {
                c: f,
                class: class(f),
                start: i,
                end: i + c.len_utf8(),
            }
        })
        .collect();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    while i < chars.len() {
        match chars[i].class {
            Class::Sep => i += 1,
            Class::Cjk => {
                let j = run_end(&chars, i, |c| c == Class::Cjk);
                cjk_run(&chars[i..j], &mut pos, &mut out);
                i = j;
            }
            Class::Word | Class::Joiner => {
                let j = run_end(&chars, i, |c| matches!(c, Class::Word | Class::Joiner));
                code_chunk(&chars[i..j], &mut pos, &mut out);
                i = j;
            }
        }
    }
    out
}

fn run_end(chars: &[Ch], from: usize, keep: impl Fn(Class) -> bool) -> usize {
    let mut j = from;
    while j < chars.len() && keep(chars[j].class) {
        j += 1;
    }
    j
}

fn cjk_run(run: &[Ch], pos: &mut usize, out: &mut Vec<AToken>) {
    for (k, ch) in run.iter().enumerate() {
        if let Some(next) = run.get(k + 1) {
            out.push(AToken {
                text: [ch.c, next.c].iter().collect(),
                position: *pos + k,
                offsets: ch.start..next.end,
                primary: true,
            });
        }
        out.push(AToken {
            text: ch.c.to_string(),
            position: *pos + k,
            offsets: ch.start..ch.end,
            primary: run.len() == 1,
        });
    }
    // A position left empty after the run: two runs apart in the text (`共有、ディスク`)
    // are never read as one, so a phrase may skip every other bigram (see
    // `index::covering`) and still match exactly the text it names.
    *pos += run.len() + 1;
}

fn code_chunk(chunk: &[Ch], pos: &mut usize, out: &mut Vec<AToken>) {
    // The words: maximal runs of word characters.
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut k = 0;
    while k < chunk.len() {
        if chunk[k].class == Class::Word {
            let e = run_end(chunk, k, |c| c == Class::Word);
            words.push(k..e);
            k = e;
        } else {
            k += 1;
        }
    }
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return; // `---`, `...`: joiners alone are not words
    };
    let text_of = |r: Range<usize>| chunk[r].iter().map(|c| c.c).collect::<String>();
    let core = first.start..last.end;
    let lead = &chunk[..first.start];
    if !lead.is_empty() && lead.len() <= 2 && lead.iter().all(|c| c.c == '-') {
        out.push(AToken {
            text: text_of(0..core.end),
            position: *pos,
            offsets: chunk[0].start..chunk[core.end - 1].end,
            primary: false,
        });
    }
    if words.len() > 1 {
        out.push(AToken {
            text: text_of(core.clone()),
            position: *pos,
            offsets: chunk[core.start].start..chunk[core.end - 1].end,
            primary: false,
        });
    }
    for (n, w) in words.iter().enumerate() {
        out.push(AToken {
            text: text_of(w.clone()),
            position: *pos + n,
            offsets: chunk[w.start].start..chunk[w.end - 1].end,
            primary: true,
        });
    }
    *pos += words.len();
}

/// The analyser as a tantivy tokenizer, registered under [`TOKENIZER`] so the index and
/// the queries built in `query.rs` share it.
#[derive(Clone, Default)]
pub struct TejunTokenizer;

/// The name the tokenizer is registered under in every tantivy index tejun opens.
pub const TOKENIZER: &str = "tejun";

pub struct TejunTokenStream {
    tokens: Vec<tantivy::tokenizer::Token>,
    next: usize,
}

impl tantivy::tokenizer::Tokenizer for TejunTokenizer {
    type TokenStream<'a> = TejunTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TejunTokenStream {
        let tokens = analyze(text)
            .into_iter()
            .map(|t| tantivy::tokenizer::Token {
                offset_from: t.offsets.start,
                offset_to: t.offsets.end,
                position: t.position,
                text: t.text,
                position_length: 1,
            })
            .collect();
        TejunTokenStream { tokens, next: 0 }
    }
}

impl tantivy::tokenizer::TokenStream for TejunTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        &mut self.tokens[self.next - 1]
    }
}

/// `token@position` strings, the format of `tests/search-vectors.json`.
pub fn describe(text: &str) -> Vec<String> {
    analyze(text)
        .iter()
        .map(|t| format!("{}@{}", t.text, t.position))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        analyze(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn code_tokens_keep_whole_and_parts() {
        assert_eq!(describe("NQS_SITE"), ["nqs_site@0", "nqs@0", "site@1"]);
        assert_eq!(describe("rpm -ivh"), ["rpm@0", "-ivh@1", "ivh@1"]);
        assert_eq!(words("regsvr32"), ["regsvr32"]);
        assert_eq!(
            words("/usr/lib/nqs/nqsstop"),
            ["usr", "lib", "nqs", "nqsstop"]
        );
        assert_eq!(words(r"%systemroot%\cluster"), ["systemroot", "cluster"]);
        assert!(words("---").is_empty());
    }

    #[test]
    fn cjk_runs_are_bigrams_with_unigrams() {
        assert_eq!(
            describe("共有ディスク"),
            [
                "共有@0", "共@0", "有デ@1", "有@1", "ディ@2", "デ@2", "ィス@3", "ィ@3", "スク@4",
                "ス@4", "ク@5"
            ]
        );
        assert_eq!(describe("系"), ["系@0"]);
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "ＮＱＳの設定";
        for t in analyze(text) {
            assert!(text.get(t.offsets.clone()).is_some(), "{t:?}");
        }
        assert_eq!(analyze(text)[0].text, "nqs");
    }
}
