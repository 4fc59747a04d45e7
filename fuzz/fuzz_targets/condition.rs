//! Any text as a `when` condition, bare and wrapped in `(`, `not` or `not (` up to a
//! thousand deep (the first byte picks the depth, the second the wrapper): parsing never
//! panics or overflows the stack, errors point inside the text, and whatever parses nests
//! no deeper than `condition::MAX_DEPTH`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (depth, wrapper, rest) = match data {
        [d, w, rest @ ..] => (
            usize::from(*d) * 4,
            ["(", "not ", "not ("][usize::from(*w) % 3],
            rest,
        ),
        _ => (0, "", data),
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let closers = wrapper.matches('(').count();
    let wrapped = format!(
        "{}{text}{}",
        wrapper.repeat(depth),
        ")".repeat(closers * depth)
    );
    for s in [text, wrapped.as_str()] {
        match tejun::condition::parse(s) {
            Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= s.len()),
            Ok(expr) => assert!(depth_of(&expr) <= tejun::condition::MAX_DEPTH),
        }
    }
});

/// How many `not`s deep the parsed tree goes (parentheses leave no node of their own).
fn depth_of(e: &tejun::condition::Expr) -> usize {
    use tejun::condition::Expr;
    match e {
        Expr::Not(inner) => 1 + depth_of(inner),
        Expr::And(items) | Expr::Or(items) => items.iter().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}
