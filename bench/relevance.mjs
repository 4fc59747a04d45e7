// Relevance on judged queries (tests/search-judged.json): MRR@10, nDCG@10 and precision at
// 5 for tejun's offline search (the site's own search.js under node), its CLI (`tejun search
// --json`, when BOOK and TEJUN are given), and Pagefind over the same built site when
// SITE/pagefind exists (`pagefind --site SITE`). Prints JSON.
//
// A hit is relevant when its title starts with one of the query's `titles` or its link ends
// with one of its `anchors`. Step level: each hit is a step. Page level: each hit stands for
// its page (the first hit on a page counts, later ones are dropped) and a page is relevant
// when it holds a relevant step.
//
// Pagefind answers pages, each with sub-results: one per heading with an id (tejun's step,
// section and group anchors are on their headings). At step level its hits are what its own
// UI shows: for each page in its order, the three sub-results with the most matches, in page
// order (the page itself when none has an anchor); a sub-result's `page.html#anchor` is the
// tejun document of that link (a step, or a section's introduction).
//
//   node bench/relevance.mjs JUDGED.json KEY SITE [BOOK TEJUN]
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";

const [judgedPath, key, site, book, tejun] = process.argv.slice(2);
const judged = JSON.parse(fs.readFileSync(judgedPath, "utf8"))[key];
const api = createRequire(import.meta.url)(path.resolve(site, "assets/search.js"));

const isRelevant = (j, title, link) =>
  (j.titles || []).some((t) => title.startsWith(t)) || (j.anchors || []).some((a) => link.endsWith(a));
const pageOf = (link) => link.split("#")[0].split("?")[0].split("/").pop();

function run(file, receivers) {
  new Function("window", fs.readFileSync(path.join(site, file), "utf8"))(receivers);
}
const engine = api.createEngine((p) => {
  run(p, engine.globals);
  return Promise.resolve();
}, () => true);

// Every document of the book, for what is relevant: all chunks decoded by the engine.
function documents() {
  let count = 0;
  run("search/meta.js", { tejunSearchMeta: (m) => { count = m.docs; engine.receivers.meta(m); } });
  for (const f of fs.readdirSync(path.join(site, "search")).filter((f) => /^docs-\d+\.js$/.test(f))) {
    run("search/" + f, { tejunSearchDocs: engine.receivers.docs });
  }
  const out = [];
  for (let id = 0; id < count; id++) out.push({ title: engine.doc(id).row[0], link: engine.doc(id).row[2] });
  return out;
}

// Figures of `ranked` (per query, relevance of the top ten in order) against `all` (per
// query, how many relevant items the book holds).
function figures(ranked, all) {
  let mrr = 0, ndcg = 0, p5 = 0;
  ranked.forEach((rel, q) => {
    const first = rel.indexOf(true);
    mrr += first < 0 ? 0 : 1 / (first + 1);
    p5 += rel.slice(0, 5).filter(Boolean).length / 5;
    const dcg = rel.reduce((s, r, i) => s + (r ? 1 / Math.log2(i + 2) : 0), 0);
    let ideal = 0;
    // Pagefind also finds the known problems' remedy steps, which tejun's step index does
    // not hold: the ideal list holds at least every relevant item found.
    const relevant = Math.max(all[q], rel.filter(Boolean).length);
    for (let i = 0; i < Math.min(relevant, 10); i++) ideal += 1 / Math.log2(i + 2);
    ndcg += ideal ? dcg / ideal : 0;
  });
  const r = (x) => Math.round((x / ranked.length) * 1000) / 1000;
  return { "MRR@10": r(mrr), "nDCG@10": r(ndcg), "P@5": r(p5) };
}

(async () => {
  const docs = documents();
  const steps = judged.map((j) => docs.filter((d) => isRelevant(j, d.title, d.link)));
  const pages = steps.map((l) => new Set(l.map((d) => pageOf(d.link))));
  const stepLevel = (hits) => figures(hits.map((h, q) => h.map((d) => isRelevant(judged[q], d.title, d.link))), steps.map((l) => l.length));
  const pageLevel = (links) => figures(links.map((l, q) => {
    const seen = [...new Set(l.map(pageOf))].slice(0, 10);
    return seen.map((p) => pages[q].has(p));
  }), pages.map((s) => s.size));
  const result = { key, queries: judged.length };
  const offline = [];
  for (const j of judged) offline.push((await engine.search(j.query, 10)).hits.map((h) => ({ title: h.row[0], link: h.row[2] })));
  result.site = { step: stepLevel(offline), page: pageLevel(offline.map((h) => h.map((d) => d.link))) };
  if (book && tejun) {
    const cli = judged.map((j) => JSON.parse(execFileSync(tejun, ["search", j.query, book, "--json", "--limit", "10"], { encoding: "utf8" })));
    result.cli = { step: stepLevel(cli), page: pageLevel(cli.map((h) => h.map((d) => d.link))) };
  }
  const pf = path.resolve(site, "pagefind");
  if (fs.existsSync(path.join(pf, "pagefind.js"))) {
    globalThis.fetch = async (url) => {
      const u = new URL(String(url), pathToFileURL(pf + "/"));
      return new Response(fs.readFileSync(decodeURIComponent(u.pathname)), { status: 200 });
    };
    // Pagefind searches the index of the page's language: the site's.
    const lang = /<html[^>]*\blang="([^"]+)"/.exec(fs.readFileSync(path.join(site, "index.html"), "utf8"))?.[1] ?? "en";
    globalThis.document ??= { querySelector: () => ({ getAttribute: () => lang }), documentElement: { lang, getAttribute: () => lang } };
    globalThis.window ??= globalThis;
    globalThis.location ??= new URL(pathToFileURL(pf + "/").href);
    const pagefind = await import(pathToFileURL(path.join(pf, "pagefind.js")).href);
    await pagefind.options({ basePath: pathToFileURL(pf + "/").href });
    const titleOf = new Map(docs.map((d) => [d.link, d.title]));
    // Pagefind's URLs are the pages' file paths here: taken relative to the site.
    const root = pathToFileURL(path.resolve(site) + "/").pathname;
    const local = (url) => {
      const u = decodeURIComponent(url), at = u.indexOf(root);
      return at >= 0 ? u.slice(at + root.length) : u.replace(/^\//, "");
    };
    const links = [], steps = [];
    for (const j of judged) {
      const res = await pagefind.search(j.query);
      const data = await Promise.all((res?.results ?? []).slice(0, 10).map((r) => r.data()));
      links.push(data.map((d) => local(d.url)));
      const hits = [];
      for (const d of data) {
        const anchored = (d.sub_results ?? []).filter((r) => r.anchor);
        const shown = new Set([...anchored].sort((a, b) => b.locations.length - a.locations.length).slice(0, 3));
        const subs = anchored.filter((r) => shown.has(r));
        if (!subs.length) hits.push({ title: d.meta?.title ?? "", link: local(d.url) });
        // A heading tejun's index has no document for reads as its text, number dropped.
        for (const r of subs) hits.push({ title: titleOf.get(local(r.url)) ?? r.title.replace(/^[\d.]+\s+/, ""), link: local(r.url) });
      }
      steps.push(hits.slice(0, 10));
    }
    result.pagefind = { step: stepLevel(steps), page: pageLevel(links) };
  }
  console.log(JSON.stringify(result));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
