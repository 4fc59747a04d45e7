//! The site's words ([`crate::words`]'s `[site]` section) as the renderer reads them:
//! `t` in every template.

use crate::config::Config;

pub use crate::words::Site as Strings;

/// The words of `config`'s book (its language's table with its theme's replacements).
pub fn strings(config: &Config) -> &Strings {
    &config.words.site
}

/// Fills the `{}` of a word.
pub fn fill(pattern: &str, value: &str) -> String {
    crate::words::fill(pattern, &[value])
}
