// Edit-to-reload latency of `tejun serve`: listens on the reload channel
// (/__tejun/events, server-sent events) as an open page would, then edits one procedure
// file RUNS times and measures from each write to the `update` event that follows it
// (the watcher's debounce included). Prints JSON: every latency in ms, the median and the max.
//
//   node bench/servelatency.js BASE_URL FILE PAGE RUNS
"use strict";
const fs = require("fs");
const http = require("http");

const [base, file, page, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const original = fs.readFileSync(file, "utf8");
let waiting = null;

const req = http.get(`${base}/__tejun/events?page=${encodeURIComponent(page)}`, (res) => {
  let buf = "";
  res.setEncoding("utf8");
  res.on("data", (chunk) => {
    buf += chunk;
    let at;
    while ((at = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, at);
      buf = buf.slice(at + 2);
      const event = /^event: (.*)$/m.exec(block);
      if (event && event[1] === "hello" && !started) {
        started = true;
        main();
      } else if (event && event[1] === "update" && waiting) {
        const w = waiting;
        waiting = null;
        w(performance.now());
      }
    }
  });
});
req.on("error", (e) => {
  console.error(`servelatency: ${e.message}`);
  process.exit(1);
});
let started = false;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const times = [];
  try {
    for (let i = 0; i < runs; i++) {
      await sleep(800);
      const got = new Promise((resolve, reject) => {
        waiting = resolve;
        setTimeout(() => reject(new Error("no update event within 120 s")), 120000);
      });
      const t0 = performance.now();
      fs.writeFileSync(file, original.replace("intro = '''", `intro = '''編集${i} `));
      times.push((await got) - t0);
    }
  } catch (e) {
    console.error(`servelatency: ${e.message}`);
    fs.writeFileSync(file, original);
    process.exit(1);
  }
  fs.writeFileSync(file, original);
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      times: times.map((t) => Math.round(t * 10) / 10),
      median: sorted[Math.floor(sorted.length / 2)],
      max: sorted[sorted.length - 1],
    }),
  );
  process.exit(0);
}
