// Bytes a reader downloads for one query in tejun's offline search: runs the site's own
// search.js engine under node, serving its on-demand script loads from disk and counting
// them. Prints JSON: per query the files and bytes (search.js itself included), then the
// mean and max.
//
//   node bench/querybytes.js SITE_DIR QUERY...
"use strict";
const fs = require("fs");
const path = require("path");

const [site, ...queries] = process.argv.slice(2);
const searchJs = ["search.js", "assets/search.js"].map((p) => path.join(site, p)).find(fs.existsSync);
if (!searchJs) {
  console.error(`querybytes: no search.js under ${site}`);
  process.exit(2);
}
const api = require(path.resolve(searchJs));

async function one(query) {
  const loaded = { [path.relative(site, searchJs)]: fs.statSync(searchJs).size };
  const engine = api.createEngine(
    (p) =>
      new Promise((resolve, reject) => {
        fs.readFile(path.join(site, p), "utf8", (err, text) => {
          if (err) return reject(err);
          loaded[p] = Buffer.byteLength(text);
          new Function("window", text)(engine.globals);
          resolve();
        });
      }),
    () => true,
  );
  // The page shows 20 results.
  const res = await engine.search(query, 20);
  const bytes = Object.values(loaded).reduce((a, b) => a + b, 0);
  return { query, hits: res.hits.length, files: Object.keys(loaded).length, bytes };
}

(async () => {
  const per = [];
  for (const q of queries) per.push(await one(q));
  const bytes = per.map((r) => r.bytes);
  console.log(
    JSON.stringify({
      queries: per,
      mean: Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length),
      max: Math.max(...bytes),
    }),
  );
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
