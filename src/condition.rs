//! Conditions (`when = "…"`): a small expression language over the book's facets.
//!
//! ```text
//! expr  := or
//! or    := and ("or" and)*
//! and   := unary ("and" unary)*
//! unary := "not" unary | "(" expr ")" | test
//! test  := FACET ("=" | "!=") VALUE | FACET "in" "[" VALUE ("," VALUE)* "]"
//!        | FACET ("<" | "<=" | ">" | ">=") VERSION
//!        | FACET OP FACET                       (two version facets: `to >= from`)
//!        | VERSION ("<" | "<=") FACET ("<" | "<=") VERSION
//! ```
//!
//! `not` and `(` nest at most [`MAX_DEPTH`] deep: every later stage (binding, printing,
//! evaluation, the browser's parser of `data-when`) recurses over the tree, so a bound
//! here keeps a hostile `when` from overflowing any of their stacks.
//!
//! Parsing yields an [`Expr`] with spans relative to the condition string; binding it to
//! the book's facets ([`bind`]) checks names, values and versions and yields a
//! [`Condition`], which evaluates three-valued against an environment that may leave facets
//! open.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// Environments are the facets' (`crate::facet`); these paths stay for their users.
pub use crate::facet::{Env, Value};
use crate::facet::{Facet, FacetKind};
use crate::version::{looks_like_version, Version};

/// A word of a condition as written, with where it stands in the string.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word.
    pub text: String,
    /// Its byte range inside the condition string.
    pub span: Range<usize>,
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    /// Whether `left OP right` holds, given how `left` compares with `right`.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Eq => ord == Equal,
            Op::Ne => ord != Equal,
            Op::Lt => ord == Less,
            Op::Le => ord != Greater,
            Op::Gt => ord == Greater,
            Op::Ge => ord != Less,
        }
    }

    /// The same test with its operands swapped (`A <= f` is `f >= A`).
    fn flipped(self) -> Op {
        match self {
            Op::Lt => Op::Gt,
            Op::Le => Op::Ge,
            Op::Gt => Op::Lt,
            Op::Ge => Op::Le,
            other => other,
        }
    }
}

/// A parsed, not yet checked, condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `facet OP value` (`os = linux`, `from >= 2.4`, `to >= from`).
    Test {
        /// The left operand, a facet id.
        facet: Word,
        /// The comparison.
        op: Op,
        /// The right operand: a value, a version or another facet's id.
        value: Word,
    },
    /// `facet in [a, b]`.
    In {
        /// The facet id.
        facet: Word,
        /// The values listed.
        values: Vec<Word>,
    },
    /// Every one holds.
    And(Vec<Expr>),
    /// At least one holds.
    Or(Vec<Expr>),
    /// It does not hold.
    Not(Box<Expr>),
}

/// Why a condition string could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What is wrong, for the writer.
    pub message: String,
    /// Where, as a byte range of the condition string.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Op(Op),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

fn lex(src: &str) -> Result<Vec<(Tok, Range<usize>)>, ParseError> {
    let mut out = Vec::new();
    let mut it = src.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        let single = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            ',' => Some(Tok::Comma),
            _ => None,
        };
        if let Some(t) = single {
            it.next();
            out.push((t, i..i + 1));
            continue;
        }
        if matches!(c, '=' | '!' | '<' | '>') {
            it.next();
            let next_eq = matches!(it.peek(), Some(&(_, '=')));
            let (op, len) = match (c, next_eq) {
                ('=', true) => (Op::Eq, 2),
                ('=', false) => (Op::Eq, 1),
                ('!', true) => (Op::Ne, 2),
                ('<', true) => (Op::Le, 2),
                ('<', false) => (Op::Lt, 1),
                ('>', true) => (Op::Ge, 2),
                ('>', false) => (Op::Gt, 1),
                _ => {
                    return Err(ParseError {
                        message: "`!` must be followed by `=`; write `not` to negate".into(),
                        span: i..i + 1,
                    })
                }
            };
            if len == 2 {
                it.next();
            }
            out.push((Tok::Op(op), i..i + len));
            continue;
        }
        if is_word_char(c) {
            let start = i;
            let mut end = i;
            while let Some(&(j, d)) = it.peek() {
                if !is_word_char(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            out.push((Tok::Word(src[start..end].to_string()), start..end));
            continue;
        }
        return Err(ParseError {
            message: format!("unexpected character `{c}` in condition"),
            span: i..i + c.len_utf8(),
        });
    }
    Ok(out)
}

/// How deep `not` and `(` may nest in one condition. Real conditions nest two or three
/// deep; 64 leaves room for generated ones and keeps every recursion over the tree short.
pub const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    src: &'a str,
    /// `not`s and `(`s open around the current token.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn span_here(&self) -> Range<usize> {
        match self.toks.get(self.pos) {
            Some((_, s)) => s.clone(),
            None => self.src.len()..self.src.len(),
        }
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w == kw)
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            message: message.into(),
            span: self.span_here(),
        })
    }

    fn word(&mut self, what: &str) -> Result<Word, ParseError> {
        match self.toks.get(self.pos) {
            Some((Tok::Word(w), s)) if !matches!(w.as_str(), "and" | "or" | "not" | "in") => {
                let word = Word {
                    text: w.clone(),
                    span: s.clone(),
                };
                self.pos += 1;
                Ok(word)
            }
            _ => self.fail(format!("expected {what}")),
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.and()?];
        while self.keyword("or") {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or_else(|| unreachable!())
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.unary()?];
        while self.keyword("and") {
            self.pos += 1;
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or_else(|| unreachable!())
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.keyword("not") {
            self.deeper()?;
            let e = Expr::Not(Box::new(self.unary()?));
            self.depth -= 1;
            return Ok(e);
        }
        if self.peek() == Some(&Tok::LParen) {
            self.deeper()?;
            let e = self.or()?;
            if self.peek() != Some(&Tok::RParen) {
                return self.fail("expected `)`");
            }
            self.pos += 1;
            self.depth -= 1;
            return Ok(e);
        }
        self.test()
    }

    /// Enters the `not` or `(` at the current token, or fails there past [`MAX_DEPTH`].
    fn deeper(&mut self) -> Result<(), ParseError> {
        if self.depth == MAX_DEPTH {
            return self.fail(format!(
                "conditions nest at most {MAX_DEPTH} deep (`not` and `(` count)"
            ));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    fn op(&mut self) -> Option<Op> {
        if let Some(Tok::Op(op)) = self.peek() {
            let op = *op;
            self.pos += 1;
            Some(op)
        } else {
            None
        }
    }

    fn test(&mut self) -> Result<Expr, ParseError> {
        let left = self.word("a facet name, a version, `not` or `(`")?;
        if self.keyword("in") {
            self.pos += 1;
            if self.peek() != Some(&Tok::LBracket) {
                return self.fail("expected `[` after `in`");
            }
            self.pos += 1;
            let mut values = vec![self.word("a value")?];
            while self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
                values.push(self.word("a value")?);
            }
            if self.peek() != Some(&Tok::RBracket) {
                return self.fail("expected `,` or `]`");
            }
            self.pos += 1;
            return Ok(Expr::In {
                facet: left,
                values,
            });
        }
        let Some(op) = self.op() else {
            return self.fail("expected an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`, `in`)");
        };
        let right = self.word("a value")?;
        // `2.4.1 <= from <= 2.7.x`: a range with the facet in the middle.
        if let Some(op2) = self.op() {
            if !matches!(op, Op::Lt | Op::Le) || !matches!(op2, Op::Lt | Op::Le) {
                return Err(ParseError {
                    message: "a range is written `LOW <= facet <= HIGH` (with `<` or `<=`)".into(),
                    span: left.span.start..self.span_here().end,
                });
            }
            let high = self.word("the upper version of the range")?;
            return Ok(Expr::And(vec![
                Expr::Test {
                    facet: right.clone(),
                    op: op.flipped(),
                    value: left,
                },
                Expr::Test {
                    facet: right,
                    op: op2,
                    value: high,
                },
            ]));
        }
        // `2.8 <= to`: a version on the left is the same test flipped.
        if looks_like_version(&left.text) && !looks_like_version(&right.text) {
            return Ok(Expr::Test {
                facet: right,
                op: op.flipped(),
                value: left,
            });
        }
        Ok(Expr::Test {
            facet: left,
            op,
            value: right,
        })
    }
}

/// Parses a condition string; spans in the result and the error are byte offsets into it.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = lex(src)?;
    if toks.is_empty() {
        return Err(ParseError {
            message: "empty condition".into(),
            span: 0..src.len(),
        });
    }
    let mut p = Parser {
        toks,
        pos: 0,
        src,
        depth: 0,
    };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return p.fail("expected `and`, `or` or the end of the condition");
    }
    Ok(e)
}

/// A checked condition over the book's facets.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Condition {
    /// The facet's value is one of `values` (`os = linux`, `arch in [x86, arm64]`).
    OneOf {
        /// The enumeration facet's id.
        facet: String,
        /// The value ids any of which satisfies it.
        values: Vec<String>,
    },
    /// A version facet compared with a version (`from >= 2.4`, `to = 16`).
    Version {
        /// The version facet's id.
        facet: String,
        /// The comparison.
        op: Op,
        /// The version compared with.
        version: Version,
    },
    /// Two version facets compared (`to >= from`): what a rule between facets says.
    Compare {
        /// The facet on the left.
        left: String,
        /// The comparison.
        op: Op,
        /// The facet on the right.
        right: String,
    },
    /// Every one holds.
    And(Vec<Condition>),
    /// At least one holds.
    Or(Vec<Condition>),
    /// It does not hold.
    Not(Box<Condition>),
}

impl Condition {
    /// `Some(true)` / `Some(false)` when the environment decides, `None` when it depends on a
    /// facet the environment leaves open.
    pub fn eval(&self, env: &Env) -> Option<bool> {
        match self {
            Condition::OneOf { facet, values } => match env.get(facet)? {
                Value::Enum(v) => Some(values.iter().any(|x| x == v)),
                Value::Version(_) => Some(false),
            },
            Condition::Compare { left, op, right } => match (env.get(left)?, env.get(right)?) {
                (Value::Version(a), Value::Version(b)) => Some(op.holds(a.cmp(b))),
                _ => Some(false),
            },
            Condition::Version { facet, op, version } => match env.get(facet)? {
                Value::Version(v) => Some(match op {
                    // `from = 16.x`: any release of the line.
                    Op::Eq => version.matches(v),
                    Op::Ne => !version.matches(v),
                    Op::Lt => v < version,
                    Op::Le => v <= version,
                    Op::Gt => v > version,
                    Op::Ge => v >= version,
                }),
                Value::Enum(_) => Some(false),
            },
            Condition::And(items) => {
                let mut open = false;
                for c in items {
                    match c.eval(env) {
                        Some(false) => return Some(false),
                        None => open = true,
                        Some(true) => {}
                    }
                }
                if open {
                    None
                } else {
                    Some(true)
                }
            }
            Condition::Or(items) => {
                let mut open = false;
                for c in items {
                    match c.eval(env) {
                        Some(true) => return Some(true),
                        None => open = true,
                        Some(false) => {}
                    }
                }
                if open {
                    None
                } else {
                    Some(false)
                }
            }
            Condition::Not(c) => c.eval(env).map(|b| !b),
        }
    }

    /// Facets the condition mentions, each once.
    pub fn facets(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_facets(&mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn collect_facets<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::OneOf { facet, .. } | Condition::Version { facet, .. } => out.push(facet),
            Condition::Compare { left, right, .. } => {
                out.push(left);
                out.push(right);
            }
            Condition::And(v) | Condition::Or(v) => v.iter().for_each(|c| c.collect_facets(out)),
            Condition::Not(c) => c.collect_facets(out),
        }
    }

    /// The versions `facet` is compared with, a line's first release included (the line
    /// `16.x` is entered at `16`).
    fn collect_versions(&self, facet: &str, out: &mut Vec<Version>) {
        match self {
            Condition::Version {
                facet: f, version, ..
            } if f == facet => out.push(version.clone()),
            Condition::And(v) | Condition::Or(v) => {
                v.iter().for_each(|c| c.collect_versions(facet, out))
            }
            Condition::Not(c) => c.collect_versions(facet, out),
            _ => {}
        }
    }

    /// The facets `facet` is compared with (`to >= from`), each once.
    pub fn compared_with(&self, facet: &str) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_compared(facet, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn collect_compared<'a>(&'a self, facet: &str, out: &mut Vec<&'a str>) {
        match self {
            Condition::Compare { left, right, .. } if left == facet => out.push(right),
            Condition::Compare { left, right, .. } if right == facet => out.push(left),
            Condition::And(v) | Condition::Or(v) => {
                v.iter().for_each(|c| c.collect_compared(facet, out))
            }
            Condition::Not(c) => c.collect_compared(facet, out),
            _ => {}
        }
    }

    /// Whether some environment over the book's facets makes the condition true. Versions
    /// only matter by which side of each boundary they fall, so probing each boundary and
    /// a point just above it (plus `0`) covers every case.
    pub fn satisfiable(&self, facets: &[Facet]) -> bool {
        let by_id: HashMap<&str, &Facet> = facets.iter().map(|f| (f.id.as_str(), f)).collect();
        let mut axes: Vec<(String, Vec<Value>)> = Vec::new();
        for name in self.facets() {
            let Some(f) = by_id.get(name) else {
                return true;
            };
            let candidates = match &f.kind {
                FacetKind::Enum(values) => {
                    values.iter().map(|v| Value::Enum(v.id.clone())).collect()
                }
                FacetKind::Version { .. } => {
                    let mut vs = Vec::new();
                    self.collect_versions(name, &mut vs);
                    // `to >= from`: each side's boundaries matter to the other, and two
                    // values at least let the two sides differ.
                    for other in self.compared_with(name) {
                        self.collect_versions(other, &mut vs);
                        vs.push(Version::zero());
                    }
                    let starts: Vec<Version> = vs
                        .iter()
                        .filter(|v| v.is_line())
                        .map(Version::line_start)
                        .collect();
                    vs.extend(starts);
                    let mut out = vec![Value::Version(Version::zero())];
                    for v in vs {
                        out.push(Value::Version(v.clone()));
                        out.push(Value::Version(v.just_above()));
                    }
                    out
                }
            };
            axes.push((name.to_string(), candidates));
        }
        // Counted without overflow: 64 facets of two values each are 2^64 combinations.
        let combos = axes
            .iter()
            .try_fold(1usize, |n, (_, c)| n.checked_mul(c.len().max(1)));
        if combos.is_none_or(|n| n > 200_000) {
            return true; // Too many to enumerate; assume the writer knows.
        }
        search(&axes, self)
    }
}

/// Tries every combination of the axes' values, as an odometer rather than by recursion:
/// a condition may name as many facets as book.toml declares.
fn search(axes: &[(String, Vec<Value>)], c: &Condition) -> bool {
    if axes.iter().any(|(_, values)| values.is_empty()) {
        return false;
    }
    let mut picks = vec![0usize; axes.len()];
    let mut env: Env = axes
        .iter()
        .map(|(name, values)| (name.clone(), values[0].clone()))
        .collect();
    loop {
        if c.eval(&env) == Some(true) {
            return true;
        }
        // Advance the last axis, carrying into the ones before it.
        let mut i = axes.len();
        loop {
            if i == 0 {
                return false;
            }
            i -= 1;
            let (name, values) = &axes[i];
            picks[i] += 1;
            if picks[i] < values.len() {
                env.insert(name.clone(), values[picks[i]].clone());
                break;
            }
            picks[i] = 0;
            env.insert(name.clone(), values[0].clone());
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::OneOf { facet, values } if values.len() == 1 => {
                write!(f, "{facet} = {}", values[0])
            }
            Condition::OneOf { facet, values } => write!(f, "{facet} in [{}]", values.join(", ")),
            Condition::Version { facet, op, version } => {
                write!(f, "{facet} {} {version}", op.as_str())
            }
            Condition::Compare { left, op, right } => write!(f, "{left} {} {right}", op.as_str()),
            Condition::And(items) | Condition::Or(items) => {
                let sep = if matches!(self, Condition::And(_)) {
                    " and "
                } else {
                    " or "
                };
                for (i, c) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    if matches!(c, Condition::And(_) | Condition::Or(_)) {
                        write!(f, "({c})")?;
                    } else {
                        write!(f, "{c}")?;
                    }
                }
                Ok(())
            }
            Condition::Not(c) => write!(f, "not ({c})"),
        }
    }
}

/// Checks a parsed condition against the book's facets. Errors carry spans relative to
/// the condition string, like [`ParseError`].
pub fn bind(expr: &Expr, facets: &[Facet]) -> Result<Condition, Vec<ParseError>> {
    let mut errors = Vec::new();
    let c = bind_inner(expr, facets, &mut errors);
    if errors.is_empty() {
        Ok(c)
    } else {
        Err(errors)
    }
}

fn find_facet<'a>(
    word: &Word,
    facets: &'a [Facet],
    errors: &mut Vec<ParseError>,
) -> Option<&'a Facet> {
    let found = facets.iter().find(|f| f.id == word.text);
    if found.is_none() {
        let known: Vec<&str> = facets.iter().map(|f| f.id.as_str()).collect();
        errors.push(ParseError {
            message: format!(
                "unknown facet `{}` (book.toml declares: {})",
                word.text,
                known.join(", ")
            ),
            span: word.span.clone(),
        });
    }
    found
}

fn enum_value(facet: &Facet, word: &Word, errors: &mut Vec<ParseError>) -> String {
    if let FacetKind::Enum(values) = &facet.kind {
        if !values.iter().any(|v| v.id == word.text) {
            let known: Vec<&str> = values.iter().map(|v| v.id.as_str()).collect();
            errors.push(ParseError {
                message: format!(
                    "unknown value `{}` for facet `{}` (one of: {})",
                    word.text,
                    facet.id,
                    known.join(", ")
                ),
                span: word.span.clone(),
            });
        }
    }
    word.text.clone()
}

fn bind_inner(expr: &Expr, facets: &[Facet], errors: &mut Vec<ParseError>) -> Condition {
    // Placeholder used after an error so binding can go on and report everything.
    let nothing = || Condition::Or(Vec::new());
    match expr {
        Expr::And(items) => Condition::And(
            items
                .iter()
                .map(|e| bind_inner(e, facets, errors))
                .collect(),
        ),
        Expr::Or(items) => Condition::Or(
            items
                .iter()
                .map(|e| bind_inner(e, facets, errors))
                .collect(),
        ),
        Expr::Not(e) => Condition::Not(Box::new(bind_inner(e, facets, errors))),
        Expr::In { facet, values } => {
            let Some(f) = find_facet(facet, facets, errors) else {
                return nothing();
            };
            if matches!(f.kind, FacetKind::Version { .. }) {
                // `from in [14.x, 16.x]`: one of these releases or lines.
                return Condition::Or(
                    values
                        .iter()
                        .map(|w| version_test(f, Op::Eq, w, errors))
                        .collect(),
                );
            }
            Condition::OneOf {
                facet: f.id.clone(),
                values: values.iter().map(|w| enum_value(f, w, errors)).collect(),
            }
        }
        Expr::Test { facet, op, value } => {
            let Some(f) = find_facet(facet, facets, errors) else {
                return nothing();
            };
            match &f.kind {
                FacetKind::Enum(_) => {
                    let v = enum_value(f, value, errors);
                    let one = Condition::OneOf {
                        facet: f.id.clone(),
                        values: vec![v],
                    };
                    match op {
                        Op::Eq => one,
                        Op::Ne => Condition::Not(Box::new(one)),
                        _ => {
                            errors.push(ParseError {
                                message: format!(
                                    "`{}` compares versions; `{}` is an enumeration (use `=`, `!=` or `in`)",
                                    op.as_str(),
                                    f.id
                                ),
                                span: facet.span.clone(),
                            });
                            nothing()
                        }
                    }
                }
                FacetKind::Version { .. } => match version_facet(&value.text, facets) {
                    // `to >= from`: a facet on the right compares the two.
                    Some(other) => Condition::Compare {
                        left: f.id.clone(),
                        op: *op,
                        right: other.to_string(),
                    },
                    None => version_test(f, *op, value, errors),
                },
            }
        }
    }
}

/// The id of the version facet named `name`, if there is one.
fn version_facet<'a>(name: &str, facets: &'a [Facet]) -> Option<&'a str> {
    facets
        .iter()
        .find(|f| f.id == name && matches!(f.kind, FacetKind::Version { .. }))
        .map(|f| f.id.as_str())
}

/// `facet OP version` for a version facet.
fn version_test(f: &Facet, op: Op, value: &Word, errors: &mut Vec<ParseError>) -> Condition {
    match value.text.parse::<Version>() {
        Ok(version) => Condition::Version {
            facet: f.id.clone(),
            op,
            version,
        },
        Err(e) => {
            errors.push(ParseError {
                message: e.message,
                span: value.span.clone(),
            });
            Condition::Or(Vec::new())
        }
    }
}

#[cfg(test)]
mod tests;
