//! English words to their stems, so that `stopping`, `stopped` and `stops` all find `stop`
//! and `Services` finds `service`. This is M. F. Porter's algorithm (1980) as his own
//! reference implementation writes it (with its three departures: `bli` → `ble`, `logi` →
//! `log`, and words of one or two letters left alone), and one of ours: a word without a
//! vowel (`nqs`, `jcdbs`, `rpm`) is a name, not English, and is left alone. A fixed
//! algorithm, so that
//! `themes/default/search.js` can port it line by line (`stem` there) and
//! `tests/search-vectors.json` holds both to the same stems.
//!
//! Only lower-case ASCII words are stemmed; the analyser hands over nothing else.

/// The stem of `word` (lower-case ASCII letters), or `None` when it is its own stem or not
/// such a word.
pub fn stem(word: &str) -> Option<String> {
    if word.len() <= 2
        || !word.bytes().all(|b| b.is_ascii_lowercase())
        || !word.bytes().any(|b| b"aeiouy".contains(&b))
    {
        return None;
    }
    let mut s = Stemmer {
        b: word.as_bytes().to_vec(),
        k: word.len() as isize - 1,
        j: 0,
    };
    s.step1ab();
    if s.k > 0 {
        s.step1c();
        s.step2();
        s.step3();
        s.step4();
        s.step5();
    }
    s.b.truncate((s.k + 1) as usize);
    // Only ASCII letters go in and come out.
    let out = String::from_utf8(s.b).ok()?;
    (out != word).then_some(out)
}

/// The word being stemmed: `b[..=k]` is the word so far, `j` the end of a stem a rule
/// is looking at (`-1` when the suffix is the whole word).
struct Stemmer {
    b: Vec<u8>,
    k: isize,
    j: isize,
}

impl Stemmer {
    fn at(&self, i: isize) -> u8 {
        self.b[i as usize]
    }

    /// Whether `b[i]` is a consonant: not a vowel, and `y` only after a vowel or first.
    fn cons(&self, i: isize) -> bool {
        match self.at(i) {
            b'a' | b'e' | b'i' | b'o' | b'u' => false,
            b'y' => i == 0 || !self.cons(i - 1),
            _ => true,
        }
    }

    /// The number of vowel-consonant sequences in `b[..=j]`.
    fn m(&self) -> usize {
        let mut n = 0;
        let mut i = 0;
        loop {
            if i > self.j {
                return n;
            }
            if !self.cons(i) {
                break;
            }
            i += 1;
        }
        i += 1;
        loop {
            loop {
                if i > self.j {
                    return n;
                }
                if self.cons(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
            n += 1;
            loop {
                if i > self.j {
                    return n;
                }
                if !self.cons(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
        }
    }

    fn vowel_in_stem(&self) -> bool {
        (0..=self.j).any(|i| !self.cons(i))
    }

    /// Whether `b[j-1..=j]` is a double consonant.
    fn doublec(&self, j: isize) -> bool {
        j >= 1 && self.at(j) == self.at(j - 1) && self.cons(j)
    }

    /// Whether `b[i-2..=i]` is consonant, vowel, consonant, the last not `w`, `x` or `y`
    /// (`hop`, not `snow`).
    fn cvc(&self, i: isize) -> bool {
        if i < 2 || !self.cons(i) || self.cons(i - 1) || !self.cons(i - 2) {
            return false;
        }
        !matches!(self.at(i), b'w' | b'x' | b'y')
    }

    /// Whether the word ends with `s`; if so `j` is where the stem before it ends.
    fn ends(&mut self, s: &str) -> bool {
        let len = s.len() as isize;
        if len > self.k + 1 || !self.b[..=self.k as usize].ends_with(s.as_bytes()) {
            return false;
        }
        self.j = self.k - len;
        true
    }

    /// Puts `s` after the stem `b[..=j]`.
    fn set_to(&mut self, s: &str) {
        self.b.truncate((self.j + 1) as usize);
        self.b.extend_from_slice(s.as_bytes());
        self.k = self.j + s.len() as isize;
    }

    fn r(&mut self, s: &str) {
        if self.m() > 0 {
            self.set_to(s);
        }
    }

    /// Plurals and `-ed`, `-ing`: `caresses` → `caress`, `ponies` → `poni`, `feed` →
    /// `feed`, `agreed` → `agree`, `hopping` → `hop`, `filing` → `file`.
    fn step1ab(&mut self) {
        if self.at(self.k) == b's' {
            if self.ends("sses") {
                self.k -= 2;
            } else if self.ends("ies") {
                self.set_to("i");
            } else if self.at(self.k - 1) != b's' {
                self.k -= 1;
            }
        }
        if self.ends("eed") {
            if self.m() > 0 {
                self.k -= 1;
            }
        } else if (self.ends("ed") || self.ends("ing")) && self.vowel_in_stem() {
            self.k = self.j;
            if self.ends("at") {
                self.set_to("ate");
            } else if self.ends("bl") {
                self.set_to("ble");
            } else if self.ends("iz") {
                self.set_to("ize");
            } else if self.doublec(self.k) {
                self.k -= 1;
                if matches!(self.at(self.k), b'l' | b's' | b'z') {
                    self.k += 1;
                }
            } else if self.m() == 1 && self.cvc(self.k) {
                self.set_to("e");
            }
        }
    }

    /// A final `y` after a vowel in the stem becomes `i`.
    fn step1c(&mut self) {
        if self.ends("y") && self.vowel_in_stem() {
            let k = self.k as usize;
            self.b[k] = b'i';
        }
    }

    /// Double suffixes to single ones (`-ization` → `-ize`), when the stem has `m > 0`.
    fn step2(&mut self) {
        let rules: &[(&str, &str)] = match self.at(self.k - 1) {
            b'a' => &[("ational", "ate"), ("tional", "tion")],
            b'c' => &[("enci", "ence"), ("anci", "ance")],
            b'e' => &[("izer", "ize")],
            b'l' => &[
                ("bli", "ble"),
                ("alli", "al"),
                ("entli", "ent"),
                ("eli", "e"),
                ("ousli", "ous"),
            ],
            b'o' => &[("ization", "ize"), ("ation", "ate"), ("ator", "ate")],
            b's' => &[
                ("alism", "al"),
                ("iveness", "ive"),
                ("fulness", "ful"),
                ("ousness", "ous"),
            ],
            b't' => &[("aliti", "al"), ("iviti", "ive"), ("biliti", "ble")],
            b'g' => &[("logi", "log")],
            _ => &[],
        };
        self.first_rule(rules);
    }

    /// `-ic-`, `-full`, `-ness` and the like, when the stem has `m > 0`.
    fn step3(&mut self) {
        let rules: &[(&str, &str)] = match self.at(self.k) {
            b'e' => &[("icate", "ic"), ("ative", ""), ("alize", "al")],
            b'i' => &[("iciti", "ic")],
            b'l' => &[("ical", "ic"), ("ful", "")],
            b's' => &[("ness", "")],
            _ => &[],
        };
        self.first_rule(rules);
    }

    /// The first rule whose suffix the word ends with, and only that one, is tried.
    fn first_rule(&mut self, rules: &[(&str, &str)]) {
        for (suffix, to) in rules {
            if self.ends(suffix) {
                self.r(to);
                return;
            }
        }
    }

    /// `-ant`, `-ence` and the like taken off, when the stem has `m > 1`.
    fn step4(&mut self) {
        let suffixes: &[&str] = match self.at(self.k - 1) {
            b'a' => &["al"],
            b'c' => &["ance", "ence"],
            b'e' => &["er"],
            b'i' => &["ic"],
            b'l' => &["able", "ible"],
            b'n' => &["ant", "ement", "ment", "ent"],
            b'o' => &["ion", "ou"],
            b's' => &["ism"],
            b't' => &["ate", "iti"],
            b'u' => &["ous"],
            b'v' => &["ive"],
            b'z' => &["ize"],
            _ => return,
        };
        let mut found = false;
        for s in suffixes {
            if self.ends(s) {
                // `-ion` only after `s` or `t` (`adoption`, not `onion`).
                found = *s != "ion" || (self.j >= 0 && matches!(self.at(self.j), b's' | b't'));
                if found {
                    break;
                }
            }
        }
        if found && self.m() > 1 {
            self.k = self.j;
        }
    }

    /// A final `e` off (`probate` → `probat`, not `rate`), `-ll` to `-l` when `m > 1`.
    fn step5(&mut self) {
        self.j = self.k;
        if self.at(self.k) == b'e' {
            let a = self.m();
            if a > 1 || (a == 1 && !self.cvc(self.k - 1)) {
                self.k -= 1;
            }
        }
        if self.at(self.k) == b'l' && self.doublec(self.k) && self.m() > 1 {
            self.k -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::stem;

    fn s(w: &str) -> String {
        stem(w).unwrap_or_else(|| w.to_string())
    }

    #[test]
    fn forms_of_a_word_share_a_stem() {
        for (a, b) in [
            ("stopping", "stop"),
            ("stopped", "stop"),
            ("stops", "stop"),
            ("services", "service"),
            ("running", "run"),
            ("installation", "install"),
            ("applies", "apply"),
            ("restarted", "restart"),
        ] {
            assert_eq!(s(a), s(b), "{a} / {b}");
        }
    }

    #[test]
    fn the_reference_stems() {
        // From Porter's paper and his reference vocabulary.
        for (w, want) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("agreed", "agre"),
            ("hopping", "hop"),
            ("filing", "file"),
            ("happy", "happi"),
            ("relational", "relat"),
            ("conditional", "condit"),
            ("generalization", "gener"),
            ("adoption", "adopt"),
            ("controlling", "control"),
            ("generate", "gener"),
            ("as", "as"),
            ("sky", "sky"),
        ] {
            assert_eq!(s(w), want, "{w}");
        }
        assert_eq!(stem("Stop"), None, "only lower-case ASCII");
        assert_eq!(stem("r12"), None);
        assert_eq!(stem("nqs"), None, "a name, not a plural");
        assert_eq!(stem("jcdbs"), None);
    }
}
