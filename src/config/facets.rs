//! book.toml's `[[facet]]` tables checked into [`Facet`]s: ids, the kind, an enumeration's
//! values, a version facet's known versions and their labels.

use super::raw::RawFacet;
use super::{check_id, Reader};
use crate::diagnostics::Diagnostic;
use crate::facet::{EnumValue, Facet, FacetKind};
use crate::version::Version;

impl Reader<'_> {
    /// Every facet that could be read; a duplicate id or an unknown kind leaves one out.
    pub(super) fn facets(&mut self, raws: Vec<RawFacet>) -> Vec<Facet> {
        let mut facets: Vec<Facet> = Vec::new();
        for f in raws {
            if let Some(facet) = self.facet(f, &facets) {
                facets.push(facet);
            }
        }
        facets
    }

    fn facet(&mut self, f: RawFacet, before: &[Facet]) -> Option<Facet> {
        let id = f.id.get_ref();
        check_id(self.diags, self.file, f.id.span(), id, || {
            format!("facet id `{id}`")
        });
        if before.iter().any(|p| p.id == *id) {
            self.error(f.id.span(), format!("duplicate facet id `{id}`"));
            return None;
        }
        let kind = f.kind.as_ref().map(|k| k.get_ref().as_str());
        self.misplaced_lists(&f, kind == Some("version"));
        let kind = match kind {
            None | Some("enum") => self.enumeration(&f),
            Some("version") => self.versions(&f),
            Some(other) => {
                let span = f.kind.as_ref().map(|k| k.span()).unwrap_or(0..0);
                self.diags.push(
                    Diagnostic::error(self.file, span, format!("unknown facet kind `{other}`"))
                        .with_hint("use \"enum\" (the default) or \"version\""),
                );
                return None;
            }
        };
        Some(Facet {
            id: f.id.into_inner(),
            label: f.label,
            kind,
        })
    }

    /// An enumeration's values: at least one, each a valid id, none twice.
    fn enumeration(&mut self, f: &RawFacet) -> FacetKind {
        let facet = f.id.get_ref();
        if f.values.is_empty() {
            self.diags.push(
                Diagnostic::error(self.file, f.id.span(), format!("facet `{facet}` has no `values`"))
                    .with_hint("an enumeration facet lists its values: values = [{ id = \"a\", label = \"A\" }]"),
            );
        }
        let mut seen: Vec<&str> = Vec::new();
        for v in &f.values {
            let id = v.id.get_ref();
            check_id(self.diags, self.file, v.id.span(), id, || {
                format!("value id `{id}` in facet `{facet}`")
            });
            if seen.contains(&id.as_str()) {
                self.error(
                    v.id.span(),
                    format!("duplicate value `{id}` in facet `{facet}`"),
                );
            }
            seen.push(id);
        }
        FacetKind::Enum(
            f.values
                .iter()
                .map(|v| EnumValue {
                    id: v.id.get_ref().clone(),
                    label: v.label.clone(),
                })
                .collect(),
        )
    }

    /// A version facet's known versions, sorted, and the labels of some of them.
    fn versions(&mut self, f: &RawFacet) -> FacetKind {
        let mut known = Vec::new();
        for k in &f.known {
            match k.get_ref().parse::<Version>() {
                Ok(v) => known.push(v),
                Err(e) => self.error(k.span(), e.message),
            }
        }
        known.sort();
        let mut labels = Vec::new();
        for (k, label) in &f.labels {
            match k.get_ref().parse::<Version>() {
                Ok(v) if known.contains(&v) => labels.push((v, label.clone())),
                Ok(_) => self.diags.push(
                    Diagnostic::error(
                        self.file,
                        k.span(),
                        format!("`{}` has a label but is not in `known`", k.get_ref()),
                    )
                    .with_hint("labels name versions the picker offers; add it to `known`"),
                ),
                Err(e) => self.error(k.span(), e.message),
            }
        }
        FacetKind::Version { known, labels }
    }

    /// A list the facet's kind does not read is an error, not a silent no-op: `values` on
    /// a version facet, `known` or `labels` on an enumeration.
    fn misplaced_lists(&mut self, f: &RawFacet, is_version: bool) {
        let id = f.id.get_ref();
        if is_version {
            if let Some(v) = f.values.first() {
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        v.id.span(),
                        format!("facet `{id}` is a version facet: it lists `known` versions, not `values`"),
                    )
                    .with_hint("known = [\"14.9\", \"16\"]; display labels go in labels = { \"16\" = \"16 (LTS)\" }"),
                );
            }
            return;
        }
        let span = f
            .known
            .first()
            .map(|k| k.span())
            .or_else(|| f.labels.keys().next().map(|k| k.span()));
        if let Some(span) = span {
            self.diags.push(
                Diagnostic::error(
                    self.file,
                    span,
                    format!("facet `{id}` is an enumeration: `known` and `labels` belong to version facets"),
                )
                .with_hint("add kind = \"version\", or list the values as values = [{ id = \"a\", label = \"A\" }]"),
            );
        }
    }
}
