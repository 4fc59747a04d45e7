//! Finding a known problem by the message a reader pastes. What the product prints
//! differs from run to run in host names, paths, numbers, process ids, hex ids,
//! timestamps and quoted values; the words around them stay. Both sides are cut into
//! tokens and each varying token replaced by its class (`<num>`, `<path>`…), so the same
//! message from another machine gives the same tokens; the raw tokens are kept beside
//! them, so an exact match still ranks above a near one.
//!
//! `themes/default/search.js` holds a port (`messageTokens`, `messageScore`);
//! `tests/message-vectors.json` holds both to the same tokens and the same best match.

/// A message's tokens: `classes` with varying tokens replaced by their class, `raw` as
/// written (lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// Words, and class tokens for what varies.
    pub classes: Vec<String>,
    /// Every token as written, lowercased.
    pub raw: Vec<String>,
}

/// A score at least this high is a match: most of the message's words are there.
pub const MATCH: f64 = 0.5;

/// Characters a chunk may be wrapped in that are not part of it.
const WRAP: &[char] = &[
    '(', ')', '[', ']', '{', '}', '<', '>', ',', ';', ':', '.', '!', '?', '=',
];

/// Cuts `text` into tokens (see the module's doc).
pub fn tokens(text: &str) -> Tokens {
    let lower = text.to_lowercase();
    let mut out = Tokens {
        classes: Vec::new(),
        raw: Vec::new(),
    };
    for (chunk, quoted) in quote_split(&lower) {
        if quoted {
            out.classes.push("<q>".into());
            out.raw.push(chunk.to_string());
            continue;
        }
        for word in chunk.split_whitespace() {
            let w = word.trim_matches(WRAP);
            if w.is_empty() {
                continue;
            }
            match class(w) {
                Some(c) => {
                    out.classes.push(c.into());
                    out.raw.push(w.to_string());
                }
                None => pieces(w, &mut out),
            }
        }
    }
    out
}

/// `text` in runs outside and inside quotes (`'…'`, `"…"`, `` `…` ``); an unclosed quote
/// is text.
fn quote_split(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut from = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let q = bytes[i];
        // An apostrophe inside a word (`can't`) opens nothing.
        let opens =
            matches!(q, b'\'' | b'"' | b'`') && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if opens {
            if let Some(len) = text[i + 1..].find(q as char) {
                out.push((&text[from..i], false));
                out.push((&text[i + 1..i + 1 + len], true));
                i += len + 2;
                from = i;
                continue;
            }
        }
        i += 1;
    }
    out.push((&text[from..], false));
    out
}

/// The class of a whole chunk, when it is one of the varying kinds.
fn class(w: &str) -> Option<&'static str> {
    let b = w.as_bytes();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    // 2026-12-04, 2026-12-04t13:52:11z, 13:52:11, 13:52:11.123
    let ascii_digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    if b.len() >= 10
        && ascii_digits(&b[0..4])
        && b[4] == b'-'
        && ascii_digits(&b[5..7])
        && b[7] == b'-'
    {
        return Some("<time>");
    }
    let time_like = w.split(':').count() >= 2
        && w.split(':').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|c| c.is_ascii_digit() || c == b'.' || c == b',')
        })
        && w.split(':').next().is_some_and(|h| h.len() <= 2);
    if time_like {
        return Some("<time>");
    }
    if w.contains('/') || w.contains('\\') {
        return Some("<path>");
    }
    let (host, port) = match w.rsplit_once(':') {
        Some((h, p)) if digits(p) => (h, true),
        _ => (w, false),
    };
    if host.split('.').count() == 4 && host.split('.').all(|p| digits(p) && p.len() <= 3) {
        return Some("<ip>");
    }
    let hex_body = w.strip_prefix("0x").unwrap_or(w);
    let hexish = |s: &str| s.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-');
    if (w.starts_with("0x") && !hex_body.is_empty() && hexish(hex_body))
        || (hex_body.len() >= 8
            && hexish(hex_body)
            && hex_body.bytes().any(|c| c.is_ascii_digit())
            && hex_body.bytes().any(|c| c.is_ascii_alphabetic()))
    {
        return Some("<hex>");
    }
    let labels: Vec<&str> = host.split('.').collect();
    let is_label =
        |l: &&str| !l.is_empty() && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    if labels.len() >= 3 && labels.iter().all(is_label) && labels.iter().any(|l| !digits(l)) {
        return Some("<host>");
    }
    if port && labels.iter().all(is_label) {
        return Some("<host>");
    }
    None
}

/// A chunk of no class, cut at every character that is not a letter or digit and where
/// letters meet digits (`node01` → `node`, `<num>`); runs of digits become `<num>`.
fn pieces(w: &str, out: &mut Tokens) {
    let mut cur = String::new();
    let mut cur_digit = false;
    let flush = |cur: &mut String, digit: bool, out: &mut Tokens| {
        if cur.is_empty() {
            return;
        }
        out.classes
            .push(if digit { "<num>".into() } else { cur.clone() });
        out.raw.push(std::mem::take(cur));
    };
    for c in w.chars() {
        if !c.is_alphanumeric() {
            flush(&mut cur, cur_digit, out);
            continue;
        }
        let d = c.is_ascii_digit();
        if !cur.is_empty() && d != cur_digit {
            flush(&mut cur, cur_digit, out);
        }
        cur_digit = d;
        cur.push(c);
    }
    flush(&mut cur, cur_digit, out);
}

/// How well a pasted `query` matches `message`, from 0 to a little over 1: the share of
/// the message's class tokens the query holds (a longer paste around the message still
/// matches it), weighed down a little by the query's other tokens, plus a small bonus
/// for raw tokens in common.
pub fn score(query: &Tokens, message: &Tokens) -> f64 {
    if message.classes.is_empty() || query.classes.is_empty() {
        return 0.0;
    }
    let common = |a: &[String], b: &[String]| -> usize {
        let mut left: Vec<&String> = b.iter().collect();
        let mut n = 0;
        for t in a {
            if let Some(i) = left.iter().position(|x| *x == t) {
                left.swap_remove(i);
                n += 1;
            }
        }
        n
    };
    let matched = common(&message.classes, &query.classes) as f64;
    let of_message = matched / message.classes.len() as f64;
    let of_query = matched / query.classes.len() as f64;
    let exact = common(&message.raw, &query.raw) as f64 / message.raw.len().max(1) as f64;
    0.8 * of_message + 0.2 * of_query + 0.1 * exact
}

/// The best score of `query` over `messages`.
pub fn best(query: &Tokens, messages: &[String]) -> f64 {
    messages
        .iter()
        .map(|m| score(query, &tokens(m)))
        .fold(0.0, f64::max)
}

/// A known problem a pasted message matches.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProblemHit {
    /// The problem's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its page, relative to the site (`problem-<id>.html`).
    pub link: String,
    /// The message of the problem it matched best.
    pub message: String,
    /// How well (see [`score`]); at least [`MATCH`].
    pub score: f64,
}

/// The problems of `book` whose messages `pasted` matches, best first (ties in id order).
pub fn rank(book: &crate::model::Book, pasted: &str, limit: usize) -> Vec<ProblemHit> {
    rank_problems(&book.problems, pasted, limit)
}

/// [`rank`] over a list of problems.
pub fn rank_problems(
    problems: &[crate::model::Problem],
    pasted: &str,
    limit: usize,
) -> Vec<ProblemHit> {
    let q = tokens(pasted);
    let mut hits: Vec<ProblemHit> = problems
        .iter()
        .filter_map(|p| {
            let (score, message) = p
                .messages
                .iter()
                .map(|m| (score(&q, &tokens(m)), m))
                .max_by(|a, b| a.0.total_cmp(&b.0))?;
            (score >= MATCH).then(|| ProblemHit {
                id: p.id.clone(),
                title: p.title.clone(),
                link: format!("{}.html", p.page()),
                message: message.clone(),
                score,
            })
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Vectors {
        tokens: Vec<TokenCase>,
        matches: Vec<MatchCase>,
    }
    #[derive(serde::Deserialize)]
    struct TokenCase {
        text: String,
        classes: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct MatchCase {
        query: String,
        messages: Vec<String>,
        /// The index of the message that must rank first, or `null` when none matches.
        best: Option<usize>,
    }

    fn vectors() -> Vectors {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/message-vectors.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn tokens_follow_the_shared_vectors() {
        for case in vectors().tokens {
            assert_eq!(tokens(&case.text).classes, case.classes, "{}", case.text);
        }
    }

    #[test]
    fn pasted_messages_find_their_own_first() {
        for case in vectors().matches {
            let q = tokens(&case.query);
            let scores: Vec<f64> = case
                .messages
                .iter()
                .map(|m| score(&q, &tokens(m)))
                .collect();
            let top = scores
                .iter()
                .enumerate()
                .filter(|(_, s)| **s >= MATCH)
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, _)| i);
            assert_eq!(top, case.best, "{} → {scores:?}", case.query);
        }
    }
}
