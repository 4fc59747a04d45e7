//! Names tejun as the creator of a PDF Chromium printed, so that a later `tejun pdf` knows
//! the file at `--out` is its own and may be replaced (`crate::output::owned`), and a
//! reader's PDF viewer says where the document came from.
//!
//! The change is a PDF incremental update (ISO 32000-1, 7.5.6): a new revision of the
//! document-information dictionary, a one-entry cross-reference section and a trailer
//! pointing back at Chromium's, appended after the printed bytes, which stay as they are.

use crate::output::owned::PDF_CREATOR;

/// `pdf` with tejun as its `/Creator`; unchanged (`None`) when its trailer is not the
/// classic kind Chromium writes.
pub fn sign(pdf: &[u8]) -> Option<Vec<u8>> {
    let text = latin1(pdf);
    let Tail {
        prev,
        size,
        root: (root_num, root_gen),
        info,
    } = tail(&text)?;
    let (num, generation) = info?;
    let header = format!("\n{num} {generation} obj");
    let obj = text.rfind(&header)? + header.len();
    let open = obj + text[obj..].find("<<")? + 2;
    let close = open + text[open..].find(">>")?;
    let dict = with_creator(&text[open..close]);

    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let info_at = out.len();
    out.extend_from_slice(format!("{num} {generation} obj\n<<{dict}>>\nendobj\n").as_bytes());
    let xref_at = out.len();
    out.extend_from_slice(
        format!(
            "xref\n{num} 1\n{info_at:010} {generation:05} n \ntrailer\n<</Size {size}\n\
             /Root {root_num} {root_gen} R\n/Info {num} {generation} R\n/Prev {prev}>>\n\
             startxref\n{xref_at}\n%%EOF\n"
        )
        .as_bytes(),
    );
    Some(out)
}

/// The dictionary's entries with `/Creator` replaced by tejun's (or added).
fn with_creator(dict: &str) -> String {
    let ours = format!("{PDF_CREATOR} {})", env!("CARGO_PKG_VERSION"));
    let Some(start) = dict.find("/Creator") else {
        return format!("{dict}\n{ours}");
    };
    let end = literal_end(dict, start + "/Creator".len()).unwrap_or(dict.len());
    format!("{}{ours}{}", &dict[..start], &dict[end..])
}

/// The end of the literal string `( … )` that follows `from` (after spaces), balanced
/// parentheses and `\` escapes honoured.
fn literal_end(s: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = from;
    while bytes.get(i)?.is_ascii_whitespace() {
        i += 1;
    }
    if bytes[i] != b'(' {
        return None;
    }
    let mut depth = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// What the last trailer of a PDF says: where its cross-reference section is, how many
/// objects there are, the catalogue and the document information.
pub(super) struct Tail {
    pub(super) prev: usize,
    pub(super) size: u32,
    pub(super) root: (u32, u32),
    pub(super) info: Option<(u32, u32)>,
}

/// The last trailer of `text` (a PDF as Latin-1), when it is the classic kind.
pub(super) fn tail(text: &str) -> Option<Tail> {
    let startxref = text.rfind("startxref")?;
    let prev = text[startxref + "startxref".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let trailer = &text[text[..startxref].rfind("trailer")?..startxref];
    Some(Tail {
        prev,
        size: value_after(trailer, "/Size")?.parse().ok()?,
        root: reference_after(trailer, "/Root")?,
        info: reference_after(trailer, "/Info"),
    })
}

/// The token after `key` in a dictionary's text.
fn value_after<'a>(dict: &'a str, key: &str) -> Option<&'a str> {
    let at = dict.find(key)? + key.len();
    dict[at..]
        .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .find(|t| !t.is_empty())
}

/// The object and generation numbers of the indirect reference `n g R` after `key`.
pub(super) fn reference_after(dict: &str, key: &str) -> Option<(u32, u32)> {
    let at = dict.find(key)? + key.len();
    let mut words = dict[at..].split_whitespace();
    let n = words.next()?.parse().ok()?;
    let g = words.next()?.parse().ok()?;
    words.next()?.starts_with('R').then_some((n, g))
}

/// The bytes as Latin-1 text: one char per byte, so every offset into the text is the
/// same offset into the PDF.
pub(super) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = "%PDF-1.4\n1 0 obj\n<</Title (T)\n/Creator (Mozilla \\(X11\\) x)\n\
        /Producer (Skia)>>\nendobj\n2 0 obj\n<</Type /Catalog>>\nendobj\nxref\n0 3\n\
        0000000000 65535 f \n0000000009 00000 n \n0000000080 00000 n \ntrailer\n\
        <</Size 3\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n113\n%%EOF\n";

    #[test]
    fn appends_a_revision_naming_tejun() {
        let signed = String::from_utf8(sign(PRINTED.as_bytes()).unwrap()).unwrap();
        assert!(
            signed.starts_with(PRINTED),
            "Chromium's bytes stay as they are"
        );
        let update = &signed[PRINTED.len()..];
        assert!(
            update.starts_with("1 0 obj\n<</Title (T)\n/Creator (tejun "),
            "{update}"
        );
        assert!(update.contains("/Producer (Skia)"), "{update}");
        assert!(!update.contains("Mozilla"), "{update}");
        // The new xref entry points at the new object, the trailer back at the old xref.
        let at = format!("{:010} 00000 n \n", PRINTED.len());
        assert!(update.contains(&format!("xref\n1 1\n{at}")), "{update}");
        assert!(update.contains("/Prev 113>>"), "{update}");
        let xref_at = PRINTED.len() + update.find("xref").unwrap();
        assert!(update.ends_with(&format!("startxref\n{xref_at}\n%%EOF\n")));
    }

    #[test]
    fn leaves_what_it_cannot_read() {
        assert!(sign(b"%PDF-1.7\n...no trailer...").is_none());
        assert!(sign(b"").is_none());
    }
}
