// Bytes a reader downloads for one query with Pagefind: loads the site's own pagefind.js
// under node with `fetch` served from disk, runs the query, loads the first 20 results (as
// a results page shows them) and counts every byte fetched, pagefind.js included. Each
// query starts from a fresh module, so nothing is shared between queries.
//
//   node bench/pagefindbytes.mjs SITE/pagefind QUERY...
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, ...queries] = process.argv.slice(2);
const abs = path.resolve(dir);
let fetched = {};

globalThis.fetch = async (url) => {
  const u = new URL(String(url), pathToFileURL(abs + "/"));
  const file = decodeURIComponent(u.pathname);
  const body = fs.readFileSync(file);
  fetched[path.relative(abs, file)] = body.length;
  return new Response(body, { status: 200 });
};
globalThis.document ??= {
  querySelector: () => ({ getAttribute: () => "ja" }),
  documentElement: { lang: "ja", getAttribute: () => "ja" },
};
globalThis.window ??= globalThis;
globalThis.location ??= new URL(pathToFileURL(abs + "/").href);

async function one(query, n) {
  fetched = { "pagefind.js": fs.statSync(path.join(abs, "pagefind.js")).size };
  // A fresh module instance per query: a query string on the URL defeats the module cache.
  const pf = await import(pathToFileURL(path.join(abs, "pagefind.js")).href + `?q=${n}`);
  await pf.options({ basePath: pathToFileURL(abs + "/").href });
  const res = await pf.search(query);
  const results = res?.results ?? [];
  await Promise.all(results.slice(0, 20).map((r) => r.data()));
  const bytes = Object.values(fetched).reduce((a, b) => a + b, 0);
  return { query, hits: results.length, files: Object.keys(fetched).length, bytes };
}

const per = [];
for (const [i, q] of queries.entries()) per.push(await one(q, i));
const bytes = per.map((r) => r.bytes);
console.log(
  JSON.stringify({
    queries: per,
    mean: Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length),
    max: Math.max(...bytes),
  }),
);
