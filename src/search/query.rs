//! Reading what a user typed. There is no query syntax to get wrong: whitespace separates
//! terms, `"…"` groups words into one phrase (an unterminated quote runs to the end), and
//! `cmd:` / `title:` (and the other [`Field`] names) restrict a term only when the prefix is
//! a known field; anything else, `C:\nqs` included, is text. Each term is analysed with
//! the same pipeline as the index and becomes a phrase over its primary tokens, so every
//! input yields a query and none fails to parse. `search.js` mirrors this.
//!
//! Japanese is typed as the writer would never write it: with particles (`サービスを停止`
//! for a title `サービス停止`), inflected (`停止する`, `引き継げない`), okurigana or
//! not (`引き継ぎ` / `引継`). Outside quotes, a piece is cut where a particle or an
//! inflection stands between words, a trailing inflection is dropped, and a single kana
//! between two kanji is folded away (the analyser indexes `引き継` under `引継` too), so
//! each piece becomes the stems a book writes. Stop words (particles, `the`, `how`…) are
//! dropped unless nothing else is left. The last piece, when the query does not end in a
//! space, is still being typed: [`super::expand`] lets its last word match as a prefix.

use super::analyze::{analyze_in, is_hiragana, is_kanji, AToken, Analysis};

/// The searchable fields, with the names a query may use as a prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The step's or intro's title.
    Title,
    /// Command lines.
    Commands,
    /// GUI menu paths.
    Gui,
    /// Prose, notes, output, process names.
    Body,
    /// The procedure's title.
    Procedure,
    /// The chapter's title.
    Chapter,
}

impl Field {
    /// Every field, in the order of their masks.
    pub const ALL: [Field; 6] = [
        Field::Title,
        Field::Commands,
        Field::Gui,
        Field::Body,
        Field::Procedure,
        Field::Chapter,
    ];

    /// Ranking weight ([`super::rank`]): a match in a step's title or command counts more
    /// than in its prose.
    pub fn boost(self) -> f64 {
        match self {
            Field::Title => 3.0,
            Field::Commands => 2.5,
            Field::Gui => 1.5,
            Field::Body => 1.0,
            Field::Procedure => 0.5,
            Field::Chapter => 0.3,
        }
    }

    /// Its name in the index and in `field:` prefixes.
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Commands => "cmd",
            Field::Gui => "gui",
            Field::Body => "body",
            Field::Procedure => "proc",
            Field::Chapter => "chapter",
        }
    }

    /// The field a query prefix or `--field` names (`cmd`, `command`, `title`, …).
    pub fn parse(name: &str) -> Option<Field> {
        Some(match name.to_ascii_lowercase().as_str() {
            "title" => Field::Title,
            "cmd" | "command" | "commands" => Field::Commands,
            "gui" => Field::Gui,
            "body" | "text" => Field::Body,
            "proc" | "procedure" => Field::Procedure,
            "chapter" => Field::Chapter,
            _ => return None,
        })
    }
}

/// One term of a query: all its primary tokens must occur as a phrase; alternates (whole
/// chunks like `nqs_site`, flags like `-ivh`) only add to the score.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The field it is restricted to (`cmd:`), if any.
    pub field: Option<Field>,
    /// `(offset, token)`, offsets counted from the term's first token.
    pub primaries: Vec<(usize, String)>,
    /// Tokens that only add to the score.
    pub alternates: Vec<String>,
    /// Written in quotes: matched as written, never widened.
    pub quoted: bool,
    /// The last term of a query that does not end in white space: still being typed.
    pub prefix: bool,
    /// When the term joins scripts (`サービス停止`, `リソースDLL`), each script's stretch
    /// analysed alone: the book may write them apart (`サービスを停止`). Empty otherwise.
    pub parts: Vec<Vec<(usize, String)>>,
}

/// One piece of a query as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The field prefix written before it, if any.
    pub field: Option<Field>,
    /// The text, without the prefix or quotes.
    pub text: String,
    /// Whether it was in quotes.
    pub quoted: bool,
}

/// Splits a query into raw pieces.
pub fn pieces(query: &str) -> Vec<Piece> {
    let chars: Vec<char> = query.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut field = None;
        // A known field name, a colon, and something after it.
        if let Some(colon) = (i..chars.len())
            .take_while(|&k| chars[k].is_ascii_alphabetic() || chars[k] == ':')
            .find(|&k| chars[k] == ':')
        {
            let name: String = chars[i..colon].iter().collect();
            let rest = chars.get(colon + 1);
            if let (Some(f), Some(c)) = (Field::parse(&name), rest) {
                if !c.is_whitespace() {
                    field = Some(f);
                    i = colon + 1;
                }
            }
        }
        let quoted = chars[i] == '"';
        let text: String;
        if quoted {
            let end = (i + 1..chars.len())
                .find(|&k| chars[k] == '"')
                .unwrap_or(chars.len());
            text = chars[i + 1..end].iter().collect();
            i = end + 1;
        } else {
            let end = (i..chars.len())
                .find(|&k| chars[k].is_whitespace())
                .unwrap_or(chars.len());
            text = chars[i..end].iter().collect();
            i = end;
        }
        out.push(Piece {
            field,
            text,
            quoted,
        });
    }
    out
}

/// The query as analysed terms; empty when nothing in it is searchable (`:`, `""`). With
/// the Japanese analysis (the default language's); [`parse_in`] names it.
pub fn parse(query: &str, only: Option<Field>) -> Vec<Term> {
    parse_in(query, only, Analysis::Japanese)
}

/// [`parse`] against an index analysed with `analysis`.
pub fn parse_in(query: &str, only: Option<Field>, analysis: Analysis) -> Vec<Term> {
    let typing = !query.ends_with(char::is_whitespace);
    let mut parts: Vec<(Piece, String)> = Vec::new();
    for piece in pieces(query) {
        if piece.quoted {
            parts.push((piece.clone(), piece.text));
        } else {
            for stem in stems(&piece.text) {
                parts.push((piece.clone(), stem));
            }
        }
    }
    let kept: Vec<&(Piece, String)> = parts
        .iter()
        .filter(|(p, t)| p.quoted || p.field.is_some() || !is_stop_word(t))
        .collect();
    // A query of stop words alone (`how to`) is searched as it is.
    let kept = if kept.is_empty() {
        parts.iter().collect()
    } else {
        kept
    };
    let last = kept.len().saturating_sub(1);
    kept.iter()
        .enumerate()
        .filter_map(|(n, (piece, text))| {
            let tokens = analyze_in(text, analysis);
            let prefix = typing && n == last && !piece.quoted;
            let mut t = term(piece.field.or(only), &tokens, piece.quoted, prefix)?;
            if !piece.quoted {
                t.parts = script_parts(text, analysis);
            }
            Some(t)
        })
        .collect()
}

fn term(field: Option<Field>, tokens: &[AToken], quoted: bool, prefix: bool) -> Option<Term> {
    let first = tokens.iter().find(|t| t.primary)?.position;
    let mut primaries = Vec::new();
    let mut alternates = Vec::new();
    for t in tokens {
        if t.primary {
            primaries.push((t.position - first, t.text.clone()));
        } else if t.text.chars().count() > 1 && !alternates.contains(&t.text) {
            // Unigrams under a bigram would match far more than the phrase does.
            alternates.push(t.text.clone());
        }
    }
    Some(Term {
        field,
        primaries,
        alternates,
        quoted,
        prefix,
        parts: Vec::new(),
    })
}

/// Which script a character is, for [`script_parts`]: katakana, other CJK, anything else.
fn script(c: char) -> u8 {
    if matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー') {
        0
    } else if super::analyze::is_cjk_char(c) {
        1
    } else {
        2
    }
}

/// The primaries of each stretch of one script in `text`, when there are two or more.
fn script_parts(text: &str, analysis: Analysis) -> Vec<Vec<(usize, String)>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=chars.len() {
        if i == chars.len() || script(chars[i]) != script(chars[i - 1]) {
            let stretch: String = chars[start..i].iter().collect();
            if let Some(t) = term(None, &analyze_in(&stretch, analysis), false, false) {
                out.push(t.primaries);
            }
            start = i;
        }
    }
    if out.len() < 2 {
        out.clear();
    }
    out
}

/// One-kana particles: never folded away between kanji, always a cut.
pub const PARTICLES: &str = "をのにはがでともへやかねよ";

/// The stems of an unquoted piece: cut at particles and inflections between words, a
/// trailing inflection dropped, a lone okurigana between kanji folded away. A piece of
/// kana alone stays whole.
pub fn stems(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.iter().all(|&c| is_hiragana(c)) {
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    while i < chars.len() {
        let kana = is_hiragana(chars[i]);
        let end = (i..chars.len())
            .find(|&k| is_hiragana(chars[k]) != kana)
            .unwrap_or(chars.len());
        let between_kanji =
            i > 0 && end < chars.len() && is_kanji(chars[i - 1]) && is_kanji(chars[end]);
        if !kana || i == 0 {
            // A word's characters; a leading kana run (`お問い合わせ`) belongs to its word.
            cur.extend(&chars[i..end]);
        } else if end - i == 1 && between_kanji && !PARTICLES.contains(chars[i]) {
            // 引き継 → 引継: the okurigana folded away.
        } else if !cur.is_empty() {
            // A particle or an inflection: the word before it ends.
            out.push(std::mem::take(&mut cur));
        }
        i = end;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words that carry no meaning of their own in a query.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "by",
    "can",
    "do",
    "does",
    "for",
    "from",
    "how",
    "i",
    "in",
    "is",
    "it",
    "my",
    "of",
    "on",
    "or",
    "the",
    "this",
    "to",
    "what",
    "when",
    "which",
    "with",
    "を",
    "の",
    "に",
    "は",
    "が",
    "で",
    "と",
    "も",
    "へ",
    "や",
    "か",
    "から",
    "まで",
    "より",
    "です",
    "ます",
    "する",
    "した",
    "して",
    "ください",
    "こと",
    "ため",
];

/// Whether a word is too common to narrow a search (`the`, `を`).
pub fn is_stop_word(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    STOP_WORDS.contains(&lower.as_str())
}

/// Every token a match may show, for highlighting snippets.
pub fn highlight_tokens(terms: &[Term]) -> Vec<String> {
    let mut out: Vec<String> = terms
        .iter()
        .flat_map(|t| {
            t.primaries
                .iter()
                .map(|(_, s)| s.clone())
                .chain(t.alternates.iter().cloned())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prim(t: &Term) -> Vec<&str> {
        t.primaries.iter().map(|(_, s)| s.as_str()).collect()
    }

    #[test]
    fn colons_are_text_unless_a_known_field() {
        let q = parse(r"C:\nqs", None);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].field, None);
        assert_eq!(prim(&q[0]), ["c", "nqs"]);
        let q = parse("cmd:regsvr32", None);
        assert_eq!(q[0].field, Some(Field::Commands));
        assert_eq!(prim(&q[0]), ["regsvr32"]);
        assert!(parse(":", None).is_empty());
        assert!(parse("", None).is_empty());
        assert!(parse("cmd:", None).iter().all(|t| t.field.is_none()));
    }

    #[test]
    fn quotes_make_one_phrase_and_may_be_unterminated() {
        let q = parse("\"nqs stop\" site", None);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].primaries, [(0, "nqs".into()), (1, "stop".into())]);
        let q = parse("\"unterminated", None);
        assert_eq!(prim(&q[0]), ["unterminated"]);
        let q = parse("title:\"共有ディスク\"", None);
        assert_eq!(q[0].field, Some(Field::Title));
    }

    #[test]
    fn japanese_pieces_become_the_stems_a_book_writes() {
        let stems_of = |t: &str| stems(t);
        assert_eq!(stems_of("サービスを停止"), ["サービス", "停止"]);
        assert_eq!(stems_of("停止する"), ["停止"]);
        assert_eq!(stems_of("引き継げない"), ["引継"]);
        assert_eq!(stems_of("引き継ぎ"), ["引継"]);
        assert_eq!(stems_of("Exampleのサービス"), ["Example", "サービス"]);
        assert_eq!(stems_of("お問い合わせ"), ["お問合"]);
        assert_eq!(stems_of("できない"), ["できない"]);
        assert_eq!(stems_of("終了を確認してください"), ["終了", "確認"]);
        assert_eq!(stems_of("regsvr32"), ["regsvr32"]);
    }

    #[test]
    fn stop_words_go_unless_nothing_else_is_left() {
        let words = |q: &str| -> Vec<String> {
            parse(q, None)
                .iter()
                .map(|t| t.primaries.iter().map(|(_, s)| s.as_str()).collect())
                .collect()
        };
        assert_eq!(words("how to drain the node"), ["drain", "node"]);
        assert_eq!(words("how to"), ["how", "to"]);
        assert_eq!(words("\"the\" node"), ["the", "node"]);
        assert_eq!(words("Nginx の 停止"), ["nginx", "停止"]);
    }

    #[test]
    fn only_the_last_piece_of_a_query_being_typed_is_a_prefix() {
        let flags = |q: &str| parse(q, None).iter().map(|t| t.prefix).collect::<Vec<_>>();
        assert_eq!(flags("nqs stop"), [false, true]);
        assert_eq!(flags("nqs stop "), [false, false]);
        assert_eq!(flags("nqs \"stop\""), [false, false]);
    }

    #[test]
    fn flags_and_joined_words_are_alternates() {
        let q = parse("-ivh NQS_SITE", None);
        assert_eq!(prim(&q[0]), ["ivh"]);
        assert_eq!(q[0].alternates, ["-ivh"]);
        assert_eq!(prim(&q[1]), ["nqs", "site"]);
        assert_eq!(q[1].alternates, ["nqs_site"]);
    }
}
