//! Shells: where a command is typed, which decides its prompt and how one command runs
//! over several lines. Five are built in (`sh`, `root`, `cmd`, `powershell`, `sql`); a
//! book declares its own in book.toml (`[[shell]]`: a psql or mysql client, a network
//! device's CLI) or gives a built-in another prompt.
//!
//! A command block may hold several commands, and one command may run over several lines:
//! a line continued by the shell's continuation character (`\`, `^`, `` ` ``), a pipe or
//! `&&` at its end, a quote still open, a here-document's body, an SQL statement before
//! its `;`. The prompt goes on the first line of each command only, as a terminal shows
//! it; the copy button never copies prompts.

use serde::{Deserialize, Serialize};

/// How a command goes on past the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Continuation {
    /// POSIX shells: `\` at the end, an open `'` or `"`, a trailing `|`, `&&` or `||`, and
    /// here-documents (`<<EOF` … `EOF`).
    Backslash,
    /// Windows' command prompt: `^` at the end, or an open `"`.
    Caret,
    /// PowerShell: `` ` `` at the end, an open quote, a trailing `|`, and here-strings
    /// (`@"` … `"@`).
    Backtick,
    /// SQL clients: a statement runs until the line ending in `;` (a line starting with
    /// `\` is a client command of its own).
    Semicolon,
    /// Every line is a command of its own.
    None,
}

impl Continuation {
    /// The words book.toml writes (`continuation = "backslash"`).
    pub const NAMES: [&'static str; 5] = ["backslash", "caret", "backtick", "semicolon", "none"];

    /// The continuation named `name` in book.toml.
    pub fn named(name: &str) -> Option<Continuation> {
        Some(match name {
            "backslash" => Continuation::Backslash,
            "caret" => Continuation::Caret,
            "backtick" => Continuation::Backtick,
            "semicolon" => Continuation::Semicolon,
            "none" => Continuation::None,
            _ => return None,
        })
    }
}

/// A shell commands are typed into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shell {
    /// What a `cmd` part's `shell` names (`sh`, `psql`).
    pub id: String,
    /// What the reader sees before a command (`$`, `postgres=#`); may be empty.
    pub prompt: String,
    /// How its commands run over several lines.
    pub continuation: Continuation,
}

impl Shell {
    /// The shells every book has, unless it redefines one.
    pub fn builtins() -> Vec<Shell> {
        let shell = |id: &str, prompt: &str, continuation| Shell {
            id: id.to_string(),
            prompt: prompt.to_string(),
            continuation,
        };
        vec![
            shell("sh", "$", Continuation::Backslash),
            shell("root", "#", Continuation::Backslash),
            shell("cmd", ">", Continuation::Caret),
            shell("powershell", "PS>", Continuation::Backtick),
            shell("sql", "SQL>", Continuation::Semicolon),
        ]
    }

    /// For each line, whether a command starts there (and so shows the prompt).
    pub fn starts(&self, lines: &[String]) -> Vec<bool> {
        let mut state = State::default();
        lines
            .iter()
            .map(|line| state.next(self.continuation, line))
            .collect()
    }
}

/// What the lines so far leave open.
#[derive(Debug, Default)]
struct State {
    /// The previous line asked for more (a continuation character, an open quote, a pipe).
    continued: bool,
    /// An open quote character carried over from earlier lines.
    quote: Option<char>,
    /// The word that ends the here-document (or here-string) being read.
    until: Option<String>,
}

impl State {
    /// Reads one line; whether a command starts on it.
    fn next(&mut self, kind: Continuation, line: &str) -> bool {
        let trimmed = line.trim();
        if let Some(end) = &self.until {
            if trimmed == end {
                self.until = None;
            }
            return false;
        }
        let starts = !self.continued && self.quote.is_none();
        if trimmed.is_empty() {
            // A blank line inside a command (a quoted text) stays in it; else it starts none.
            return false;
        }
        self.quote = open_quote(kind, line, self.quote);
        self.continued = match kind {
            Continuation::Backslash => {
                trimmed.ends_with('\\') || ends_with_operator(trimmed, &["|", "&&", "||"])
            }
            Continuation::Caret => trimmed.ends_with('^'),
            Continuation::Backtick => trimmed.ends_with('`') || ends_with_operator(trimmed, &["|"]),
            Continuation::Semicolon => !trimmed.ends_with(';') && !trimmed.starts_with('\\'),
            Continuation::None => false,
        };
        self.until = here_document(kind, trimmed);
        if self.until.is_some() {
            // A here-string's opening quote (`@"`) is not a quote left open.
            self.quote = None;
        }
        starts
    }
}

fn ends_with_operator(line: &str, ops: &[&str]) -> bool {
    ops.iter().any(|op| line.ends_with(op))
}

/// The quote still open at the end of `line`, given the one open at its start.
fn open_quote(kind: Continuation, line: &str, mut open: Option<char>) -> Option<char> {
    let quotes: &[char] = match kind {
        Continuation::Caret => &['"'],
        Continuation::None => return None,
        _ => &['"', '\''],
    };
    let mut chars = line.chars();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        let word_start = prev.is_whitespace();
        prev = c;
        match open {
            // POSIX: a backslash escapes the next character, except inside '…'.
            Some('"') if c == '\\' && kind == Continuation::Backslash => {
                chars.next();
            }
            Some(q) if c == q => open = None,
            Some(_) => {}
            None if c == '\\' && kind == Continuation::Backslash => {
                chars.next();
            }
            None if c == '#' && word_start && kind == Continuation::Backslash => break,
            None if quotes.contains(&c) => open = Some(c),
            None => {}
        }
    }
    open
}

/// The terminator of a here-document (`<<EOF`, `<<-'EOF'`) or PowerShell here-string
/// (`@"`, `@'`) that `line` opens.
fn here_document(kind: Continuation, line: &str) -> Option<String> {
    match kind {
        Continuation::Backslash => {
            let (_, rest) = line.split_once("<<")?;
            if rest.starts_with('<') {
                return None; // `<<<` is a here-string: one line.
            }
            let word = rest.trim_start_matches('-').split_whitespace().next()?;
            let word = word.trim_matches(['\'', '"']);
            (!word.is_empty()).then(|| word.to_string())
        }
        Continuation::Backtick => {
            if line.ends_with("@\"") {
                Some("\"@".to_string())
            } else if line.ends_with("@'") {
                Some("'@".to_string())
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(shell: &str, text: &str) -> Vec<bool> {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let shell = Shell::builtins()
            .into_iter()
            .find(|s| s.id == shell)
            .expect("a built-in shell");
        shell.starts(&lines)
    }

    #[test]
    fn posix_continuations_show_no_prompt() {
        assert_eq!(
            starts(
                "sh",
                "kubeadm upgrade apply \\\n  v1.30.3\nkubectl get nodes"
            ),
            [true, false, true]
        );
        assert_eq!(
            starts("sh", "ps -ef |\n  grep nqs\nls && \\\n  pwd"),
            [true, false, true, false]
        );
        // A quote open across lines, a `#` comment with a quote in it, an escaped quote.
        assert_eq!(
            starts("sh", "psql -c \"SELECT 1,\n  2;\"\necho it\\'s # don't\nls"),
            [true, false, true, true]
        );
    }

    #[test]
    fn here_documents_are_one_command() {
        assert_eq!(
            starts(
                "root",
                "cat <<'EOF' | tee /etc/x.conf\na = 1\n\nb = 2\nEOF\nsystemctl restart x"
            ),
            [true, false, false, false, false, true]
        );
        assert_eq!(starts("sh", "grep x <<< \"$v\"\nls"), [true, true]);
    }

    #[test]
    fn windows_and_sql_continuations() {
        assert_eq!(
            starts("cmd", "copy a ^\n  b\nregsvr32 /s x.dll"),
            [true, false, true]
        );
        assert_eq!(
            starts(
                "powershell",
                "Get-Service `\n  -Name x\n$s = @\"\nline\n\"@\nls"
            ),
            [true, false, true, false, false, true]
        );
        assert_eq!(
            starts("sql", "SELECT *\n  FROM t\n  WHERE a = ';';\n\\dt\nVACUUM;"),
            [true, false, false, true, true]
        );
    }

    #[test]
    fn every_continuation_has_a_name() {
        for name in Continuation::NAMES {
            assert!(Continuation::named(name).is_some(), "{name}");
        }
        assert!(Continuation::named("semi").is_none());
    }
}
