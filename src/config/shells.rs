//! `[[shell]]`: the book's own shells (an SQL client, a device CLI), or a built-in shell
//! given another prompt. See [`crate::shell`].

use std::sync::Arc;

use super::raw::RawShell;
use super::{check_id, Reader};
use crate::shell::{Continuation, Shell};

impl Reader<'_> {
    /// The built-in shells with the book's declarations over them, in that order.
    pub(super) fn shells(&mut self, raws: Vec<RawShell>) -> Vec<Arc<Shell>> {
        let mut shells = Shell::builtins();
        let builtin = shells.len();
        for raw in raws {
            let id = raw.id.get_ref().clone();
            check_id(self.diags, self.file, raw.id.span(), &id, || {
                format!("shell id `{id}`")
            });
            let at = shells.iter().position(|s| s.id == id);
            if at.is_some_and(|i| i >= builtin) {
                self.error(raw.id.span(), format!("duplicate shell `{id}`"));
                continue;
            }
            let continuation = match &raw.continuation {
                Some(c) => match Continuation::named(c.get_ref()) {
                    Some(k) => k,
                    None => {
                        self.error(
                            c.span(),
                            format!(
                                "unknown continuation `{}` (use {})",
                                c.get_ref(),
                                Continuation::NAMES.map(|n| format!("\"{n}\"")).join(", ")
                            ),
                        );
                        continue;
                    }
                },
                // A built-in keeps its own; a new shell runs each line on its own.
                None => at.map_or(Continuation::None, |i| shells[i].continuation),
            };
            let prompt = raw
                .prompt
                .or_else(|| at.map(|i| shells[i].prompt.clone()))
                .unwrap_or_default();
            let shell = Shell {
                id,
                prompt,
                continuation,
            };
            match at {
                Some(i) => shells[i] = shell,
                None => shells.push(shell),
            }
        }
        shells.into_iter().map(Arc::new).collect()
    }
}
