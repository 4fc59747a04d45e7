//! The compact encodings of the offline search index. Every file of `search/` is a script,
//! so everything is text: numbers and bits go into JavaScript string literals over a
//! 64-letter alphabet (the base64url letters, none of which needs escaping), and document
//! text goes through a small LZ77. `themes/default/search.js` holds the decoders; the ones
//! here are for the tests.
//!
//! - **Varints**: 5 bits per letter, least significant first, the letter's value + 32 when
//!   more letters follow (`0`–`31` is one letter).
//! - **Id lists** (posting lists, a condition's documents): a strictly increasing list as
//!   gaps `id - previous - 1` (the first gap is the id itself), Rice-coded with a parameter
//!   `k` chosen per list: the first letter is `k`, then 6 bits per letter, most
//!   significant first. A gap is `q = gap >> k` one-bits, a zero-bit and the `k` low bits;
//!   from `q = 32` on, 32 one-bits, then `q - 32 + 1` in Elias gamma (as many zero-bits as
//!   it has bits after its leading one, then its bits). The end is padded with one-bits,
//!   which a decoder reads as an unfinished quotient and stops. An empty list is `""`.
//! - **LZ77 text**: over UTF-16 code units, so offsets agree with JavaScript strings. `~`
//!   starts a code: `~~` is `~`, `~!` is U+001F (the field separator), `~*` is U+001E (the
//!   record separator), otherwise two varints `length - 2` and `distance - 1` copy from the
//!   text decoded so far, which starts with a shared dictionary (the copy may overlap
//!   itself). Every other character stands for itself. A match is taken only where it is
//!   shorter, in bytes of the file, than the characters it replaces, and never splits a
//!   surrogate pair.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The 64 letters, in value order.
pub const LETTERS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Field and record separators inside LZ-coded text.
pub const FIELD: char = '\u{1f}';
/// Separates records (documents) in coded text.
pub const RECORD: char = '\u{1e}';

/// Quotients from here on are written with an escape instead of in unary.
const ESCAPE: u64 = 32;

/// The hasher of the index's maps (tokens, texts, grams): eight bytes at a time (FxHash's step); tokens are short, and
/// SipHash would be most of the time spent on them.
#[derive(Default)]
pub struct TokenHasher(u64);

impl TokenHasher {
    fn step(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for TokenHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.step(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.step(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.step(u64::from(b));
    }
    /// The map takes its bucket from the low bits, which the multiplications leave weak
    /// (UTF-8 lead bytes of kana and kanji hardly vary): fold the high half in.
    fn finish(&self) -> u64 {
        let h = self.0;
        (h ^ (h >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (h >> 29)
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<TokenHasher>>;

/// A map hashed by [`TokenHasher`]: for the query's per-document tables, looked up once per
/// candidate and token.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<TokenHasher>>;

/// A set hashed by [`TokenHasher`].
pub type FastSet<T> = std::collections::HashSet<T, BuildHasherDefault<TokenHasher>>;

fn letter(v: u32) -> char {
    LETTERS[v as usize] as char
}

/// Each byte's value as a letter of [`LETTERS`], or 64 for a byte that is none.
const VALUES: [u8; 256] = {
    let mut table = [64u8; 256];
    let mut i = 0;
    while i < 64 {
        table[LETTERS[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn value(c: u8) -> Option<u32> {
    let v = VALUES[c as usize];
    (v < 64).then_some(u32::from(v))
}

/// Appends `n` as a varint.
pub fn push_varint(out: &mut String, mut n: u64) {
    loop {
        let low = (n & 31) as u32;
        n >>= 5;
        if n == 0 {
            out.push(letter(low));
            return;
        }
        out.push(letter(low | 32));
    }
}

fn varint_len(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 32 {
        n >>= 5;
        len += 1;
    }
    len
}

/// Reads the varints of `s` (for the tests; `search.js` has its own).
pub fn decode_varints(s: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    let (mut n, mut shift) = (0u64, 0);
    for &c in s.as_bytes() {
        let v = u64::from(value(c)?);
        n |= (v & 31) << shift;
        shift += 5;
        if v & 32 == 0 {
            out.push(n);
            (n, shift) = (0, 0);
        }
    }
    (shift == 0).then_some(out)
}

/// Bits into letters, most significant first.
struct Bits<'a> {
    out: &'a mut String,
    acc: u64,
    len: u32,
}

impl Bits<'_> {
    /// The low `n` bits of `v` (`n` at most 32), most significant first.
    fn push(&mut self, v: u64, n: u32) {
        self.acc = (self.acc << n) | (v & ((1u64 << n) - 1));
        self.len += n;
        while self.len >= 6 {
            self.len -= 6;
            self.out.push(letter(((self.acc >> self.len) & 63) as u32));
        }
    }
    fn ones(&mut self, mut n: u64) {
        while n > 0 {
            let k = n.min(32) as u32;
            self.push(u64::MAX, k);
            n -= u64::from(k);
        }
    }
    fn finish(mut self) {
        if self.len != 0 {
            let pad = 6 - self.len;
            self.push(u64::MAX, pad);
        }
    }
}

fn bit_len(v: u64) -> u32 {
    64 - v.leading_zeros()
}

/// The bits of one gap beyond `k` + 1 (the quotient's).
fn quotient_bits(q: u64) -> u64 {
    if q < ESCAPE {
        q
    } else {
        ESCAPE - 1 + 2 * u64::from(bit_len(q - ESCAPE + 1))
    }
}

/// Appends the id list `ids` (strictly increasing).
pub fn push_ids(out: &mut String, ids: &[u32]) {
    let Some(&last) = ids.last() else {
        return;
    };
    // For geometric gaps the best k is about log2(mean gap × ln 2); try it and its
    // neighbours.
    let mean = (u64::from(last) + 1) / ids.len() as u64;
    let low = bit_len(mean * 7 / 10).saturating_sub(2);
    let mut cost = [0u64; 3];
    let mut prev: i64 = -1;
    for &id in ids {
        let g = (i64::from(id) - prev - 1) as u64;
        prev = i64::from(id);
        for (i, c) in cost.iter_mut().enumerate() {
            *c += quotient_bits(g >> (low + i as u32));
        }
    }
    let k = (0..3)
        .min_by_key(|&i| cost[i] + ids.len() as u64 * u64::from(low + i as u32))
        .map_or(0, |i| low + i as u32)
        .min(31);
    out.push(letter(k));
    let mut bits = Bits {
        out,
        acc: 0,
        len: 0,
    };
    let mut prev: i64 = -1;
    for &id in ids {
        let g = (i64::from(id) - prev - 1) as u64;
        prev = i64::from(id);
        let q = g >> k;
        if q < ESCAPE {
            // q ones and a zero.
            bits.push(((1u64 << q) - 1) << 1, q as u32 + 1);
        } else {
            bits.ones(ESCAPE);
            let e = q - ESCAPE + 1;
            let n = bit_len(e);
            bits.push(0, n - 1);
            bits.push(e, n);
        }
        bits.push(g, k);
    }
    bits.finish();
}

/// Reads an id list (`search.js` has its own): for the tests, and for a rebuild that
/// patches the lists of a previous build ([`super::carried`]).
pub fn decode_ids(s: &str) -> Option<Vec<u32>> {
    let bytes = s.as_bytes();
    let Some((&first, rest)) = bytes.split_first() else {
        return Some(Vec::new());
    };
    let k = value(first)?;
    let values: Vec<u8> = rest
        .iter()
        .map(|&c| value(c).map(|v| v as u8))
        .collect::<Option<_>>()?;
    let total = values.len() * 6;
    let mut at = 0;
    let mut next = || {
        (at < total).then(|| {
            let bit = (values[at / 6] >> (5 - at % 6)) & 1 == 1;
            at += 1;
            bit
        })
    };
    let mut out = Vec::new();
    let mut id: i64 = -1;
    'list: loop {
        let mut q = 0u64;
        loop {
            match next() {
                None => break 'list,
                Some(true) => {
                    q += 1;
                    if q == ESCAPE {
                        let mut zeros = 0;
                        while !next()? {
                            zeros += 1;
                        }
                        let mut e = 1u64;
                        for _ in 0..zeros {
                            e = (e << 1) | u64::from(next()?);
                        }
                        q = ESCAPE.checked_add(e - 1)?;
                        break;
                    }
                }
                Some(false) => break,
            }
        }
        let mut r = 0u64;
        for _ in 0..k {
            r = (r << 1) | u64::from(next()?);
        }
        let gap = i64::try_from((q << k) | r).ok()?;
        id = id.checked_add(gap)?.checked_add(1)?;
        out.push(u32::try_from(id).ok()?);
    }
    Some(out)
}

/// Bytes a UTF-16 unit costs as a literal in a JSON string (a surrogate: half of the pair's
/// four bytes).
fn literal_cost(u: u16) -> u32 {
    match u {
        0x1e | 0x1f | 0x7e => 2,
        0x22 | 0x5c | 0x0a | 0x0d | 0x09 => 2,
        0..=0x1f => 6,
        0x20..=0x7f => 1,
        0x80..=0x7ff => 2,
        0x2028 | 0x2029 => 6,
        0xd800..=0xdfff => 2,
        _ => 3,
    }
}

fn is_low_surrogate(u: u16) -> bool {
    (0xdc00..0xe000).contains(&u)
}

const HASH_BITS: u32 = 12;
/// How many earlier positions with the same two units a match search looks at.
const CHAIN: usize = 16;
const MIN_MATCH: usize = 2;

fn pair_hash(a: u16, b: u16) -> usize {
    let h = (u32::from(a) << 16 | u32::from(b)).wrapping_mul(0x9E37_79B1);
    (h >> (32 - HASH_BITS)) as usize
}

/// A dictionary ready for [`push_lz`]: its units with their hash chains, built once for
/// every text that starts from it.
pub struct LzDict {
    units: Vec<u16>,
    cost: Vec<u32>,
    head: Vec<u32>,
    prev: Vec<u32>,
}

impl LzDict {
    /// A dictionary over `units` (UTF-16, as the script decodes).
    pub fn new(units: Vec<u16>) -> LzDict {
        let mut cost = Vec::with_capacity(units.len() + 1);
        cost.push(0u32);
        for &x in &units {
            cost.push(cost[cost.len() - 1] + literal_cost(x));
        }
        let mut head = vec![u32::MAX; 1 << HASH_BITS];
        let mut prev = vec![u32::MAX; units.len()];
        // The last unit pairs with the text's first: hashed per text.
        for i in 0..units.len().saturating_sub(1) {
            let h = pair_hash(units[i], units[i + 1]);
            prev[i] = head[h];
            head[h] = i as u32;
        }
        LzDict {
            units,
            cost,
            head,
            prev,
        }
    }

    /// The dictionary's text.
    pub fn units(&self) -> &[u16] {
        &self.units
    }
}

/// Appends `text` LZ77-coded (the string's contents only, unquoted; see [`push_js_str`]),
/// with `dict` as text the decoder has already seen.
pub fn push_lz(out: &mut String, text: &str, dict: &LzDict) {
    let d = dict.units.len();
    let mut u: Vec<u16> = Vec::with_capacity(d + text.len());
    u.extend_from_slice(&dict.units);
    u.extend(text.encode_utf16());
    let n = u.len();
    let mut cost = Vec::with_capacity(n + 1);
    cost.extend_from_slice(&dict.cost);
    for &x in &u[d..] {
        cost.push(cost[cost.len() - 1] + literal_cost(x));
    }
    let hash = |i: usize| pair_hash(u[i], u[i + 1]);
    let mut head = dict.head.clone();
    let mut prev = Vec::with_capacity(n);
    prev.extend_from_slice(&dict.prev);
    prev.resize(n, u32::MAX);
    let insert = |i: usize, head: &mut [u32], prev: &mut [u32]| {
        if i + 1 < n {
            let h = hash(i);
            prev[i] = head[h];
            head[h] = i as u32;
        }
    };
    if d > 0 {
        insert(d - 1, &mut head, &mut prev);
    }
    let mut i = d;
    let mut literal_from = i;
    let flush = |out: &mut String, from: usize, to: usize| {
        for c in char::decode_utf16(u[from..to].iter().copied()) {
            match c.unwrap_or(char::REPLACEMENT_CHARACTER) {
                c @ ('\u{20}'..='\u{7d}' | '\u{7f}'..='\u{2027}' | '\u{202a}'..)
                    if c != '"' && c != '\\' =>
                {
                    out.push(c)
                }
                '~' => out.push_str("~~"),
                FIELD => out.push_str("~!"),
                RECORD => out.push_str("~*"),
                c => push_js_char(out, c),
            }
        }
    };
    while i < n {
        let mut best: Option<(i64, usize, usize)> = None; // (gain, length, distance)
                                                          // A match never starts or ends inside a surrogate pair.
        if i + MIN_MATCH <= n && !is_low_surrogate(u[i]) {
            let mut cand = head[hash(i)];
            let mut tries = 0;
            while cand != u32::MAX && tries < CHAIN {
                let p = cand as usize;
                let mut len = 0;
                while i + len < n && u[p + len] == u[i + len] {
                    len += 1;
                }
                if len > 0 && i + len < n && is_low_surrogate(u[i + len]) {
                    len -= 1;
                }
                if len >= MIN_MATCH {
                    let d = i - p;
                    let code = 1 + varint_len((len - MIN_MATCH) as u64) + varint_len(d as u64 - 1);
                    let gain = i64::from(cost[i + len] - cost[i]) - code as i64;
                    if best.is_none_or(|(g, _, _)| gain > g) {
                        best = Some((gain, len, d));
                    }
                }
                cand = prev[p];
                tries += 1;
            }
        }
        match best {
            Some((gain, len, d)) if gain > 0 => {
                flush(out, literal_from, i);
                out.push('~');
                push_varint(out, (len - MIN_MATCH) as u64);
                push_varint(out, d as u64 - 1);
                for j in i..i + len {
                    insert(j, &mut head, &mut prev);
                }
                i += len;
                literal_from = i;
            }
            _ => {
                insert(i, &mut head, &mut prev);
                i += 1;
            }
        }
    }
    flush(out, literal_from, n);
}

/// Length in UTF-16 units of the grams [`dictionary`] counts.
const GRAM: usize = 8;
/// Bytes of text [`dictionary`] samples, about.
const SAMPLE: usize = 1 << 19;

/// A dictionary of at most `size` UTF-16 units for [`push_lz`]: the segments that recur
/// across many of `texts` (in at least 1% of a sample spread over them), the most valuable
/// last, nearest the text. Procedure prose is formulaic (`を確認してください。`, a command's path), so
/// even a small chunk then starts with words to copy.
pub fn dictionary(texts: &[&str], size: usize) -> Vec<u16> {
    let total: usize = texts.iter().map(|t| t.len()).sum();
    let sample: Vec<&str> = texts.iter().step_by(sample_step(total)).copied().collect();
    dictionary_of_sample(&sample, size)
}

/// Which of the texts [`dictionary`] reads: every `sample_step(total bytes)`-th, from the
/// first.
pub fn sample_step(total: usize) -> usize {
    (total / SAMPLE).max(1)
}

/// [`dictionary`] of texts sampled already (by [`sample_step`]), for a caller that would
/// rather not hold every text at once.
pub fn dictionary_of_sample(sample: &[&str], size: usize) -> Vec<u16> {
    let sample: Vec<Vec<u16>> = sample.iter().map(|t| t.encode_utf16().collect()).collect();
    let gram = |w: &[u16]| w.iter().fold(0u128, |k, &x| k << 16 | u128::from(x));
    // In how many sampled texts each gram occurs (and the last one that counted it).
    let mut seen: Map<u128, (u32, u32)> = Map::default();
    for (n, u) in sample.iter().enumerate() {
        for w in u.windows(GRAM) {
            let e = seen.entry(gram(w)).or_insert((0, u32::MAX));
            if e.1 != n as u32 {
                *e = (e.0 + 1, n as u32);
            }
        }
    }
    let threshold = (sample.len() as u32 / 100).max(3);
    let common = |w: &[u16]| seen.get(&gram(w)).is_some_and(|e| e.0 >= threshold);
    // Segments: maximal runs of common grams.
    let mut segments: Map<&[u16], usize> = Map::default();
    for u in &sample {
        let mut i = 0;
        while i + GRAM <= u.len() {
            if !common(&u[i..i + GRAM]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + GRAM <= u.len() && common(&u[j..j + GRAM]) {
                j += 1;
            }
            let mut seg = &u[i..j + GRAM - 1];
            // Whole surrogate pairs only.
            if seg.first().is_some_and(|&x| is_low_surrogate(x)) {
                seg = &seg[1..];
            }
            if seg.last().is_some_and(|&x| (0xd800..0xdc00).contains(&x)) {
                seg = &seg[..seg.len() - 1];
            }
            *segments.entry(seg).or_default() += 1;
            i = j;
        }
    }
    let mut ranked: Vec<(&[u16], usize)> = segments.into_iter().collect();
    ranked.sort_unstable_by(|a, b| (b.1 * b.0.len(), a.0).cmp(&(a.1 * a.0.len(), b.0)));
    let mut picked = Vec::new();
    let mut len = 0;
    for (seg, _) in ranked {
        if len + seg.len() <= size {
            len += seg.len();
            picked.push(seg);
        }
    }
    picked.reverse();
    picked.concat()
}

/// Reads LZ-coded text (for the tests; `search.js` has its own).
pub fn decode_lz(s: &str, dict: &[u16]) -> Option<String> {
    let mut out: Vec<u16> = dict.to_vec();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut buf = [0u16; 2];
    while i < chars.len() {
        if chars[i] != '~' {
            out.extend_from_slice(chars[i].encode_utf16(&mut buf));
            i += 1;
            continue;
        }
        i += 1;
        match *chars.get(i)? {
            '~' => out.push(u16::from(b'~')),
            '!' => out.push(FIELD as u16),
            '*' => out.push(RECORD as u16),
            _ => {
                let mut nums = [0u64; 2];
                for n in &mut nums {
                    let mut shift = 0;
                    loop {
                        let v = u64::from(value(u8::try_from(*chars.get(i)?).ok()?)?);
                        i += 1;
                        *n |= (v & 31) << shift;
                        shift += 5;
                        if v & 32 == 0 {
                            break;
                        }
                    }
                }
                let (len, d) = (nums[0] as usize + MIN_MATCH, nums[1] as usize + 1);
                let start = out.len().checked_sub(d)?;
                for k in 0..len {
                    out.push(out[start + k]);
                }
                continue;
            }
        }
        i += 1;
    }
    String::from_utf16(&out[dict.len()..]).ok()
}

fn push_js_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        // Line terminators inside string literals before ES2019.
        '\u{2028}' => out.push_str("\\u2028"),
        '\u{2029}' => out.push_str("\\u2029"),
        c if (c as u32) < 0x20 => {
            use std::fmt::Write;
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => out.push(c),
    }
}

/// Appends `s` as a double-quoted string literal that is both JSON and JavaScript. The
/// files are loaded with `<script src>`, never inlined into a page, so `<` and `&` stay
/// as they are (unlike `render::env::script_json`, which guards inline scripts).
pub fn push_js_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        push_js_char(out, c);
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let nums = [0, 1, 31, 32, 1023, 1024, u64::from(u32::MAX), u64::MAX];
        let mut s = String::new();
        for n in nums {
            push_varint(&mut s, n);
        }
        assert_eq!(decode_varints(&s).unwrap(), nums);
        assert_eq!(varint_len(31), 1);
        assert_eq!(varint_len(32), 2);
    }

    #[test]
    fn id_lists_round_trip_dense_sparse_and_with_outliers() {
        let lists: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![5],
            (0..1000).collect(),
            (0..1000).map(|i| i * 37 + 3).collect(),
            vec![0, 1, 2, 3, 100_000, 100_001, 4_000_000],
            (0..200).map(|i| i * i).collect(),
        ];
        for ids in lists {
            let mut s = String::new();
            push_ids(&mut s, &ids);
            assert!(s.bytes().all(|b| LETTERS.contains(&b)), "{s}");
            assert_eq!(decode_ids(&s).unwrap(), ids, "{s}");
        }
        // A dense list costs a few bits an entry.
        let mut s = String::new();
        push_ids(&mut s, &(0..6000).map(|i| i * 3).collect::<Vec<_>>());
        assert!(s.len() < 6000 * 4 / 6, "{}", s.len());
    }

    #[test]
    fn lz_round_trips_and_shrinks_repeated_text() {
        let texts = [
            "",
            "~",
            "a~b~~c",
            "共有ディスクを停止します。共有ディスクを起動します。",
            "abcabcabcabcabcabcabc",
            "x\u{1f}y\u{1e}z\u{1f}\u{1e}",
            "emoji 😀😀😀😀 and 😀😀😀😀 \"quoted\" \\ back\nslash\u{2028}",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ];
        let repeated = texts.map(|t| t.repeat(3));
        let dict = dictionary(&repeated.each_ref().map(String::as_str), 64);
        for d in [LzDict::new(Vec::new()), LzDict::new(dict)] {
            for t in texts {
                let mut s = String::new();
                push_lz(&mut s, t, &d);
                assert_eq!(
                    decode_lz(&unquote(&s), d.units()).as_deref(),
                    Some(t),
                    "{s}"
                );
            }
        }
        let long = "クラスタのリソースを停止してください。".repeat(20);
        let mut s = String::new();
        push_lz(&mut s, &long, &LzDict::new(Vec::new()));
        assert!(s.len() * 5 < long.len(), "{} of {}", s.len(), long.len());
    }

    #[test]
    fn a_dictionary_holds_what_recurs_and_makes_short_texts_shorter() {
        let texts: Vec<String> = (0..200)
            .map(|i| format!("手順{i}: クラスタのリソースを停止してください。svcctl stop {i}"))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let dict = dictionary(&refs, 256);
        let dict_text = String::from_utf16(&dict).unwrap();
        assert!(
            dict_text.contains("リソースを停止してください。"),
            "{dict_text}"
        );
        assert!(dict.len() <= 256);
        let (mut plain, mut with) = (String::new(), String::new());
        push_lz(&mut plain, &texts[7], &LzDict::new(Vec::new()));
        push_lz(&mut with, &texts[7], &LzDict::new(dict.clone()));
        assert!(with.len() * 2 < plain.len(), "{with} vs {plain}");
        assert_eq!(
            decode_lz(&unquote(&with), &dict).as_deref(),
            Some(&*texts[7])
        );
    }

    /// The string a JSON parser reads from the literal's contents.
    fn unquote(s: &str) -> String {
        serde_json::from_str(&format!("\"{s}\"")).unwrap()
    }

    #[test]
    fn js_strings_are_json() {
        for s in [
            "plain",
            "\"q\" \\ \n\t\r \u{1} \u{2028} </script> 日本語 😀",
        ] {
            let mut out = String::new();
            push_js_str(&mut out, s);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        }
    }
}
