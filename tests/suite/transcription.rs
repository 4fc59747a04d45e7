//! Nothing of the JobCenter guide was lost in transcription: after applying the corrections
//! recorded in content/ERRATA.md to the seed text, every numbered step title and every
//! command line of the seed is in the loaded book, and the steps come in the seed's order.

use tejun::model::PartKind;

use crate::harness::seed::{corrected_seed, FIRST_CHAPTER_LINE};
use crate::harness::{load, repo, squash};

struct Seed {
    titles: Vec<String>,
    commands: Vec<(usize, String)>,
}

fn parse_seed() -> Seed {
    let lines = corrected_seed();
    let mut titles = Vec::new();
    let mut commands = Vec::new();
    let mut in_code = false;
    for (i, line) in lines.iter().enumerate().skip(FIRST_CHAPTER_LINE - 1) {
        let t = line.trim();
        if t.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            let cmd = t.strip_prefix('>').unwrap_or(t).trim();
            if !cmd.is_empty() {
                commands.push((i + 1, cmd.to_string()));
            }
            continue;
        }
        // "12. タイトル": a numbered step (section headings are "1.1.2. …").
        if let Some((n, rest)) = t.split_once(". ") {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                titles.push(rest.trim().to_string());
            }
        }
    }
    Seed { titles, commands }
}

#[test]
fn every_seed_step_is_in_the_book_in_order() {
    let seed = parse_seed();
    let book = load(repo());
    let got: Vec<String> = book
        .procedures()
        .flat_map(|p| p.sections.iter())
        .flat_map(|s| s.all_steps())
        .map(|s| squash(&s.title))
        .collect();
    let want: Vec<String> = seed.titles.iter().map(|t| squash(t)).collect();
    assert!(
        want.len() > 200,
        "the seed parse found only {} steps",
        want.len()
    );
    for (i, (w, g)) in want.iter().zip(got.iter()).enumerate() {
        assert_eq!(
            w,
            g,
            "step {} of the book (in reading order) differs from the seed",
            i + 1
        );
    }
    assert_eq!(
        want.len(),
        got.len(),
        "the book has a different number of steps than the seed"
    );
}

#[test]
fn every_seed_command_line_is_in_the_book() {
    let seed = parse_seed();
    let book = load(repo());
    let mut all = String::new();
    for p in book.procedures() {
        for s in &p.sections {
            for step in s.all_steps() {
                let parts = step
                    .parts
                    .iter()
                    .chain(step.variants.iter().flat_map(|v| v.parts.iter()));
                for part in parts {
                    if let PartKind::Command { lines, output, .. } = &*part.kind {
                        for l in lines {
                            // A placeholder reads as the seed wrote it until it is filled.
                            let l = tejun::resolve::placeholders::fill(l, &|id| {
                                book.config.placeholder(id).map(|p| p.unfilled.clone())
                            });
                            all.push_str(&squash(&l));
                            all.push('\n');
                        }
                        if let Some(o) = output {
                            all.push_str(&squash(o));
                            all.push('\n');
                        }
                    }
                }
            }
        }
    }
    assert!(
        seed.commands.len() > 80,
        "the seed parse found only {} command lines",
        seed.commands.len()
    );
    let missing: Vec<String> = seed
        .commands
        .iter()
        .filter(|(_, c)| !all.contains(&squash(c)))
        .map(|(n, c)| format!("line {n}: {c}"))
        .collect();
    assert!(
        missing.is_empty(),
        "command lines of the seed missing from the book:\n{}",
        missing.join("\n")
    );
}
