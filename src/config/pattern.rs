//! Placeholder patterns, which two engines read: the `regex` crate (`tejun check`,
//! `runbook --set`) and the browser's `RegExp` with the `u` flag (`placeholders.js`, live
//! as the reader types). Their syntaxes overlap only in part: `(?i)` is an error to
//! JavaScript (so the browser stopped checking), `\p{Han}` is a script to Rust and an
//! error to JavaScript, `\d` is any Unicode digit to Rust and `0-9` to JavaScript.
//!
//! So a pattern must stay inside a subset both read alike, checked here by a small
//! scanner that accepts only what it knows (anything else is an error at its column):
//!
//! - literals; `.`, `^`, `$`; alternation `|`; groups `(…)` and `(?:…)`;
//! - quantifiers `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each optionally lazy (`?`), after
//!   something that can repeat;
//! - classes `[…]`, `[^…]` of characters and ranges (`-` first, last, or escaped);
//! - escapes of syntax characters (`\.`, `\(`, `\/`, … and `\-` in a class), `\n`, `\r`,
//!   `\t`, `\f`, `\v`, `\xHH`, `\uHHHH`, `\u{H…}`;
//! - Unicode properties `\p{…}`/`\P{…}`: `gc=`, `General_Category=`, `sc=`, `Script=`,
//!   `scx=`, `Script_Extensions=`, or a lone general category or script (`\p{Lu}`,
//!   `\p{Han}`), spelt as Unicode spells it. A lone name is written out with its key
//!   (`\p{scx=Han}`, which is what `regex` reads `\p{Han}` as) in the pattern both engines
//!   receive, since JavaScript reads a lone name only as a category.
//!
//! Refused with a hint: inline flags and named groups, `\d \w \s \b` and their negations
//! (Unicode-aware in Rust, ASCII in JavaScript), `\A \z`, nested classes and class set
//! operations, `{`/`}`/`]` unescaped, one-letter `\pL`, and every other escape.
//!
//! A value is one line: values holding a line break or U+2028/U+2029 are refused on both
//! sides, which makes `.` (which stops at different line ends in each) mean the same.

use std::ops::Range;

/// A pattern outside the subset, or one `regex` refuses; `span` is in the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// What is wrong.
    pub message: String,
    /// Where, in the pattern.
    pub span: Range<usize>,
    /// How to write it instead, when there is a likely way.
    pub hint: Option<String>,
}

/// Checks `src` and compiles it, anchored at both ends, for Rust. The compiled source
/// (`Regex::as_str`) is the form the browser gets.
pub fn compile(src: &str) -> Result<regex::Regex, PatternError> {
    let portable = portable(src)?;
    regex::Regex::new(&format!("^(?:{portable})$")).map_err(|e| PatternError {
        message: format!(
            "invalid pattern: {}",
            e.to_string()
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .trim_start_matches("error: ")
        ),
        span: 0..src.len(),
        hint: None,
    })
}

/// Whether `value` can be a placeholder's value at all: one line (see the module docs).
pub fn one_line(value: &str) -> bool {
    !value.contains(['\n', '\r', '\u{2028}', '\u{2029}'])
}

/// `src` checked against the subset, with lone property names given their key.
pub fn portable(src: &str) -> Result<String, PatternError> {
    let mut s = Scanner {
        src,
        pos: 0,
        out: String::with_capacity(src.len()),
        groups: Vec::new(),
    };
    s.pattern()?;
    Ok(s.out)
}

struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    out: String,
    /// Where each open group starts.
    groups: Vec<usize>,
}

/// What the scanner just read, as far as a following quantifier cares.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    /// Nothing that can repeat: the start, `|`, `(`, `^`, `$`, or a quantifier.
    Nothing,
    Atom,
    /// A quantifier without its lazy `?` yet.
    Quantifier,
}

const SYNTAX: &str = "^$\\.*+?()[]{}|/";

fn err<T>(
    span: Range<usize>,
    message: impl Into<String>,
    hint: Option<&str>,
) -> Result<T, PatternError> {
    Err(PatternError {
        message: message.into(),
        span,
        hint: hint.map(str::to_string),
    })
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    /// Copies `len` bytes from the pattern to the output.
    fn take(&mut self, len: usize) {
        self.out.push_str(&self.src[self.pos..self.pos + len]);
        self.pos += len;
    }

    fn pattern(&mut self) -> Result<(), PatternError> {
        let mut last = Last::Nothing;
        while let Some(c) = self.peek() {
            let at = self.pos;
            last = match c {
                '(' => self.open_group()?,
                ')' => {
                    if self.groups.pop().is_none() {
                        return err(
                            at..at + 1,
                            "unmatched `)`",
                            Some("a literal `)` is written `\\)`"),
                        );
                    }
                    self.take(1);
                    Last::Atom
                }
                '|' => {
                    self.take(1);
                    Last::Nothing
                }
                '^' | '$' => {
                    self.take(1);
                    Last::Nothing
                }
                '*' | '+' | '?' | '{' => self.quantifier(last)?,
                '[' => {
                    self.class()?;
                    Last::Atom
                }
                '\\' => {
                    self.escape(false)?;
                    Last::Atom
                }
                ']' | '}' => {
                    return err(
                        at..at + 1,
                        format!("a literal `{c}` must be escaped"),
                        Some(if c == ']' {
                            "write `\\]`"
                        } else {
                            "write `\\}`"
                        }),
                    )
                }
                _ => {
                    self.take(c.len_utf8());
                    Last::Atom
                }
            };
        }
        if let Some(&open) = self.groups.last() {
            return err(
                open..open + 1,
                "unclosed `(`",
                Some("close the group with `)`"),
            );
        }
        Ok(())
    }

    fn open_group(&mut self) -> Result<Last, PatternError> {
        let at = self.pos;
        if self.rest().starts_with("(?:") {
            self.take(3);
        } else if self.rest().starts_with("(?") {
            let named = self.rest().starts_with("(?P<") || self.rest().starts_with("(?<");
            let (message, hint) = if named {
                (
                    "named groups are not supported",
                    "use a plain group `(…)` or `(?:…)`",
                )
            } else {
                (
                    "inline flags such as `(?i)` are not supported: browsers read them differently",
                    "spell out what the flag meant, e.g. `[Aa]` for either case",
                )
            };
            let end = self
                .rest()
                .find([')', ':'])
                .map_or(self.src.len(), |e| at + e + 1);
            return err(at..end, message, Some(hint));
        } else {
            self.take(1);
        }
        self.groups.push(at);
        Ok(Last::Nothing)
    }

    fn quantifier(&mut self, last: Last) -> Result<Last, PatternError> {
        let at = self.pos;
        let c = self.peek().unwrap_or('?');
        if c == '?' && last == Last::Quantifier {
            self.take(1);
            return Ok(Last::Nothing);
        }
        if c == '{' {
            let len = counted_repetition(self.rest()).ok_or(PatternError {
                message: "`{` starts a count like `{2}`, `{2,}` or `{2,5}`".into(),
                span: at..at + 1,
                hint: Some("a literal `{` is written `\\{`".into()),
            })?;
            if last != Last::Atom {
                return err(at..at + len, "nothing to repeat before this count", None);
            }
            self.take(len);
            return Ok(Last::Quantifier);
        }
        if last != Last::Atom {
            return err(
                at..at + 1,
                format!("nothing to repeat before `{c}`"),
                Some("a literal is escaped: `\\*`, `\\+`, `\\?`"),
            );
        }
        self.take(1);
        Ok(Last::Quantifier)
    }

    fn class(&mut self) -> Result<(), PatternError> {
        let open = self.pos;
        self.take(1);
        if self.peek() == Some('^') {
            self.take(1);
        }
        if self.peek() == Some(']') {
            return err(
                open..self.pos + 1,
                "an empty class, or a `]` first in one, reads differently in browsers",
                Some("write a literal `]` as `\\]`"),
            );
        }
        let first = self.pos;
        // Whether the previous item was one character (the start of a possible range).
        let mut single = false;
        loop {
            let at = self.pos;
            let Some(c) = self.peek() else {
                return err(
                    open..open + 1,
                    "unclosed `[`",
                    Some("close the class with `]`"),
                );
            };
            match c {
                ']' => {
                    self.take(1);
                    return Ok(());
                }
                '[' => {
                    return err(
                        at..at + 1,
                        "a `[` inside a class must be escaped: nested classes read differently in browsers",
                        Some("write `\\[`"),
                    )
                }
                '&' | '~' | '-' if self.peek_at(1) == Some(c) => {
                    return err(
                        at..at + 2,
                        format!("class operations such as `{c}{c}` are not supported"),
                        Some("list the characters the class should hold"),
                    )
                }
                '-' => {
                    let last_in_class = self.peek_at(1) == Some(']');
                    if at == first || last_in_class {
                        self.take(1);
                        single = true;
                    } else if single {
                        self.take(1);
                        self.range_end(at)?;
                        single = false;
                    } else {
                        return err(at..at + 1, "a `-` here must be escaped", Some("write `\\-`"));
                    }
                }
                '\\' => single = self.escape(true)?,
                _ => {
                    self.take(c.len_utf8());
                    single = true;
                }
            }
        }
    }

    /// The end of a range `a-z`, after its `-` at `dash`.
    fn range_end(&mut self, dash: usize) -> Result<(), PatternError> {
        match self.peek() {
            Some('\\') if self.escape(true)? => Ok(()),
            Some('\\') => err(dash..self.pos, "a range ends at a single character", None),
            Some('[') | Some(']') | None => err(
                dash..dash + 1,
                "a `-` here must be escaped",
                Some("write `\\-`"),
            ),
            Some(c) => {
                self.take(c.len_utf8());
                Ok(())
            }
        }
    }

    /// An escape at the cursor; returns whether it stands for one character (not a set).
    fn escape(&mut self, in_class: bool) -> Result<bool, PatternError> {
        let at = self.pos;
        let Some(c) = self.peek_at(1) else {
            return err(
                at..at + 1,
                "a pattern cannot end in `\\`",
                Some("write `\\\\` for a backslash"),
            );
        };
        let span = at..at + 1 + c.len_utf8();
        match c {
            c if SYNTAX.contains(c) || (in_class && c == '-') => self.take(2),
            'n' | 'r' | 't' | 'f' | 'v' => self.take(2),
            'x' => {
                let hex = self.src[at + 2..].bytes().take(2).filter(u8::is_ascii_hexdigit).count();
                if hex != 2 {
                    return err(span, "`\\x` takes two hex digits", Some("write `\\xHH`, or `\\u{H…}` for more"));
                }
                self.take(4);
            }
            'u' => self.unicode_escape()?,
            'p' | 'P' => {
                self.property()?;
                return Ok(false);
            }
            'd' | 'D' => {
                return err(
                    span,
                    format!("`\\{c}` means any Unicode digit to Rust but only 0-9 to browsers"),
                    Some("write `[0-9]`"),
                )
            }
            'w' | 'W' => {
                return err(
                    span,
                    format!("`\\{c}` means Unicode word characters to Rust but ASCII ones to browsers"),
                    Some("write `[A-Za-z0-9_]`, or `\\p{L}` for letters of any script"),
                )
            }
            's' | 'S' => {
                return err(
                    span,
                    format!("`\\{c}` means different spaces to Rust and to browsers"),
                    Some("write the characters, e.g. `[ \\t]`"),
                )
            }
            'b' | 'B' => {
                return err(
                    span,
                    "word boundaries differ between Rust and browsers",
                    Some("a placeholder's pattern is matched against the whole value"),
                )
            }
            'A' | 'z' => {
                return err(
                    span,
                    format!("`\\{c}` is not supported"),
                    Some("the pattern is already matched against the whole value"),
                )
            }
            _ => {
                return err(
                    span,
                    format!("`\\{c}` is not an escape both Rust and browsers read"),
                    Some("escape only syntax characters (`\\.`, `\\(`, `\\[`, …), or use `\\n`, `\\t`, `\\xHH`, `\\u{H…}`, `\\p{…}`"),
                )
            }
        }
        Ok(true)
    }

    /// `\uHHHH` or `\u{H…}`.
    fn unicode_escape(&mut self) -> Result<(), PatternError> {
        let at = self.pos;
        let after = &self.src[at + 2..];
        let len = if let Some(braced) = after.strip_prefix('{') {
            let digits = braced.bytes().take_while(u8::is_ascii_hexdigit).count();
            (digits > 0 && digits <= 6 && braced[digits..].starts_with('}'))
                .then_some(2 + 1 + digits + 1)
        } else {
            (after.bytes().take(4).filter(u8::is_ascii_hexdigit).count() == 4).then_some(6)
        };
        let Some(len) = len else {
            return err(
                at..at + 2,
                "`\\u` takes four hex digits or `{H…}`",
                Some("write `\\u00e9` or `\\u{1f600}`"),
            );
        };
        self.take(len);
        Ok(())
    }

    /// `\p{…}` or `\P{…}`.
    fn property(&mut self) -> Result<(), PatternError> {
        let at = self.pos;
        let neg = &self.src[at..at + 2];
        let Some(body) = self.src[at + 2..].strip_prefix('{') else {
            return err(
                at..at + 2,
                format!("write `{neg}{{…}}` with braces"),
                Some("e.g. `\\p{L}`, `\\p{Han}`"),
            );
        };
        let Some(end) = body.find('}') else {
            return err(at..at + 3, format!("unclosed `{neg}{{`"), None);
        };
        let inner = &body[..end];
        let span = at..at + 3 + end + 1;
        let (key, name) = match inner.split_once('=') {
            Some((key, name)) => (Some(key), name),
            None => (None, inner),
        };
        if let Some(key) = key {
            const KEYS: [&str; 6] = [
                "gc",
                "General_Category",
                "sc",
                "Script",
                "scx",
                "Script_Extensions",
            ];
            if !KEYS.contains(&key) {
                return err(
                    span,
                    format!("`{key}` is not a property both Rust and browsers read here"),
                    Some("use gc=, General_Category=, sc=, Script=, scx= or Script_Extensions="),
                );
            }
        }
        if !unicode_spelling(name) {
            return err(
                span,
                format!("`{name}` is not spelt as Unicode spells property values"),
                Some("browsers match names exactly: `Lu`, `Letter`, `Han`, `Old_Italic`"),
            );
        }
        let key = match key {
            Some(k) => k,
            None if compiles(&format!("\\p{{gc={name}}}")) => "gc",
            None if compiles(&format!("\\p{{scx={name}}}")) => "scx",
            None => {
                return err(
                    span,
                    format!("`{name}` is neither a general category nor a script"),
                    Some("e.g. `\\p{L}`, `\\p{Lu}`, `\\p{Han}`, `\\p{Hiragana}`"),
                )
            }
        };
        self.out.push_str(&format!("{neg}{{{key}={name}}}"));
        self.pos = span.end;
        Ok(())
    }
}

/// The length of `{n}`, `{n,}` or `{n,m}` (and its lazy `?`, left to the caller) at the
/// start of `s`.
fn counted_repetition(s: &str) -> Option<usize> {
    let body = s.strip_prefix('{')?;
    let close = body.find('}')?;
    let (low, high) = match body[..close].split_once(',') {
        Some((low, high)) => (low, Some(high)),
        None => (&body[..close], None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    (digits(low) && high.is_none_or(|h| h.is_empty() || digits(h))).then_some(close + 2)
}

/// Unicode's own spelling of a property value (`Lu`, `Uppercase_Letter`, `Han`,
/// `Old_Italic`, `SignWriting`): browsers accept nothing looser, while `regex` ignores
/// case, spaces and underscores.
fn unicode_spelling(name: &str) -> bool {
    name.split('_').all(|word| {
        word.starts_with(|c: char| c.is_ascii_uppercase())
            && word.bytes().all(|b| b.is_ascii_alphabetic())
    })
}

fn compiles(pattern: &str) -> bool {
    regex::Regex::new(pattern).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(pattern: &str, value: &str) -> bool {
        compile(pattern).unwrap().is_match(value) && one_line(value)
    }

    #[test]
    fn lone_names_get_their_key() {
        assert_eq!(portable(r"\p{Han}+").unwrap(), r"\p{scx=Han}+");
        assert_eq!(
            portable(r"[\P{Lu}\p{Hiragana}]").unwrap(),
            r"[\P{gc=Lu}\p{scx=Hiragana}]"
        );
        assert_eq!(portable(r"\p{Script=Latin}").unwrap(), r"\p{Script=Latin}");
        assert!(accepts(r"\p{Han}+", "漢字"));
        assert!(!accepts(r"\p{Han}+", "kanji"));
    }

    #[test]
    fn patterns_real_books_write_are_portable() {
        for p in [
            r"[A-Za-z0-9][A-Za-z0-9.-]{0,253}",
            r"[A-Za-z]:\\.*",
            r"[0-9]+\.[0-9]+\.[0-9]+",
            r"[A-Za-z0-9 _-]+",
        ] {
            assert_eq!(portable(p).unwrap(), p);
        }
    }

    #[test]
    fn refusals_point_at_the_construct() {
        let at = |p: &str| portable(p).unwrap_err().span;
        assert_eq!(at("(?i)abc"), 0..4);
        assert_eq!(at(r"ab\d"), 2..4);
        assert_eq!(at("a{,3}"), 1..2);
        assert_eq!(at("[[a-z]]"), 1..2);
        assert_eq!(at("[a-z&&[^q]]"), 4..6);
        assert_eq!(at(r"\pL"), 0..2);
        assert_eq!(at(r"\p{han}"), 0..7);
        assert_eq!(at("*a"), 0..1);
        assert_eq!(at("a**"), 2..3);
        assert_eq!(at("(a"), 0..1);
        assert_eq!(at("a)"), 1..2);
        assert_eq!(at("[a-c-e]"), 4..5);
    }

    #[test]
    fn a_value_is_one_line() {
        assert!(accepts("a.b", "a-b"));
        for v in ["a\nb", "a\rb", "a\u{2028}b", "a\u{2029}b"] {
            assert!(!accepts("a.b", v), "{v:?}");
        }
    }
}
