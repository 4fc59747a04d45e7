//! The site's pages and how a reader moves between them: the page list in reading order
//! (which also gives prev/next), and the breadcrumbs from the title page down.

use serde::Serialize;

use super::html::Ctx;
use super::view::LinkView;
use crate::model::{Book, Chapter, ChapterItem, Group, Procedure};

/// One page of the site. Rendering a page is a function of the book and this id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum PageId {
    /// The home page (`index.html`).
    Index,
    /// A chapter's page.
    Chapter(String),
    /// A procedure's page.
    Procedure(String),
    /// The external references (`references.html`).
    References,
    /// `404.html`.
    NotFound,
    /// The whole book on one page (`print.html`).
    Print,
    /// Every command and process with the steps that use it (`commands.html`).
    Commands,
    /// Every known problem by chapter (`known-problems.html`).
    Problems,
    /// A known problem's page; the id is its page's stem (`problem-<id>`, see
    /// [`crate::model::problem_page`]).
    Problem(String),
}

/// File names the site uses itself; a chapter or procedure id may not take them.
pub const RESERVED: &[&str] = &[
    "index",
    "references",
    "404",
    "print",
    "assets",
    "known-problems",
    "commands",
];

impl PageId {
    /// The file the page is written to, relative to the output folder.
    pub fn path(&self) -> String {
        format!("{}.html", self.stem())
    }

    /// The page's file name without `.html`.
    pub fn stem(&self) -> &str {
        match self {
            PageId::Index => "index",
            PageId::Chapter(id) | PageId::Procedure(id) | PageId::Problem(id) => id,
            PageId::Problems => "known-problems",
            PageId::Commands => "commands",
            PageId::References => "references",
            PageId::NotFound => "404",
            PageId::Print => "print",
        }
    }

    /// Every page of the book.
    pub fn all(book: &Book) -> Vec<PageId> {
        let mut pages = reading_order(book);
        pages.push(PageId::NotFound);
        pages.push(PageId::Print);
        pages.push(PageId::Commands);
        if !book.problems.is_empty() {
            pages.push(PageId::Problems);
            pages.extend(book.problems.iter().map(|p| PageId::Problem(p.page())));
        }
        pages
    }
}

/// The pages a reader pages through with prev/next, in order.
pub fn reading_order(book: &Book) -> Vec<PageId> {
    let mut pages = vec![PageId::Index];
    for c in &book.chapters {
        pages.push(PageId::Chapter(c.id.clone()));
        for item in &c.items {
            match item {
                ChapterItem::Group(g) => {
                    pages.extend(g.procedures.iter().map(|p| PageId::Procedure(p.id.clone())))
                }
                ChapterItem::Procedure(p) => pages.push(PageId::Procedure(p.id.clone())),
            }
        }
    }
    pages.push(PageId::References);
    pages
}

/// The previous and next page of `page` in [`reading_order`], found by walking the book
/// without building the list (the dev server renders one page at a time).
pub fn neighbours(book: &Book, page: &PageId) -> (Option<PageId>, Option<PageId>) {
    // The reading order as borrowed ids: chapters are `(true, id)`, procedures `(false, id)`.
    let inner = book.chapters.iter().flat_map(|c| {
        std::iter::once((true, c.id.as_str())).chain(
            c.items
                .iter()
                .flat_map(|item| match item {
                    ChapterItem::Group(g) => g.procedures.as_slice(),
                    ChapterItem::Procedure(p) => std::slice::from_ref(p),
                })
                .map(|p| (false, p.id.as_str())),
        )
    });
    let owned = |(chapter, id): (bool, &str)| {
        if chapter {
            PageId::Chapter(id.to_string())
        } else {
            PageId::Procedure(id.to_string())
        }
    };
    let first = || inner.clone().next().map(owned);
    let last = || inner.clone().last().map(owned);
    match page {
        PageId::Index => (None, first().or(Some(PageId::References))),
        PageId::References => (last().or(Some(PageId::Index)), None),
        PageId::Chapter(id) | PageId::Procedure(id) => {
            let want = (matches!(page, PageId::Chapter(_)), id.as_str());
            let mut prev = None;
            let mut it = inner.clone();
            while let Some(here) = it.next() {
                if here == want {
                    let prev = Some(prev.map_or(PageId::Index, owned));
                    let next = Some(it.next().map_or(PageId::References, owned));
                    return (prev, next);
                }
                prev = Some(here);
            }
            (None, None)
        }
        PageId::NotFound
        | PageId::Print
        | PageId::Commands
        | PageId::Problems
        | PageId::Problem(_) => (None, None),
    }
}

/// A page as a link: its number (if any) and title.
pub fn page_link(ctx: &Ctx, page: &PageId) -> LinkView {
    let t = ctx.t();
    let (number, title) = match page {
        PageId::Index => (String::new(), ctx.book.config.title.clone()),
        PageId::Chapter(id) | PageId::Procedure(id) => match ctx.book.targets.get(id) {
            Some(t) => (t.number.to_string(), t.title.clone()),
            None => (String::new(), id.clone()),
        },
        PageId::References => (String::new(), t.references.to_string()),
        PageId::NotFound => (String::new(), t.not_found_title.to_string()),
        PageId::Print => (String::new(), t.print.to_string()),
        PageId::Problems => (String::new(), t.known_problems.to_string()),
        PageId::Commands => (String::new(), t.commands.to_string()),
        PageId::Problem(page) => match ctx.book.targets.get(page) {
            Some(t) => (String::new(), t.title.clone()),
            None => (String::new(), page.clone()),
        },
    };
    let title_values = match page {
        PageId::Chapter(id) | PageId::Procedure(id) | PageId::Problem(id) => ctx.title_values(id),
        _ => None,
    };
    LinkView {
        href: ctx.href(page.stem(), ""),
        number,
        title,
        title_values,
    }
}

/// Where a procedure sits: its chapter, and its group if it is in one.
#[derive(Clone, Copy)]
pub struct Place<'a> {
    pub procedure: &'a Procedure,
    pub chapter: &'a Chapter,
    pub group: Option<&'a Group>,
}

/// Every procedure of `book` with its place, in reading order.
pub fn places(book: &Book) -> impl Iterator<Item = Place<'_>> {
    book.chapters.iter().flat_map(|chapter| {
        chapter.items.iter().flat_map(move |item| {
            let (procedures, group) = match item {
                ChapterItem::Procedure(p) => (std::slice::from_ref(p), None),
                ChapterItem::Group(g) => (&g.procedures[..], Some(g)),
            };
            procedures.iter().map(move |p| Place {
                procedure: p,
                chapter,
                group,
            })
        })
    })
}

/// Home, then the chapter and group a page sits in (`place`, for a procedure's page); the
/// page itself last.
pub fn breadcrumbs(ctx: &Ctx, page: &PageId, place: Option<Place>) -> Vec<LinkView> {
    let mut out = vec![LinkView {
        href: ctx.href("index", ""),
        number: String::new(),
        title: ctx.t().home.to_string(),
        title_values: None,
    }];
    if let PageId::Problem(_) = page {
        out.push(page_link(ctx, &PageId::Problems));
    }
    if let (PageId::Procedure(_), Some(place)) = (page, place) {
        let c = place.chapter;
        out.push(page_link(ctx, &PageId::Chapter(c.id.clone())));
        if let Some(g) = place.group {
            out.push(LinkView {
                href: ctx.href(&c.id, &format!("grp-{}", g.id)),
                number: g.number.to_string(),
                title: g.title.clone(),
                title_values: ctx.title_values(&g.id),
            });
        }
    }
    if *page != PageId::Index {
        out.push(page_link(ctx, page));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_the_book_finds_the_same_neighbours_as_the_list() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (book, _) = crate::load_book(root).unwrap_or_else(|(d, s)| panic!("{:?}", d.lines(&s)));
        let order = reading_order(&book);
        assert!(order.len() > 10);
        for (i, page) in order.iter().enumerate() {
            let expected = (
                i.checked_sub(1).map(|j| order[j].clone()),
                order.get(i + 1).cloned(),
            );
            assert_eq!(neighbours(&book, page), expected, "{page:?}");
        }
        assert_eq!(neighbours(&book, &PageId::Print), (None, None));
    }
}
