#!/usr/bin/env python3
"""Turns bench/run's raw figures (TSV: size, metric, tool, value, unit) into the Markdown
report: the machine, the versions, one table per book size with tejun ÷ peer ratios, and
the notes on what was skipped.

    python3 bench/report.py RESULTS.tsv NOTES.txt VERSIONS.txt STEPS RUNS
"""
import datetime
import os
import platform
import sys

data_path, notes_path, versions_path, steps, runs = sys.argv[1:6]

TOOLS = [
    ("tejun", "tejun"),
    ("tejun serve", "tejun serve"),
    ("mdbook", "mdBook"),
    ("hugo", "Hugo (no search)"),
    ("pagefind", "Pagefind"),
    ("hugo+pagefind", "Hugo + Pagefind"),
    ("cp -r", "`cp -r` of tejun's output"),
]
METRICS = [
    "full build",
    "rebuild after one edit",
    "rebuild after one edit, 10 s apart",
    "rebuild, nothing changed",
    "peak memory",
    "search index build",
    "peak memory, search index build",
    "search, cold process (p50 over queries)",
    "search, in-process p50",
    "search, in-process p99",
    "search, in-process p50, index warm",
    "search, in-process p99, index warm",
    "offline index, total",
    "offline index, one query (mean)",
    "offline index, one query (max)",
]

figures = {}  # (size, metric) -> {tool: (value, unit)}
sizes = []
with open(data_path, encoding="utf-8") as f:
    for line in f:
        size, metric, tool, value, unit = line.rstrip("\n").split("\t")
        try:
            v = float(value)
        except ValueError:
            continue
        if tool == "tejun index":
            metric, tool = "peak memory, search index build", "tejun"
        if size not in sizes:
            sizes.append(size)
        figures.setdefault((size, metric), {})[tool] = (v, unit)

# A reader of Hugo + Pagefind downloads Pagefind's files; the two processes' peak is the max.
for (size, metric), row in figures.items():
    if "hugo+pagefind" in row:
        continue
    if metric.startswith("offline index") and "pagefind" in row:
        row["hugo+pagefind"] = row["pagefind"]
    if metric == "peak memory" and "hugo" in row and "pagefind" in row:
        row["hugo+pagefind"] = max(row["hugo"], row["pagefind"])


def show(v, unit):
    if unit == "s":
        return f"{v:.2f} s" if v < 100 else f"{v:.0f} s"
    if unit == "ms":
        return f"{v:.1f} ms"
    if unit == "MiB":
        return f"{v:.0f} MiB"
    if unit == "bytes":
        if v >= 1 << 20:
            return f"{v / (1 << 20):.1f} MiB"
        if v >= 1 << 10:
            return f"{v / (1 << 10):.0f} KiB"
        return f"{v:.0f} B"
    return f"{v:g} {unit}"


def meminfo():
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        return f"{kb / (1 << 20):.1f} GiB"
    except OSError:
        return "?"


def cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


out = []
out.append(f"# tejun benchmark, {datetime.date.today().isoformat()}\n")
load = os.getloadavg()
out.append(
    f"Machine: {os.cpu_count()} cores ({cpu()}), {meminfo()} memory, {platform.system()} "
    f"{platform.release()}; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.  "
)
out.append(
    f"Book: `cargo run --release --example genbook -- --procedures N --steps {steps}` "
    "(the same text as tejun, mdBook and Hugo sources).  "
)
out.append(
    f"Times are medians of {runs} whole-process runs (3 for mdBook and Pagefind on books of "
    "2,000 procedures and more) measured with hyperfine; peak memory is one run's maximum "
    "resident set (`/usr/bin/time`).\n"
)
with open(versions_path, encoding="utf-8") as f:
    versions = [v.strip() for v in f if v.strip()]
if versions:
    out.append("Versions: " + "; ".join(versions) + ".\n")

present = [t for t, _ in TOOLS if any(t in row for row in figures.values())]
for size in sizes:
    out.append(f"## {int(size):,} procedures × {steps} steps\n")
    head = ["measure"] + [name for t, name in TOOLS if t in present]
    ratio_peers = [
        (t, name) for t, name in TOOLS if t not in ("tejun", "tejun serve", "pagefind") and t in present
    ]
    head += [f"tejun ÷ {name}" for _, name in ratio_peers]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for metric in METRICS:
        row = figures.get((size, metric))
        if not row:
            continue
        cells = [metric]
        for t, _ in TOOLS:
            if t in present:
                cells.append(show(*row[t]) if t in row else "—")
        # tejun serve's figure, where there is one, is the one that competes.
        ours = row.get("tejun serve", row.get("tejun"))
        for t, _ in ratio_peers:
            if ours and t in row and row[t][0] > 0:
                cells.append(f"{ours[0] / row[t][0]:.2f}")
            else:
                cells.append("—")
        out.append("| " + " | ".join(cells) + " |")
    out.append("")

# Issue #21's targets, each as this run measured it: tejun's own figure (`tejun build`,
# not serve) against the peer's, and whether it is within the target.
TARGETS = [
    ("full build", "hugo", 0.5, "full build at most half of Hugo's (no search)"),
    ("full build", "mdbook", 0.1, "full build at most a tenth of mdBook's"),
    ("peak memory", "hugo", 0.5, "peak memory at most half of Hugo's"),
]
REBUILD_LIMIT_S = 1.0
out.append("## Targets (issue #21)\n")
out.append("| procedures | target | tejun | peer | tejun ÷ peer | met |")
out.append("|---|---|---|---|---|---|")
for size in sizes:
    n = f"{int(size):,}"
    for metric, peer, limit, what in TARGETS:
        row = figures.get((size, metric), {})
        ours, theirs = row.get("tejun"), row.get(peer)
        if not ours or not theirs or theirs[0] <= 0:
            out.append(f"| {n} | {what} | {show(*ours) if ours else '—'} | — | — | not measured |")
            continue
        ratio = ours[0] / theirs[0]
        met = "yes" if ratio <= limit else "no"
        out.append(f"| {n} | {what} | {show(*ours)} | {show(*theirs)} | {ratio:.2f} | {met} |")
    for metric, pace in [
        ("rebuild after one edit", ""),
        ("rebuild after one edit, 10 s apart", ", 10 s after the previous build"),
    ]:
        rebuild = figures.get((size, metric), {}).get("tejun")
        if rebuild:
            met = "yes" if rebuild[0] < REBUILD_LIMIT_S else "no"
            out.append(
                f"| {n} | `tejun build` after one edit under {REBUILD_LIMIT_S:g} s{pace} "
                f"| {show(*rebuild)} | — | — | {met} |"
            )
    floor = figures.get((size, "full build"), {})
    if "tejun" in floor and "cp -r" in floor and floor["cp -r"][0] > 0:
        out.append(
            f"| {n} | distance from the floor (`cp -r` of the output) | {show(*floor['tejun'])} "
            f"| {show(*floor['cp -r'])} | {floor['tejun'][0] / floor['cp -r'][0]:.1f} | (the floor) |"
        )
out.append("")

with open(notes_path, encoding="utf-8") as f:
    notes = [n.rstrip() for n in f if n.strip()]
out.append("## Notes\n")
out.append(
    "- Full build: `tejun build` (site and print page, plus whatever search output it writes "
    "at this commit) vs `mdbook build` (site, searchindex, print page) vs `hugo` (no search "
    "index) and `hugo` then `pagefind --site`. The floor: `cp -r` of tejun's built output "
    "on the same disk, the time any build writing those bytes needs at least (its ratio is "
    "how far the build is from that)."
)
out.append(
    "- Rebuild after one edit: the middle procedure's intro gains a word before each run "
    "(hyperfine `--prepare`); `tejun build` and `mdbook build` then build everything again. "
    "`tejun serve`: the time from writing the file to the `update` event on its reload channel "
    "(`bench/servelatency.js`, the watcher's debounce included); the ratio uses it when present. "
    "\"10 s apart\": the same `tejun build` with ten seconds' sleep in the prepare step, a "
    "writer's pace rather than back to back (on a virtual machine that hands freed memory "
    "back to its host, the build's memory is then faulted in from the host again)."
)
out.append(
    "- Rebuild, nothing changed: `tejun build` again right after the last rebuild (it says the "
    "site is up to date); `mdbook build` and `hugo` have no such check and build everything, "
    "as in their full build."
)
out.append(
    "- Search, cold process: `tejun search QUERY BOOK` over 8 fixed queries, 10 runs each "
    "(opens the index, checks it is fresh, searches, prints). In-process: the time "
    "`tejun search` reports for the query alone once the index is open, 5 runs of each query "
    "(each the first query of its process); index warm: `examples/searchbench` with the "
    "index open and in use, one untimed run then 20 timed runs of each query."
)
out.append(
    "- Offline index, one query: tejun's figure replays the site's own `search.js` under node "
    "(`bench/querybytes.js`) and counts every file it loads for the query (search.js, meta, "
    "shards, document chunks of the 20 results shown); mdBook loads its whole "
    "`searchindex*.js` plus its search scripts on the first query; Pagefind's figure replays "
    "`pagefind.js` under node with `fetch` served from disk (`bench/pagefindbytes.mjs`) and "
    "counts the bytes fetched for the query and the first 20 results' fragments."
)
out.extend(notes)
print("\n".join(out))
