//! The library's modules form layers, each importing only the ones below it, so a stage of
//! the pipeline never reaches back into a later one and no two modules need each other.
//! The test reads `src/` and fails on an import that goes up, or sideways between two
//! modules of one layer (a cycle in waiting).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::harness::{read, repo};

/// Lowest first. A module may use those of earlier layers.
const LAYERS: &[&[&str]] = &[
    &[
        "allocator",
        "version",
        "diagnostics",
        "timing",
        "progress",
        "priority",
        "output",
    ],
    &["toml_source", "facet", "theme_file", "placeholder", "shell"],
    &["condition", "words"],
    &["config"],
    &["model"],
    &["prose", "filter", "coverage", "content"],
    &["translate"],
    &["resolve"],
    &["render", "schema"],
    &["search"],
    &["pdf", "fresh"],
    &["build", "serve"],
    &["cli"],
];

/// Imports within one layer that exist today, each to be taken apart. None are left: the
/// search index reads render's Markdown walk and condition wording from the layer above,
/// and the renderer writes the offline index through a writer its caller hands it.
const KNOWN: &[(&str, &str)] = &[];

/// `module → modules it uses`, from `crate::x` in code (not comments, not tests).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![repo().join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read src").flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.ends_with(".rs") || name == "tests.rs" || name == "test_book.rs" {
                continue;
            }
            let module = top_module(&path);
            let uses = out.entry(module.clone()).or_default();
            let text = read(&path);
            let mut lines = text.lines();
            while let Some(line) = lines.next() {
                if line.trim_start().starts_with("#[cfg(test)]") {
                    // A test module with its body here ends the file's code; a single item
                    // (`mod test_book;`) is passed over and the code after it still read.
                    match lines.next() {
                        Some(item) if item.trim_end().ends_with('{') => break,
                        _ => continue,
                    }
                }
                let code = line.split("//").next().unwrap_or("");
                for (i, _) in code.match_indices("crate::") {
                    let used: String = code[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !used.is_empty() && used != module {
                        uses.insert(used);
                    }
                }
            }
        }
    }
    out
}

fn top_module(path: &Path) -> String {
    let rel = path.strip_prefix(repo().join("src")).expect("under src");
    let first = rel.components().next().expect("a file");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let layer: BTreeMap<&str, usize> = LAYERS
        .iter()
        .enumerate()
        .flat_map(|(i, mods)| mods.iter().map(move |m| (*m, i)))
        .collect();
    let mut wrong = Vec::new();
    for (module, uses) in imports() {
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        let Some(&own) = layer.get(module.as_str()) else {
            wrong.push(format!("`{module}` is in no layer: add it to LAYERS"));
            continue;
        };
        for used in uses {
            // Crate-root items (`crate::load_book`) are the library's front door.
            let Some(&theirs) = layer.get(used.as_str()) else {
                continue;
            };
            let known = KNOWN.contains(&(module.as_str(), used.as_str()));
            if theirs > own || (theirs == own && !known) {
                wrong.push(format!(
                    "`{module}` (layer {own}) uses `{used}` (layer {theirs})"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
