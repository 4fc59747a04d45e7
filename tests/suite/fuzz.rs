//! The fuzz targets' entry points (fuzz/fuzz_targets: `load_procedure`, `search_query`,
//! `condition`, `markdown`, `memo`), run boundedly on stable Rust so every CI run exercises them:
//! a few hundred generated inputs each, arbitrary bytes and text shaped like the real
//! thing, and nesting far past the limits (conditions, Markdown, raw HTML). Nothing may
//! panic or overflow; errors point inside their input; the depth limits hold exactly;
//! analysed tokens lie inside the text. Also the filter's properties over random
//! environments of the JobCenter book.
//! The longer, coverage-guided runs are `cargo +nightly fuzz run <target>` (README,
//! Reliability).

use std::sync::OnceLock;

use proptest::prelude::*;
use tejun::condition::Env;
use tejun::config::FacetKind;
use tejun::filter::filter;
use tejun::model::{Book, Step};

use crate::harness::{load, repo};

/// The book the `load_procedure` fuzz target writes its input into (fuzz/fuzz_targets).
const BOOK: &str = "title = \"Fuzz\"\n[[facet]]\nid = \"os\"\nlabel = \"OS\"\nvalues = [{ id = \"win\", label = \"W\" }, { id = \"unix\", label = \"U\" }]\n[[facet]]\nid = \"from\"\nlabel = \"From\"\nkind = \"version\"\n";

/// The `load_procedure` fuzz target's body: `bytes` as one procedure file of a small book.
fn load_procedure(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let ch = dir.path().join("content/01-ch");
    std::fs::create_dir_all(&ch).unwrap();
    std::fs::write(dir.path().join("book.toml"), BOOK).unwrap();
    std::fs::write(ch.join("_chapter.toml"), "title = \"C\"\n").unwrap();
    std::fs::write(ch.join("01-p.toml"), bytes).unwrap();
    let _ = tejun::load_book(dir.path());
}

/// The `memo` fuzz target's body: `data` as a stored procedure's search documents, and
/// as the entries of a build memo with a valid checksum beside an output.
fn memo(data: &[u8]) {
    use tejun::output::memo::{memo_path, sealed, Memo};
    let _ = tejun::search::stored::decode(data);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    std::fs::write(memo_path(&out), sealed(data)).unwrap();
    let memo = Memo::open(&out, false);
    if let Some(key) = data.get(..16) {
        let key = tejun::output::Fingerprint::from_bytes(key.try_into().unwrap());
        if let Some(piece) = memo.recall(key) {
            assert!(piece.len() <= data.len());
        }
    }
}

/// A memo entry that fits is read back; one whose length runs past the file makes the
/// whole memo unread; compressed bytes that claim a size they cannot hold are refused
/// before anything that size is allocated.
#[test]
fn memo_entries_are_read_inside_the_file_only() {
    use tejun::output::memo::{memo_path, sealed, Memo};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let key = tejun::output::Fingerprint::of(b"k");
    let entry = |len: u64, body: &[u8]| {
        let mut e = key.to_bytes().to_vec();
        e.extend_from_slice(&len.to_le_bytes());
        e.extend_from_slice(body);
        e
    };
    std::fs::write(memo_path(&out), sealed(&entry(3, b"abc"))).unwrap();
    assert_eq!(Memo::open(&out, false).recall(key), Some(&b"abc"[..]));
    for lying in [entry(4, b"abc"), entry(u64::MAX, b"abc")] {
        std::fs::write(memo_path(&out), sealed(&lying)).unwrap();
        assert_eq!(Memo::open(&out, false).recall(key), None);
    }
    // 2 GiB claimed by a few bytes.
    assert!(tejun::search::stored::decode(&[0, 0, 0, 0x80, 0x10, 0x41]).is_none());
}

/// The `search_query` fuzz target's body, plus the analyser's offsets.
fn search_query(q: &str) {
    let _ = tejun::search::query::parse(q, None);
    let _ = tejun::search::query::parse(q, Some(tejun::search::Field::Commands));
    tokenizer_gives_what_analyze_gives(q);
    for t in tejun::search::analyze(q) {
        assert!(
            t.offsets.start <= t.offsets.end && t.offsets.end <= q.len(),
            "{q:?}: {t:?}"
        );
        assert!(
            q.is_char_boundary(t.offsets.start) && q.is_char_boundary(t.offsets.end),
            "{q:?}: {t:?}"
        );
    }
}

/// The tantivy tokenizer reuses its buffers from one text to the next: over a text and
/// then its second half, each stream must hand tantivy exactly what `analyze` gives.
fn tokenizer_gives_what_analyze_gives(q: &str) {
    use tantivy::tokenizer::{TokenStream, Tokenizer};
    let mut tokenizer = tejun::search::analyze::TejunTokenizer::default();
    let half = q
        .char_indices()
        .nth(q.chars().count() / 2)
        .map_or(q.len(), |(i, _)| i);
    for text in [q, &q[half..]] {
        let mut stream = tokenizer.token_stream(text);
        let mut got = Vec::new();
        while stream.advance() {
            let t = stream.token();
            got.push((t.text.clone(), t.position, t.offset_from..t.offset_to));
        }
        let want: Vec<_> = tejun::search::analyze(text)
            .into_iter()
            .map(|t| (t.text, t.position, t.offsets))
            .collect();
        assert_eq!(got, want, "{text:?}");
    }
}

/// The `condition` fuzz target's body.
fn condition(s: &str) {
    if let Err(e) = tejun::condition::parse(s) {
        assert!(
            e.span.start <= e.span.end && e.span.end <= s.len(),
            "{s:?}: {e:?}"
        );
    }
}

/// Wrappers that nest a condition one level each (`not (` is two).
const CONDITION_WRAPPERS: [(&str, &str, usize); 3] =
    [("(", ")", 1), ("not ", "", 1), ("not (", ")", 2)];

/// `inner` inside `wrappers` (indexes into [`CONDITION_WRAPPERS`]), outermost first; and
/// how deep that nests.
fn wrap_condition(inner: &str, wrappers: &[usize]) -> (String, usize) {
    let mut open = String::new();
    let mut close = String::new();
    let mut depth = 0;
    for &w in wrappers {
        let (o, c, d) = CONDITION_WRAPPERS[w];
        open.push_str(o);
        close.insert_str(0, c);
        depth += d;
    }
    (format!("{open}{inner}{close}"), depth)
}

/// A book with no content, for rendering prose fields on their own (as the `markdown`
/// fuzz target does).
fn empty_book(allow_html: bool) -> Book {
    let mut diags = tejun::diagnostics::Diagnostics::default();
    let mut config =
        tejun::config::Config::parse("title = \"Fuzz\"\nlanguage = \"en\"\n", 0, &mut diags)
            .expect("the fuzz book's config");
    config.allow_raw_html = allow_html;
    Book {
        config,
        front: Vec::new(),
        refs: Vec::new(),
        chapters: Vec::new(),
        targets: Default::default(),
        backlinks: Default::default(),
        reusable_steps: Vec::new(),
        sources: Default::default(),
        translation_gaps: Default::default(),
        problems: Default::default(),
        problem_steps: Default::default(),
    }
}

/// The `markdown` fuzz target's body: the nesting check points inside the text, and the
/// renderer takes the text, sanitising or not.
fn markdown(src: &str) {
    static BOOKS: OnceLock<[Book; 2]> = OnceLock::new();
    let books = BOOKS.get_or_init(|| [empty_book(false), empty_book(true)]);
    if let Some(at) = tejun::render::markdown::too_deep(src) {
        assert!(at <= src.len(), "{at} in {} bytes", src.len());
    }
    for book in books {
        let _ = tejun::render::markdown::render_for_page(book, "p", src);
    }
}

/// Markdown containers and raw tags that each nest one level (a list item two: the list
/// and the item).
const MARKDOWN_WRAPPERS: [(&str, &str); 5] = [
    ("> ", ""),
    ("- ", ""),
    ("<div>", "</div>"),
    ("<b>", "</b>"),
    ("1. ", ""),
];

/// A TOML value that is a string, with the characters that make TOML and Markdown hard.
fn toml_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}".prop_map(|s| format!("\"{s}\"")),
        "[^'\\x00-\\x1f]{0,24}".prop_map(|s| format!("'{s}'")),
        "\\PC{0,24}".prop_map(|s| format!("'''{}'''", s.replace("'''", ""))),
        Just("\"[](#p/s)\"".to_string()),
        Just("\"[[host]] {{ver}} <kbd>K</kbd><script>x</script>\"".to_string()),
        Just("\"[x](ext:none) [y](#nope)\"".to_string()),
        "\\PC{0,16}".prop_map(|s| format!("\"{}\"", s.replace(['"', '\\'], ""))),
    ]
}

/// Condition-shaped text over the fuzz book's facets (and a few it does not have).
fn condition_text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        "(os|from|to|x) ?(=|!=|<|<=|>|>=) ?(win|unix|R1|R12\\.4|R12\\.7\\.x|R|R1\\.\\.2|R1\\.x\\.1)",
        "(os|from) in \\[(win|unix|R1)(, ?(win|unix|R2))?\\]?",
        "R1(\\.2)? <= from <= R[0-9](\\.x)?",
        "\\PC{0,6}",
    ];
    proptest::collection::vec(
        (
            atom,
            prop_oneof![
                Just(" and "),
                Just(" or "),
                Just(" and not "),
                Just(") or ("),
                Just(" "),
            ],
        ),
        1..4,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .map(|(a, op)| format!("{a}{op}"))
            .collect::<String>()
    })
}

/// A procedure file: sometimes valid, often nearly so.
fn procedure_text() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        toml_string().prop_map(|s| format!("text = {s}\n")),
        (toml_string(), "(sh|cmd|powershell|zsh)?")
            .prop_map(|(s, sh)| format!("cmd = {s}\nshell = \"{sh}\"\n")),
        toml_string().prop_map(|s| format!("gui = {s}\n")),
        toml_string().prop_map(|s| format!("note = {s}\n")),
        Just(
            "expect = \"absent\"\nprocesses = [\"a\", { name = \"b\", when = \"os = win\" }]\n"
                .to_string()
        ),
        Just("refs = [\"nope\"]\n".to_string()),
        condition_text()
            .prop_map(|c| format!("when = \"{}\"\ntext = \"t\"\n", c.replace(['"', '\\'], ""))),
    ];
    let step = (
        proptest::option::of("[a-z0-9][a-z0-9-]{0,5}"),
        toml_string(),
        proptest::collection::vec(part, 0..3),
        proptest::option::weighted(0.3, condition_text()),
    )
        .prop_map(|(id, title, parts, when)| {
            let mut s = String::from("[[section.step]]\n");
            if let Some(id) = id {
                s.push_str(&format!("id = \"{id}\"\n"));
            }
            s.push_str(&format!("title = {title}\n"));
            if let Some(w) = when {
                s.push_str(&format!("when = \"{}\"\n", w.replace(['"', '\\'], "")));
            }
            for p in parts {
                s.push_str("[[section.step.part]]\n");
                s.push_str(&p);
            }
            s
        });
    (
        toml_string(),
        proptest::option::of(toml_string()),
        proptest::collection::vec(step, 0..4),
        // Now and then, what a half-saved file ends with.
        prop_oneof![3 => Just(String::new()), 1 => "\\PC{0,12}"],
    )
        .prop_map(|(title, intro, steps, tail)| {
            let mut s = format!("title = {title}\n");
            if let Some(i) = intro {
                s.push_str(&format!("intro = {i}\n"));
            }
            s.push_str("[[section]]\nid = \"s\"\ntitle = \"S\"\n");
            for st in steps {
                s.push_str(&st);
            }
            s.push_str(&tail);
            s
        })
}

/// The JobCenter book, loaded once for every filter case.
fn jobcenter() -> &'static Book {
    static BOOK: OnceLock<Book> = OnceLock::new();
    BOOK.get_or_init(|| load(repo()))
}

/// An environment spec over the JobCenter facets: each facet set to one of its values
/// (or known versions), or left open, chosen by `picks`.
fn env_spec(book: &Book, picks: &[usize]) -> String {
    book.config
        .facets
        .iter()
        .zip(picks)
        .filter_map(|(f, &pick)| {
            let values: Vec<String> = match &f.kind {
                FacetKind::Enum(vals) => vals.iter().map(|v| v.id.clone()).collect(),
                FacetKind::Version { known, .. } => known.iter().map(|v| v.to_string()).collect(),
            };
            // One chance in (n + 1) to leave the facet open.
            values
                .get(pick % (values.len() + 1))
                .map(|v| format!("{}={v}", f.id))
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn assert_numbered(steps: &[Step], what: &str) {
    let numbers: Vec<u32> = steps.iter().map(|s| s.number).collect();
    let want: Vec<u32> = (1..=steps.len() as u32).collect();
    assert_eq!(numbers, want, "{what}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_as_a_procedure_load_or_report(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        load_procedure(&bytes);
    }

    #[test]
    fn procedure_shaped_text_loads_or_reports(text in procedure_text()) {
        load_procedure(text.as_bytes());
    }

    #[test]
    fn any_bytes_as_a_build_memo_read_or_ignored(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        memo(&bytes);
    }

    #[test]
    fn any_text_is_a_search_query(q in "\\PC{0,64}") {
        search_query(&q);
    }

    #[test]
    fn query_shaped_text_is_a_search_query(
        q in "(\"[^\"]{0,8}\"?|(cmd|title|gui|body|proc|chapter|x)?:[^ ]{0,8}|C:\\\\[a-z]{0,4}|-[a-z]{0,3}|/usr/lib/[a-z_]{0,6}|[ぁ-んァ-ン一-龥]{0,4}|[ \\t:]{1,2}){0,8}"
    ) {
        search_query(&q);
    }

    #[test]
    fn any_text_is_a_condition_or_an_error_inside_it(s in "\\PC{0,48}") {
        condition(&s);
    }

    #[test]
    fn condition_shaped_text_parses_or_points_inside(s in condition_text()) {
        condition(&s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Nesting up to three times the limit: a condition parses exactly when it nests no
    /// deeper than `MAX_DEPTH`, and the error otherwise points inside it.
    #[test]
    fn deep_conditions_parse_exactly_up_to_the_limit(
        wrappers in proptest::collection::vec(0usize..3, 0..192),
        inner in prop_oneof![Just("os = win".to_string()), condition_text()],
    ) {
        let (s, depth) = wrap_condition(&inner, &wrappers);
        condition(&s);
        if inner == "os = win" {
            prop_assert_eq!(tejun::condition::parse(&s).is_ok(), depth <= tejun::condition::MAX_DEPTH, "{}", s);
        }
    }

    #[test]
    fn any_text_is_a_prose_field(src in "\\PC{0,96}") {
        markdown(&src);
    }

    /// Block quotes, lists and raw tags nested up to four times the limit around text
    /// shaped like a step's: the check and the renderer take it, mixed or not.
    #[test]
    fn deep_prose_is_checked_and_rendered(
        wrappers in proptest::collection::vec(0usize..5, 0..256),
        inner in prop_oneof![Just("x".to_string()), "\\PC{0,24}", toml_string()],
    ) {
        let open: String = wrappers.iter().map(|&w| MARKDOWN_WRAPPERS[w].0).collect();
        let close: String = wrappers.iter().rev().map(|&w| MARKDOWN_WRAPPERS[w].1).collect();
        markdown(&format!("{open}{inner}{close}"));
    }

    /// One kind of container `n` deep around a word is refused exactly when it nests past
    /// `MAX_NESTING`: block quotes and raw `<div>`s (an HTML block) are one level each plus
    /// one for what holds the word; inline `<b>`s one each inside their paragraph.
    #[test]
    fn the_prose_limit_is_exact(kind in 0usize..3, n in 0usize..160) {
        let (open, close) = [("> ", ""), ("<div>", "</div>"), ("<b>", "</b>")][kind];
        let src = format!("{}x{}", open.repeat(n), close.repeat(n));
        markdown(&src);
        let refused = tejun::render::markdown::too_deep(&src).is_some();
        prop_assert_eq!(refused, n + 1 > tejun::render::markdown::MAX_NESTING, "{} × {}", n, open);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// What the filter keeps never contradicts the environment, and every step list it
    /// leaves (a section's, a branch's) is numbered 1..n.
    #[test]
    fn filtering_keeps_only_what_can_hold_and_renumbers(picks in proptest::collection::vec(0usize..16, 8)) {
        let book = jobcenter();
        let spec = env_spec(book, &picks);
        // Only possible environments: the book's rules refuse a downgrade.
        let parsed = book.config.parse_env(&spec);
        prop_assume!(parsed.is_ok());
        let env: Env = parsed.unwrap();
        let view = filter(book, &env);
        for p in view.procedures() {
            prop_assert_ne!(p.when.as_ref().and_then(|c| c.eval(&env)), Some(false), "{} {}", spec, p.id);
            for s in &p.sections {
                prop_assert_ne!(s.when.as_ref().and_then(|c| c.eval(&env)), Some(false));
                assert_numbered(&s.steps, &format!("{spec}: {} {}", p.id, s.id));
                for b in &s.branches {
                    prop_assert_ne!(b.when.eval(&env), Some(false));
                    assert_numbered(&b.steps, &format!("{spec}: {} {} {}", p.id, s.id, b.label));
                }
                for step in s.all_steps() {
                    prop_assert_ne!(step.when.as_ref().and_then(|c| c.eval(&env)), Some(false));
                    for v in &step.variants {
                        prop_assert_ne!(v.when.eval(&env), Some(false));
                    }
                }
            }
        }
    }
}
