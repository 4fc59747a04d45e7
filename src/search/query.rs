//! Reading what a user typed. There is no query syntax to get wrong: whitespace separates
//! terms, `"…"` groups words into one phrase (an unterminated quote runs to the end), and
//! `cmd:` / `title:` (and the other [`Field`] names) restrict a term only when the prefix is
//! a known field; anything else, `C:\nqs` included, is text. Each term is analysed with
//! the same pipeline as the index and becomes a phrase over its primary tokens, so every
//! input yields a query and none fails to parse. `search.js` mirrors this.

use super::analyze::{analyze, AToken};

/// The searchable fields, with the names a query may use as a prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Title,
    Commands,
    Gui,
    Body,
    Procedure,
    Chapter,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::Title,
        Field::Commands,
        Field::Gui,
        Field::Body,
        Field::Procedure,
        Field::Chapter,
    ];

    /// Ranking weight: a match in a step's title or command counts more than in its prose.
    pub fn boost(self) -> f32 {
        match self {
            Field::Title => 3.0,
            Field::Commands => 2.5,
            Field::Gui => 1.5,
            Field::Body => 1.0,
            Field::Procedure => 0.5,
            Field::Chapter => 0.3,
        }
    }

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
    pub field: Option<Field>,
    /// `(offset, token)`, offsets counted from the term's first token.
    pub primaries: Vec<(usize, String)>,
    pub alternates: Vec<String>,
}

/// Splits a query into raw `(field, text)` pieces.
pub fn pieces(query: &str) -> Vec<(Option<Field>, String)> {
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
        let text: String;
        if chars[i] == '"' {
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
        out.push((field, text));
    }
    out
}

/// The query as analysed terms; empty when nothing in it is searchable (`:`, `""`).
pub fn parse(query: &str, only: Option<Field>) -> Vec<Term> {
    pieces(query)
        .into_iter()
        .filter_map(|(field, text)| {
            let tokens = analyze(&text);
            term(field.or(only), &tokens)
        })
        .collect()
}

fn term(field: Option<Field>, tokens: &[AToken]) -> Option<Term> {
    let first = tokens.iter().find(|t| t.primary)?.position;
    let mut primaries = Vec::new();
    let mut alternates = Vec::new();
    for t in tokens {
        if t.primary {
            primaries.push((t.position - first, t.text.clone()));
        } else if t.text.chars().count() > 1 {
            // Unigrams under a bigram would match far more than the phrase does.
            alternates.push(t.text.clone());
        }
    }
    Some(Term {
        field,
        primaries,
        alternates,
    })
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
    fn flags_and_joined_words_are_alternates() {
        let q = parse("-ivh NQS_SITE", None);
        assert_eq!(prim(&q[0]), ["ivh"]);
        assert_eq!(q[0].alternates, ["-ivh"]);
        assert_eq!(prim(&q[1]), ["nqs", "site"]);
        assert_eq!(q[1].alternates, ["nqs_site"]);
    }
}
