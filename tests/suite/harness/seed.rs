//! The JobCenter seed text with content/ERRATA.md's corrections applied, shared by the
//! tests that compare the book with the source guide.

use super::{read, repo};

pub const SEED: &str = include_str!("../../seed/jobcenter-r13.2-guide.txt");
/// The seed's front matter and table of contents end here; chapters follow.
pub const FIRST_CHAPTER_LINE: usize = 90;

/// The seed with ERRATA.md's corrections applied at their lines, then OCR noise removed.
pub fn corrected_seed() -> Vec<String> {
    let errata = read(&repo().join("content/ERRATA.md"));
    let mut lines: Vec<String> = SEED.lines().map(str::to_string).collect();
    for row in errata
        .lines()
        .filter(|l| l.starts_with("| ") && l.as_bytes().get(2).is_some_and(u8::is_ascii_digit))
    {
        let cells: Vec<&str> = row.split(" | ").collect();
        let line: usize = cells[0].trim_start_matches("| ").trim().parse().unwrap();
        let seed = cells[1].trim().trim_matches('`');
        let fixed = cells[2].trim().trim_matches('`');
        let target = &mut lines[line - 1];
        assert!(
            target.contains(seed),
            "ERRATA.md row for line {line}: seed text `{seed}` is not on that line: `{target}`"
        );
        *target = target.replacen(seed, fixed, 1);
    }
    lines
        .into_iter()
        .map(|l| {
            l.replace('¥', "\\")
                .replace("\\$", "\\")
                .replace("%systemroot%cluster", "%systemroot%\\cluster")
        })
        .collect()
}
