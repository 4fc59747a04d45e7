//! What the search box says, in the book's language. The offline index carries these in
//! `search/meta.js` (`search.js` shows only words it was given), so a book's search speaks
//! its language without a string in the script. `{}` is a number or a query.

use serde::Serialize;

use crate::config::Language;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchStrings {
    /// One result.
    pub result: &'static str,
    /// `{}` results.
    pub results: &'static str,
    /// About `{}` results: an upper bound (phrases are checked only for the hits shown).
    pub results_about: &'static str,
    pub no_results: &'static str,
    /// `{}` hits the chosen environment hides.
    pub outside: &'static str,
    pub show_outside: &'static str,
    pub hide_outside: &'static str,
    /// Marks a hit outside the chosen environment once they are shown.
    pub outside_mark: &'static str,
    /// `{}` is the query the results are for, corrected.
    pub showing_for: &'static str,
    /// No document has every word; these have most of them.
    pub partial: &'static str,
    /// `{}` other places the same reused step appears.
    pub also_in: &'static str,
}

const JA: SearchStrings = SearchStrings {
    result: "1 件",
    results: "{} 件",
    results_about: "約 {} 件",
    no_results: "該当する手順はありません。",
    outside: "ほかに {} 件が選択中の環境の外にあります。",
    show_outside: "表示する",
    hide_outside: "環境内だけを表示",
    outside_mark: "環境の外",
    showing_for: "「{}」の結果を表示しています。",
    partial: "すべての語を含む手順はありません。一部の語を含む手順を表示しています。",
    also_in: "ほかに同じ手順が {} か所",
};

const EN: SearchStrings = SearchStrings {
    result: "1 result",
    results: "{} results",
    results_about: "about {} results",
    no_results: "No matching steps.",
    outside: "{} more outside your environment.",
    show_outside: "Show them",
    hide_outside: "Only my environment",
    outside_mark: "outside your environment",
    showing_for: "Showing results for “{}”.",
    partial: "No step has every word; showing steps with most of them.",
    also_in: "the same step elsewhere ({})",
};

pub fn strings(lang: Language) -> &'static SearchStrings {
    match lang {
        Language::Ja => &JA,
        Language::En => &EN,
    }
}
