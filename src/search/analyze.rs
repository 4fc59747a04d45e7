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
//! JavaScript port cannot drift on Unicode case tables. Spellings a reader mixes up are
//! one: small kana read as large (`フェ` = `フエ`), a katakana word of three letters or more
//! loses a final long-vowel mark (`サーバー` = `サーバ`, as JIS Z 8301 writes it), and a
//! kanji, one okurigana and a kanji are also indexed as the two kanji (`引き継` = `引継`).
//!
//! **The book's language picks the analysis** ([`Analysis::of`]). The two differ only in
//! words of ASCII letters: the English analysis indexes a word by its [`stem`](super::stem)
//! (`stopping`, `stopped` → `stop`; `services` → `servic`), the word as written an
//! alternate at the same position (an exact form scores more, and the vocabulary that
//! completes and corrects what is typed keeps real words). Japanese text keeps English
//! words as written: they are mostly commands and names there. Every index records its
//! analysis (`tejun-index.json`, `meta.js`), and the queries made against it use it.

use std::ops::Range;

use crate::words::Language;

/// How text is analysed: one per language of a book ([`Analysis::of`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Analysis {
    /// CJK bigrams, command parts, words as written.
    #[default]
    Japanese,
    /// The same, with English words stemmed.
    English,
}

impl Analysis {
    /// The analysis of a book written in `lang`.
    pub fn of(lang: Language) -> Analysis {
        match lang {
            Language::Ja => Analysis::Japanese,
            Language::En => Analysis::English,
        }
    }

    /// Its name in `meta.js`, `tejun-index.json` and the shared vectors: the language code.
    pub fn code(self) -> &'static str {
        match self {
            Analysis::Japanese => "ja",
            Analysis::English => "en",
        }
    }

    /// The analysis a code names; anything else (an index written before analyses had
    /// names) is the Japanese one, the only one there was.
    pub fn from_code(code: &str) -> Analysis {
        match code {
            "en" => Analysis::English,
            _ => Analysis::Japanese,
        }
    }
}

/// One analysed token. `offsets` are byte offsets into the analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AToken {
    /// The token as indexed (folded).
    pub text: String,
    /// Its position: consecutive primaries are consecutive positions.
    pub position: usize,
    /// Where it stands in the analysed text.
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

/// Full-width ASCII to ASCII, the ideographic space to a space, small kana to large
/// (`フェイル` and `フエイル` are one word to a reader who types either), ASCII to lower
/// case.
fn fold(c: char) -> char {
    let u = c as u32;
    let c = match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ if is_small_kana(u) => char::from_u32(u + 1).unwrap_or(c),
        0x30F5 => 'カ',
        0x30F6 => 'ケ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// ぁ ぃ ぅ ぇ ぉ っ ゃ ゅ ょ ゎ and their katakana: each is its large kana's code point less one.
fn is_small_kana(u: u32) -> bool {
    matches!(
        u,
        0x3041
            | 0x3043
            | 0x3045
            | 0x3047
            | 0x3049
            | 0x3063
            | 0x3083
            | 0x3085
            | 0x3087
            | 0x308E
            | 0x30A1
            | 0x30A3
            | 0x30A5
            | 0x30A7
            | 0x30A9
            | 0x30C3
            | 0x30E3
            | 0x30E5
            | 0x30E7
            | 0x30EE
    )
}

/// Whether `c` is analysed as CJK (a bigram's character).
pub fn is_cjk_char(c: char) -> bool {
    is_cjk(c as u32)
}

/// Whether `c` separates words (white space, punctuation, symbols), as the analyser reads it.
pub fn is_separator_char(c: char) -> bool {
    class(fold(c)) == Class::Sep
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

/// A folded character: where it is in the folded text and where it came from.
struct Ch {
    class: Class,
    /// Byte range in the folded text.
    fstart: usize,
    fend: usize,
    /// Byte range in the analysed text.
    start: usize,
    end: usize,
}

/// One token as [`analyze_each`] hands it over: its text borrowed from the folded text,
/// so that analysing allocates per text, not per token.
pub struct Tok<'a> {
    /// The token as indexed (folded).
    pub text: &'a str,
    /// Its position.
    pub position: usize,
    /// Where it stands in the analysed text.
    pub offsets: Range<usize>,
    /// Whether a phrase over the text needs it (see [`AToken::primary`]).
    pub primary: bool,
}

/// Analyses `text` into tokens, in position order, with the Japanese analysis (the default
/// language's).
pub fn analyze(text: &str) -> Vec<AToken> {
    analyze_in(text, Analysis::Japanese)
}

/// Analyses `text` into tokens, in position order.
pub fn analyze_in(text: &str, analysis: Analysis) -> Vec<AToken> {
    let mut out = Vec::new();
    analyze_each_in(text, analysis, &mut |t| {
        out.push(AToken {
            text: t.text.to_string(),
            position: t.position,
            offsets: t.offsets,
            primary: t.primary,
        })
    });
    out
}

/// [`analyze`] without a `String` per token: each token is handed to `f` in turn.
pub fn analyze_each(text: &str, f: &mut dyn FnMut(Tok<'_>)) {
    analyze_each_in(text, Analysis::Japanese, f);
}

/// [`analyze_in`] without a `String` per token: each token is handed to `f` in turn.
pub fn analyze_each_in(text: &str, analysis: Analysis, f: &mut dyn FnMut(Tok<'_>)) {
    let mut folded = String::with_capacity(text.len());
    let mut chars: Vec<Ch> = Vec::with_capacity(text.len());
    let mut it = text.char_indices().peekable();
    // Katakana letters (and ー) just before the current character.
    let mut katakana = 0;
    while let Some((i, c)) = it.next() {
        let end = i + c.len_utf8();
        let next = it.peek().map(|&(_, n)| n);
        if c == 'ー' && katakana >= 3 && !next.is_some_and(is_katakana) {
            if let Some(last) = chars.last_mut().filter(|l| l.end == i) {
                // サーバー reads as サーバ: the mark stays inside the last letter's offsets.
                last.end = end;
                katakana = 0;
                continue;
            }
        }
        katakana = if is_katakana(c) { katakana + 1 } else { 0 };
        let fc = fold(c);
        let fstart = folded.len();
        folded.push(fc);
        chars.push(Ch {
            class: class(fc),
            fstart,
            fend: folded.len(),
            start: i,
            end,
        });
    }
    let run = Run {
        folded: &folded,
        chars: &chars,
        analysis,
    };
    let mut pos = 0;
    let mut i = 0;
    while i < chars.len() {
        match chars[i].class {
            Class::Sep => i += 1,
            Class::Cjk => {
                let j = run_end(&chars, i, |c| c == Class::Cjk);
                run.cjk(i..j, &mut pos, f);
                i = j;
            }
            Class::Word | Class::Joiner => {
                let j = run_end(&chars, i, |c| matches!(c, Class::Word | Class::Joiner));
                run.code_chunk(i..j, &mut pos, f);
                i = j;
            }
        }
    }
}

/// Katakana letters and the long-vowel mark.
fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

fn run_end(chars: &[Ch], from: usize, keep: impl Fn(Class) -> bool) -> usize {
    let mut j = from;
    while j < chars.len() && keep(chars[j].class) {
        j += 1;
    }
    j
}

/// Whether `kana` between `a` and `b` is okurigana: one hiragana that is not a particle,
/// between two kanji.
fn okurigana(a: &str, kana: &str, b: &str) -> bool {
    let one = |s: &str| {
        let mut cs = s.chars();
        cs.next().filter(|_| cs.next().is_none())
    };
    match (one(a), one(kana), one(b)) {
        (Some(a), Some(k), Some(b)) => {
            is_kanji(a) && is_kanji(b) && is_hiragana(k) && !super::query::PARTICLES.contains(k)
        }
        _ => false,
    }
}

/// Whether `c` is hiragana.
pub fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}')
}

/// Whether `c` is a CJK ideograph.
pub fn is_kanji(c: char) -> bool {
    matches!(c, '\u{3005}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// The folded text and its characters, which every token is a slice of.
struct Run<'a> {
    folded: &'a str,
    chars: &'a [Ch],
    analysis: Analysis,
}

impl<'a> Run<'a> {
    /// Characters `r` (indexes into `chars`) as a token.
    fn tok(&self, r: Range<usize>, position: usize, primary: bool) -> Tok<'a> {
        let (first, last) = (&self.chars[r.start], &self.chars[r.end - 1]);
        Tok {
            text: &self.folded[first.fstart..last.fend],
            position,
            offsets: first.start..last.end,
            primary,
        }
    }

    fn cjk(&self, run: Range<usize>, pos: &mut usize, f: &mut dyn FnMut(Tok<'_>)) {
        let n = run.len();
        let text = |c: usize| &self.folded[self.chars[c].fstart..self.chars[c].fend];
        let mut joined = String::new();
        for (k, c) in run.clone().enumerate() {
            if k + 1 < n {
                f(self.tok(c..c + 2, *pos + k, true));
            }
            f(self.tok(c..c + 1, *pos + k, n == 1));
            if k + 2 < n && okurigana(text(c), text(c + 1), text(c + 2)) {
                // 引き継 is also 引継, so that either spelling finds the other.
                joined.clear();
                joined.push_str(text(c));
                joined.push_str(text(c + 2));
                f(Tok {
                    text: &joined,
                    position: *pos + k,
                    offsets: self.chars[c].start..self.chars[c + 2].end,
                    primary: false,
                });
            }
        }
        // A position left empty after the run: two runs apart in the text (`共有、ディスク`)
        // are never read as one, so a phrase may skip every other bigram (see
        // `index::covering`) and still match exactly the text it names.
        *pos += n + 1;
    }

    fn code_chunk(&self, chunk: Range<usize>, pos: &mut usize, f: &mut dyn FnMut(Tok<'_>)) {
        let class = |k: usize| self.chars[k].class;
        // The words: maximal runs of word characters.
        let mut words: Vec<Range<usize>> = Vec::new();
        let mut k = chunk.start;
        while k < chunk.end {
            if class(k) == Class::Word {
                let mut e = k;
                while e < chunk.end && class(e) == Class::Word {
                    e += 1;
                }
                words.push(k..e);
                k = e;
            } else {
                k += 1;
            }
        }
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            return; // `---`, `...`: joiners alone are not words
        };
        let core = first.start..last.end;
        let lead = chunk.start..first.start;
        if !lead.is_empty()
            && lead.len() <= 2
            && lead
                .clone()
                .all(|k| &self.folded[self.chars[k].fstart..self.chars[k].fend] == "-")
        {
            f(self.tok(chunk.start..core.end, *pos, false));
        }
        if words.len() > 1 {
            f(self.tok(core, *pos, false));
        }
        for (n, w) in words.iter().enumerate() {
            let word = self.tok(w.clone(), *pos + n, true);
            let stem = match self.analysis {
                Analysis::English => super::stem::stem(word.text),
                Analysis::Japanese => None,
            };
            match stem {
                Some(stem) => {
                    // The stem is what a phrase needs; the word as written only scores.
                    f(Tok {
                        text: &stem,
                        position: word.position,
                        offsets: word.offsets.clone(),
                        primary: true,
                    });
                    f(Tok {
                        primary: false,
                        ..word
                    });
                }
                None => f(word),
            }
        }
        *pos += words.len();
    }
}

/// The analyser as a tantivy tokenizer, registered under [`TOKENIZER`] so the index and
/// the queries built in `query.rs` share it.
///
/// It keeps the tokens of the text being indexed in buffers of its own, reused from one
/// text to the next: indexing a large book allocates per field, not per token.
#[derive(Clone, Default)]
pub struct TejunTokenizer {
    /// The tokens' texts, one after another.
    arena: String,
    spans: Vec<Span>,
    analysis: Analysis,
}

impl TejunTokenizer {
    /// The tokenizer of an index analysed with `analysis`.
    pub fn new(analysis: Analysis) -> TejunTokenizer {
        TejunTokenizer {
            analysis,
            ..TejunTokenizer::default()
        }
    }
}

/// The name the tokenizer is registered under in every tantivy index tejun opens.
pub const TOKENIZER: &str = "tejun";

#[derive(Clone)]
struct Span {
    text: Range<usize>,
    position: usize,
    offsets: Range<usize>,
}

/// The tokens of one field's text, as tantivy reads them.
pub struct TejunTokenStream<'a> {
    arena: &'a str,
    spans: &'a [Span],
    next: usize,
    token: tantivy::tokenizer::Token,
}

impl tantivy::tokenizer::Tokenizer for TejunTokenizer {
    type TokenStream<'a> = TejunTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TejunTokenStream<'a> {
        self.arena.clear();
        self.spans.clear();
        analyze_each_in(text, self.analysis, &mut |t| {
            let start = self.arena.len();
            self.arena.push_str(t.text);
            self.spans.push(Span {
                text: start..self.arena.len(),
                position: t.position,
                offsets: t.offsets,
            });
        });
        TejunTokenStream {
            arena: &self.arena,
            spans: &self.spans,
            next: 0,
            token: tantivy::tokenizer::Token::default(),
        }
    }
}

impl tantivy::tokenizer::TokenStream for TejunTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(span) = self.spans.get(self.next) else {
            return false;
        };
        self.next += 1;
        let t = &mut self.token;
        t.text.clear();
        t.text.push_str(&self.arena[span.text.clone()]);
        t.position = span.position;
        t.offset_from = span.offsets.start;
        t.offset_to = span.offsets.end;
        t.position_length = 1;
        true
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        &mut self.token
    }
}

/// `token@position` strings, the format of `tests/search-vectors.json`.
pub fn describe(text: &str) -> Vec<String> {
    describe_in(text, Analysis::Japanese)
}

/// [`describe`] with `analysis`.
pub fn describe_in(text: &str, analysis: Analysis) -> Vec<String> {
    analyze_in(text, analysis)
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
                "共有@0", "共@0", "有デ@1", "有@1", "デイ@2", "デ@2", "イス@3", "イ@3", "スク@4",
                "ス@4", "ク@5"
            ]
        );
        assert_eq!(describe("系"), ["系@0"]);
    }

    #[test]
    fn spellings_readers_mix_up_are_one() {
        assert_eq!(words("フェイル"), words("フエイル"));
        assert_eq!(words("サーバー"), words("サーバ"));
        assert_eq!(words("サーバーの設定"), words("サーバの設定"));
        // Two letters before the mark: it stays (エラー is never written エラ).
        assert_eq!(
            describe("エラー"),
            ["エラ@0", "エ@0", "ラー@1", "ラ@1", "ー@2"]
        );
        assert!(words("引き継ぎ").contains(&"引継".to_string()));
        // A particle between kanji is not okurigana.
        assert!(!words("終了を確認").contains(&"了確".to_string()));
        // The folded mark stays inside the last letter's offsets.
        let text = "サーバー設定";
        let t = analyze(text);
        let ba = t.iter().find(|t| t.text == "バ").unwrap();
        assert_eq!(&text[ba.offsets.clone()], "バー");
    }

    #[test]
    fn the_english_analysis_stems_words_and_keeps_commands() {
        let en = |t: &str| describe_in(t, Analysis::English);
        assert_eq!(en("Stopping"), ["stop@0", "stopping@0"]);
        assert_eq!(en("stop services"), ["stop@0", "servic@1", "services@1"]);
        // Words with digits, whole chunks and flags stay as written.
        assert_eq!(en("regsvr32 -u"), ["regsvr32@0", "-u@1", "u@1"]);
        assert_eq!(en("nqs_site"), describe("nqs_site"));
        assert_eq!(en("共有ディスク"), describe("共有ディスク"));
        // The stem keeps the word's offsets, so a snippet marks the word.
        let t = analyze_in("the services", Analysis::English);
        assert_eq!(t[1].text, "servic");
        assert_eq!(t[1].offsets, 4..12);
        // Japanese text keeps English words as written.
        assert_eq!(describe("stopping"), ["stopping@0"]);
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
