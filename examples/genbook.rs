//! A synthetic handbook for benchmarks, deterministic from a seed: the same words written
//! three ways, so tejun, mdBook and Hugo build the same text.
//!
//! ```sh
//! cargo run --release --example genbook -- --procedures 1000 --steps 20 --out /tmp/b [--seed 1]
//! ```
//!
//! writes `OUT/tejun` (a tejun book: facets, profiles, chapters of procedures, reusable
//! steps, variants under version and cluster conditions, cross-references),
//! `OUT/mdbook` (`book.toml`, `src/SUMMARY.md`, one page per chapter and procedure) and
//! `OUT/hugo` (`config.toml`, a minimal layout and one page per chapter and procedure).
//! Every procedure is generated from its own random stream (seed, procedure number), so a
//! book of 1,000 procedures is the first 1,000 procedures of a book of 5,000.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use clap::Parser;

#[derive(Parser)]
#[command(about = "Write a synthetic book as tejun, mdBook and Hugo sources")]
pub struct Args {
    /// Number of procedures
    #[arg(long, default_value_t = 100)]
    pub procedures: usize,
    /// Steps per procedure
    #[arg(long, default_value_t = 20)]
    pub steps: usize,
    /// Output folder (its tejun/, mdbook/ and hugo/ subfolders are replaced)
    #[arg(long)]
    pub out: PathBuf,
    /// Random seed
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Procedures per chapter.
const PER_CHAPTER: usize = 25;
/// Steps per section.
const PER_SECTION: usize = 5;
/// Reusable steps under `content/_steps`.
const REUSABLE: usize = 8;

/// splitmix64's output function: a bijection that scatters neighbouring inputs.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64: tiny, fast and good enough for text.
struct Rng(u64);

impl Rng {
    /// Starts stream `stream` of `seed` at a scrambled point of the sequence: seeds and
    /// streams are small neighbouring numbers, and starting at `seed ^ stream * gamma`
    /// would make stream p + 2 replay stream p two draws later.
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(mix(mix(seed) ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03)));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability 1/n.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const TERMS: &[&str] = &[
    "JobCenter",
    "NQS",
    "クラスタ",
    "リソースDLL",
    "フェイルオーバ",
    "サイトデータベース",
    "共有ディスク",
    "仮想ホスト",
    "クラスタグループ",
    "待機系ノード",
    "現用系ノード",
    "ローカルサイト",
    "クラスタサイト",
    "JobCenter MG/SV",
    "CL/Win",
    "ジョブネットワーク",
    "スケジュール",
    "カレンダ",
    "ライセンス",
    "パッチ",
    "インストーラ",
    "汎用スクリプトリソース",
    "JobCenterサービス",
    "イベントログ",
    "キュー",
    "ユーザマッピング",
    "環境変数",
    "デーモン設定ファイル",
];
const OBJECTS: &[&str] = &[
    "設定",
    "状態",
    "登録",
    "バックアップ",
    "構成",
    "ログ",
    "バージョン",
    "権限",
    "接続",
    "定義",
];
const ACTIONS: &[&str] = &[
    "停止",
    "起動",
    "確認",
    "削除",
    "登録",
    "追加",
    "保存",
    "復元",
    "適用",
    "更新",
    "移動",
    "設定",
    "退避",
    "再登録",
];
const STATES: &[&str] = &[
    "停止している",
    "起動している",
    "オフラインである",
    "オンラインである",
    "最新である",
    "正しく登録されている",
    "共有ディスク上にある",
];
const GUI_ROOTS: &[&str] = &[
    "サーバの環境設定",
    "クラスタアドミニストレータ",
    "フェイルオーバクラスタマネージャ",
    "コントロールパネル",
    "サービス",
];
const GUI_ITEMS: &[&str] = &[
    "local",
    "操作",
    "停止",
    "開始",
    "プロパティ",
    "サイト",
    "リソース",
    "詳細設定",
    "OK",
    "適用",
    "ノード",
    "オフラインにする",
    "オンラインにする",
];
const CMD_LINES: &[&str] = &[
    r"cd %systemroot%\cluster",
    r"regsvr32 -u /s %systemroot%\cluster\JobCenterClusterEx",
    r"regsvr32 /s %systemroot%\cluster\JobCenterClusterEx",
    r#"net stop "JobCenter Service""#,
    r#"net start "JobCenter Service""#,
    r#"cluster res "JobCenter Script" /offline"#,
    r#"cluster res "JobCenter Script" /online"#,
    r#"cluster group "JobCenterGroup" /move"#,
    r"sc query nqsdaemon",
    r"tasklist | findstr cjcpw",
    r"copy /Y S:\jobcenter\jcdb\nqs_site.conf C:\backup\",
    r#""%InstallDirectory%\bin\cluster\cjcmksite" [[virtual_host]] 192.168.10.{n} {port}"#,
    r"C:\JobCenter\SV\bin\nssetup.exe -upgrade",
    r"xcopy /E /I S:\jobcenter\jcdb C:\backup\jcdb",
    r"reg query HKLM\SOFTWARE\NEC\NetShepherd\SV",
];
const SH_LINES: &[&str] = &[
    "/usr/lib/nqs/nqsstart",
    "/usr/lib/nqs/nqsstop",
    "/opt/netshare/jobcenter/bin/cjcpw -stop [[virtual_host]]",
    "/opt/netshare/jobcenter/bin/cjcpw [[virtual_host]] /mnt/shared/jobcenter",
    "ps -ef | grep nqsdaemon",
    "ps -ef | grep jnwengine",
    "cp -p /usr/spool/nqs/daemon.conf /var/tmp/backup/",
    "/usr/lib/nqs/cluster/cjcmksite [[virtual_host]] 192.168.10.{n} {port}",
    "qstat -q",
    "qmgr -x shutdown",
    "tar cvf /var/tmp/backup/jobcenter.tar /usr/spool/nqs",
    "rpm -Uvh /media/cdrom/jobcenter-mgsv.x86_64.rpm",
    "umount /mnt/shared",
    "/usr/lib/nqs/gui/bin/nqsuser -l",
];
const PROCESSES: &[&str] = &[
    "cjcpw",
    "nqsdaemon",
    "jnwengine",
    "sclaunchd",
    "comagent",
    "jcdbs",
    "qwb",
];
const REFS: &[(&str, &str)] = &[
    ("release-memo", "リリースメモ"),
    ("install-guide", "インストールガイド"),
    ("cluster-guide", "クラスタ機能利用の手引き"),
];

/// A chapter's cluster, which decides its condition and its shell.
#[derive(Clone, Copy, PartialEq)]
enum Cluster {
    Any,
    Mscs,
    WinOther,
    Unix,
}

impl Cluster {
    fn of_chapter(c: usize) -> Cluster {
        [
            Cluster::Any,
            Cluster::Mscs,
            Cluster::WinOther,
            Cluster::Unix,
        ][c % 4]
    }
    fn when(self) -> Option<&'static str> {
        match self {
            Cluster::Any => None,
            Cluster::Mscs => Some("cluster = mscs"),
            Cluster::WinOther => Some("cluster = win-other"),
            Cluster::Unix => Some("cluster = unix"),
        }
    }
    fn label(self) -> &'static str {
        match self {
            Cluster::Any => "共通",
            Cluster::Mscs => "MSCS(MSFC)環境",
            Cluster::WinOther => "その他のWindowsクラスタ環境",
            Cluster::Unix => "UNIXクラスタ環境",
        }
    }
}

/// A piece of text with cross-references still symbolic, so each output spells them its way.
#[derive(Clone)]
enum Seg {
    Text(String),
    Xref(usize),
}

type Rich = Vec<Seg>;

#[derive(Clone)]
enum Part {
    Text(Rich),
    Cmd {
        shell: &'static str,
        cmd: String,
        output: Option<String>,
    },
    Gui(String),
    Note(Rich),
    Caution(String),
    Processes(Vec<&'static str>),
    Refs(Vec<usize>),
}

#[derive(Clone)]
struct Variant {
    when: String,
    label: String,
    body: Rich,
    parts: Vec<Part>,
}

#[derive(Clone)]
struct Step {
    id: String,
    title: String,
    body: Rich,
    parts: Vec<Part>,
    variants: Vec<Variant>,
    /// A use of reusable step `n` with `ver` bound to this facet.
    reuse: Option<(usize, &'static str)>,
}

struct Section {
    id: String,
    title: String,
    steps: Vec<Step>,
}

struct Procedure {
    id: String,
    chapter: usize,
    number: String,
    title: String,
    when: Option<String>,
    intro: Rich,
    sections: Vec<Section>,
}

struct Chapter {
    id: String,
    title: String,
    cluster: Cluster,
    intro: String,
    procedures: Vec<usize>,
}

fn sentence(r: &mut Rng) -> String {
    let (t1, t2) = (r.pick(TERMS), r.pick(TERMS));
    let (o, a, a2) = (r.pick(OBJECTS), r.pick(ACTIONS), r.pick(ACTIONS));
    match r.below(8) {
        0 => format!("{t1}の{o}を{a}します。"),
        1 => format!("{t1}が{}ことを確認してください。", r.pick(STATES)),
        2 => format!("{t1}を{a}した後、{t2}の{o}を{a2}してください。"),
        3 => format!(
            "この操作は{}で実施してください。",
            r.pick(&[
                "現用系ノード",
                "待機系ノード",
                "すべてのノード",
                "管理者権限のコマンドプロンプト"
            ])
        ),
        4 => format!("{t1}の{o}が変更されている場合は、{t2}を{a}する必要があります。"),
        5 => format!(
            "{t1}を{a}しないまま作業を続けると、{t2}が{}なることがあります。",
            r.pick(&["起動できなく", "参照できなく", "不整合に"])
        ),
        6 => format!("{t1}の{o}は、{t2}の{a}の前に{a2}しておきます。"),
        _ => format!("必要に応じて{t1}の{o}を{a}してください。"),
    }
}

fn sentences(r: &mut Rng, n: usize) -> String {
    (0..n).map(|_| sentence(r)).collect::<Vec<_>>().join("")
}

fn title(r: &mut Rng) -> String {
    let t = r.pick(TERMS);
    match r.below(3) {
        0 => format!("{t}を{}", r.pick(ACTIONS)),
        1 => format!("{t}の{}を{}", r.pick(OBJECTS), r.pick(ACTIONS)),
        _ => format!("{t}が{}ことを確認", r.pick(STATES)),
    }
}

fn command(r: &mut Rng, unix: bool) -> Part {
    let pool = if unix { SH_LINES } else { CMD_LINES };
    let lines: Vec<String> = (0..1 + r.below(3))
        .map(|_| {
            r.pick(pool)
                .replace("{n}", &(10 + r.below(200)).to_string())
                .replace("{port}", &(600 + r.below(20)).to_string())
        })
        .collect();
    Part::Cmd {
        shell: if unix { "sh" } else { "cmd" },
        cmd: lines.join("\n"),
        output: r.one_in(6).then(|| "(なし)".to_string()),
    }
}

fn gui(r: &mut Rng) -> String {
    let mut path = format!("[{}]", r.pick(GUI_ROOTS));
    for _ in 0..1 + r.below(3) {
        write!(path, "→[{}]", r.pick(GUI_ITEMS)).unwrap();
    }
    path
}

fn text(s: String) -> Rich {
    vec![Seg::Text(s)]
}

/// The reusable steps: each one a pair of variants on `{{ver}}`.
fn reusable(seed: u64) -> Vec<Step> {
    (0..REUSABLE)
        .map(|i| {
            let mut r = Rng::new(seed, 1_000_000 + i as u64);
            let unix = i % 2 == 1;
            let variant = |when: &str, label: &str, r: &mut Rng| Variant {
                when: when.to_string(),
                label: label.to_string(),
                body: text(sentences(r, 1)),
                parts: vec![command(r, unix), Part::Gui(gui(r))],
            };
            Step {
                id: format!("shared-{i:02}"),
                title: title(&mut r),
                body: text(sentences(&mut r, 1)),
                parts: vec![],
                variants: vec![
                    variant("{{ver}} <= R12.7.x", "R12.7.x以前の場合", &mut r),
                    variant("{{ver}} >= R12.8", "R12.8以降の場合", &mut r),
                ],
                reuse: None,
            }
        })
        .collect()
}

fn step(r: &mut Rng, id: String, cluster: Cluster, procedures: usize, me: usize) -> Step {
    let unix = match cluster {
        Cluster::Unix => true,
        Cluster::Any => r.one_in(2),
        _ => false,
    };
    let n = 1 + r.below(2);
    let mut body = text(sentences(r, n));
    if procedures > 1 && r.one_in(10) {
        let mut target = r.below(procedures);
        if target == me {
            target = (target + 1) % procedures;
        }
        body.push(Seg::Text("詳細は「".into()));
        body.push(Seg::Xref(target));
        body.push(Seg::Text("」を参照してください。".into()));
    }
    let mut s = Step {
        id,
        title: title(r),
        body,
        parts: vec![],
        variants: vec![],
        reuse: None,
    };
    let kind = r.below(100);
    if kind < 5 {
        let facet = if r.one_in(2) { "from" } else { "to" };
        // Even reusable steps are Windows ones, odd ones Unix (see `reusable`).
        let k = 2 * r.below(REUSABLE / 2) + usize::from(unix);
        s.reuse = Some((k, facet));
        return s;
    }
    if kind < 15 {
        let (facet, name) = if r.one_in(2) {
            ("from", "適用前")
        } else {
            ("to", "適用後")
        };
        for (op, v, tail) in [("<=", "R12.7.x", "以前"), (">=", "R12.8", "以降")] {
            let mut parts = vec![];
            if r.one_in(3) {
                parts.push(command(r, unix));
            }
            s.variants.push(Variant {
                when: format!("{facet} {op} {v}"),
                label: format!("{name}のバージョンが{v}{tail}の場合"),
                body: text(sentences(r, 1)),
                parts,
            });
        }
        return s;
    }
    if kind < 20 && cluster == Cluster::Any {
        for (when, label, unix) in [
            ("cluster = unix", "UNIXクラスタの場合", true),
            ("cluster != unix", "Windowsクラスタの場合", false),
        ] {
            s.variants.push(Variant {
                when: when.into(),
                label: label.into(),
                body: text(sentences(r, 1)),
                parts: vec![command(r, unix)],
            });
        }
        return s;
    }
    if r.one_in(3) {
        s.parts.push(command(r, unix));
    }
    if r.one_in(4) {
        s.parts.push(Part::Gui(gui(r)));
        if r.one_in(2) {
            s.parts.push(Part::Text(text(sentences(r, 1))));
        }
    }
    if r.one_in(6) {
        s.parts.push(Part::Note(text(sentences(r, 1))));
    }
    if r.one_in(20) {
        s.parts.push(Part::Caution(sentences(r, 1)));
    }
    if r.one_in(15) {
        let n = 2 + r.below(3);
        let start = r.below(PROCESSES.len());
        let names = (0..n)
            .map(|k| PROCESSES[(start + k) % PROCESSES.len()])
            .collect();
        s.parts.push(Part::Processes(names));
    }
    if r.one_in(25) {
        s.parts.push(Part::Refs(vec![r.below(REFS.len())]));
    }
    s
}

fn generate(args: &Args) -> (Vec<Chapter>, Vec<Procedure>, Vec<Step>) {
    let n = args.procedures;
    // At least four chapters (one per cluster kind) once there are four procedures.
    let chapters_n = n.div_ceil(PER_CHAPTER).max(n.min(4)).max(1);
    let mut chapters: Vec<Chapter> = (0..chapters_n)
        .map(|c| {
            let mut r = Rng::new(args.seed, 2_000_000 + c as u64);
            let cluster = Cluster::of_chapter(c);
            Chapter {
                id: format!("c{:04}", c + 1),
                title: format!("{}: {}", cluster.label(), title(&mut r)),
                cluster,
                intro: sentences(&mut r, 2),
                procedures: vec![],
            }
        })
        .collect();
    let mut procedures = Vec::with_capacity(n);
    for p in 0..n {
        let c = p * chapters_n / n;
        let mut r = Rng::new(args.seed, p as u64);
        let cluster = chapters[c].cluster;
        let when = if cluster == Cluster::Mscs && r.one_in(8) {
            Some(format!("platform = {}", r.pick(&["x86", "ipf"])))
        } else {
            None
        };
        let sections_n = args.steps.div_ceil(PER_SECTION).max(1);
        let mut sections = Vec::new();
        let mut left = args.steps;
        for k in 0..sections_n {
            let count = left.div_ceil(sections_n - k);
            left -= count;
            let steps = (0..count)
                .map(|i| step(&mut r, format!("s{}-{}", k + 1, i + 1), cluster, n, p))
                .collect();
            sections.push(Section {
                id: format!("s{}", k + 1),
                title: title(&mut r),
                steps,
            });
        }
        chapters[c].procedures.push(p);
        procedures.push(Procedure {
            id: format!("p{:05}", p + 1),
            chapter: c,
            number: format!("{}.{}", c + 1, chapters[c].procedures.len()),
            title: format!("{}の手順 {}", title(&mut r), p + 1),
            when,
            intro: {
                let mut intro = sentences(&mut r, 2);
                if p == 0 || r.one_in(10) {
                    intro.push_str("作業は仮想ホスト[[virtual_host]]上で行います。");
                }
                text(intro)
            },
            sections,
        });
    }
    (chapters, procedures, reusable(args.seed))
}

// ---------------------------------------------------------------------------------------
// tejun

/// A TOML literal string: `'''…'''` keeps backslashes; fall back to a basic string.
fn lit(s: &str) -> String {
    if !s.contains("'''") && !s.ends_with('\'') {
        format!("'''{s}'''")
    } else {
        format!("{s:?}")
    }
}

fn rich_tejun(rich: &Rich, procs: &[Procedure]) -> String {
    rich.iter()
        .map(|s| match s {
            Seg::Text(t) => t.clone(),
            Seg::Xref(p) => format!("[](#{})", procs[*p].id),
        })
        .collect()
}

fn parts_tejun(out: &mut String, prefix: &str, parts: &[Part], procs: &[Procedure]) {
    for part in parts {
        writeln!(out, "\n[[{prefix}part]]").unwrap();
        match part {
            Part::Text(t) => writeln!(out, "text = {}", lit(&rich_tejun(t, procs))),
            Part::Cmd { shell, cmd, output } => {
                writeln!(out, "shell = \"{shell}\"\ncmd = '''\n{cmd}\n'''").unwrap();
                match output {
                    Some(o) => writeln!(out, "output = {}", lit(o)),
                    None => Ok(()),
                }
            }
            Part::Gui(g) => writeln!(out, "gui = {}", lit(g)),
            Part::Note(t) => writeln!(out, "note = {}", lit(&rich_tejun(t, procs))),
            Part::Caution(t) => writeln!(out, "caution = {}", lit(t)),
            Part::Processes(names) => writeln!(
                out,
                "expect = \"absent\"\nprocesses = [{}]",
                names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Part::Refs(r) => writeln!(out, "refs = [\"{}\"]", REFS[r[0]].0),
        }
        .unwrap();
    }
}

fn step_tejun(out: &mut String, prefix: &str, s: &Step, procs: &[Procedure]) {
    if !prefix.is_empty() {
        writeln!(
            out,
            "\n[[{}]]\nid = \"{}\"",
            prefix.trim_end_matches('.'),
            s.id
        )
        .unwrap();
    }
    if let Some((n, facet)) = s.reuse {
        writeln!(
            out,
            "use = \"shared-{n:02}\"\nwith = {{ ver = \"{facet}\" }}"
        )
        .unwrap();
        return;
    }
    writeln!(out, "title = {}", lit(&s.title)).unwrap();
    writeln!(out, "body = {}", lit(&rich_tejun(&s.body, procs))).unwrap();
    parts_tejun(out, prefix, &s.parts, procs);
    for v in &s.variants {
        writeln!(out, "\n[[{prefix}variant]]\nwhen = \"{}\"", v.when).unwrap();
        writeln!(out, "label = {}", lit(&v.label)).unwrap();
        writeln!(out, "body = {}", lit(&rich_tejun(&v.body, procs))).unwrap();
        parts_tejun(out, &format!("{prefix}variant."), &v.parts, procs);
    }
}

fn write_tejun(dir: &Path, chapters: &[Chapter], procs: &[Procedure], shared: &[Step]) {
    let mut book = String::from(
        r#"title = "JobCenter クラスタ運用手順集 (合成ベンチマーク)"
language = "ja"
edition = "ベンチマーク版"

[[facet]]
id = "cluster"
label = "クラスタ種別"
values = [
  { id = "mscs", label = "MSCS(MSFC)" },
  { id = "win-other", label = "その他のWindowsクラスタ" },
  { id = "unix", label = "UNIX" },
]

[[facet]]
id = "platform"
label = "プラットフォーム"
values = [
  { id = "x86", label = "IA-32/x64" },
  { id = "ipf", label = "IPF" },
]

[[facet]]
id = "from"
label = "適用前のバージョン"
kind = "version"
known = ["R12.4", "R12.6", "R12.7.x", "R12.8", "R13.1", "R13.2"]

[[facet]]
id = "to"
label = "適用後のバージョン"
kind = "version"
known = ["R12.7.x", "R12.8", "R13.1", "R13.2"]

[[profile]]
id = "mscs-x86-r12-6-to-r13-2"
label = "MSCS IA-32/x64 R12.6 → R13.2"
env = { cluster = "mscs", platform = "x86", from = "R12.6", to = "R13.2" }

[[profile]]
id = "unix-r12-8-to-r13-2"
label = "UNIX R12.8 → R13.2"
env = { cluster = "unix", from = "R12.8", to = "R13.2" }

[[profile]]
id = "win-other-r13-1-to-r13-2"
label = "その他のWindowsクラスタ R13.1 → R13.2"
env = { cluster = "win-other", from = "R13.1", to = "R13.2" }

[[placeholder]]
id = "virtual_host"
label = "仮想ホスト名"
example = "jcvhost"

[output]
dir = "book"
"#,
    );
    book.push('\n');
    write(&dir.join("book.toml"), &book);
    let content = dir.join("content");
    write(
        &content.join("_book.toml"),
        "[[front]]\nid = \"preface\"\ntitle = \"はじめに\"\nbody = '''\n本書はベンチマーク用に生成された手順集です。JobCenter のクラスタ環境でのバージョンアップ・パッチ適用の手順を模しています。\n'''\n",
    );
    let mut refs = String::new();
    for (id, t) in REFS {
        writeln!(refs, "[[ref]]\nid = \"{id}\"\ntitle = \"{t}\"\n").unwrap();
    }
    write(&content.join("_refs.toml"), &refs);
    for s in shared {
        let mut out = String::from("params = [\"ver\"]\n");
        step_tejun(&mut out, "", s, procs);
        write(&content.join("_steps").join(format!("{}.toml", s.id)), &out);
    }
    for (ci, ch) in chapters.iter().enumerate() {
        let cdir = content.join(format!("{:04}-{}", ci + 1, ch.id));
        let mut out = format!("title = {}\n", lit(&ch.title));
        if let Some(w) = ch.cluster.when() {
            writeln!(out, "when = \"{w}\"").unwrap();
        }
        writeln!(out, "intro = {}", lit(&ch.intro)).unwrap();
        write(&cdir.join("_chapter.toml"), &out);
        for (k, &p) in ch.procedures.iter().enumerate() {
            let p = &procs[p];
            let mut out = format!("title = {}\n", lit(&p.title));
            if let Some(w) = &p.when {
                writeln!(out, "when = \"{w}\"").unwrap();
            }
            writeln!(out, "intro = {}", lit(&rich_tejun(&p.intro, procs))).unwrap();
            for sec in &p.sections {
                writeln!(
                    out,
                    "\n[[section]]\nid = \"{}\"\ntitle = {}",
                    sec.id,
                    lit(&sec.title)
                )
                .unwrap();
                for s in &sec.steps {
                    step_tejun(&mut out, "section.step.", s, procs);
                }
            }
            write(&cdir.join(format!("{:03}-{}.toml", k + 1, p.id)), &out);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Markdown (mdBook and Hugo)

/// How one peer spells a link from procedure `from` to procedure `to`.
type LinkFn<'a> = &'a dyn Fn(&Procedure, &Procedure) -> String;

fn rich_md(rich: &Rich, me: &Procedure, procs: &[Procedure], link: LinkFn) -> String {
    rich.iter()
        .map(|s| match s {
            Seg::Text(t) => t.clone(),
            Seg::Xref(p) => {
                let to = &procs[*p];
                format!("[{} {}]({})", to.number, to.title, link(me, to))
            }
        })
        .collect()
}

fn parts_md(out: &mut String, parts: &[Part], me: &Procedure, procs: &[Procedure], link: LinkFn) {
    for part in parts {
        match part {
            Part::Text(t) => writeln!(out, "{}\n", rich_md(t, me, procs, link)),
            Part::Cmd { shell, cmd, output } => {
                let lang = if *shell == "sh" { "sh" } else { "bat" };
                writeln!(out, "```{lang}\n{cmd}\n```\n").unwrap();
                match output {
                    Some(o) => writeln!(out, "出力:\n\n```\n{o}\n```\n"),
                    None => Ok(()),
                }
            }
            Part::Gui(g) => writeln!(out, "{}\n", g.replace('[', "\\[").replace(']', "\\]")),
            Part::Note(t) => writeln!(out, "> **補足** {}\n", rich_md(t, me, procs, link)),
            Part::Caution(t) => writeln!(out, "> **注意** {t}\n"),
            Part::Processes(names) => writeln!(
                out,
                "以下のプロセスが存在しないことを確認してください。\n\n{}\n",
                names
                    .iter()
                    .map(|n| format!("- `{n}`"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            Part::Refs(r) => writeln!(out, "手順は{}を参照してください。\n", REFS[r[0]].1),
        }
        .unwrap();
    }
}

fn step_md(
    out: &mut String,
    n: usize,
    s: &Step,
    shared: &[Step],
    me: &Procedure,
    procs: &[Procedure],
    link: LinkFn,
) {
    let (s, ver) = match s.reuse {
        Some((k, facet)) => (
            &shared[k],
            Some(if facet == "from" {
                "適用前"
            } else {
                "適用後"
            }),
        ),
        None => (s, None),
    };
    let fill = |t: &str| match ver {
        Some(v) => t.replace("{{ver}}", v),
        None => t.to_string(),
    };
    writeln!(out, "### {n}. {}\n", fill(&s.title)).unwrap();
    writeln!(out, "{}\n", rich_md(&s.body, me, procs, link)).unwrap();
    parts_md(out, &s.parts, me, procs, link);
    for v in &s.variants {
        let label = match ver {
            Some(v2) => format!("{v2}のバージョンが{}", v.label),
            None => v.label.clone(),
        };
        writeln!(out, "**{label}**\n").unwrap();
        writeln!(out, "{}\n", rich_md(&v.body, me, procs, link)).unwrap();
        parts_md(out, &v.parts, me, procs, link);
    }
}

fn procedure_md(p: &Procedure, procs: &[Procedure], shared: &[Step], link: LinkFn) -> String {
    let mut out = String::new();
    writeln!(out, "{}\n", rich_md(&p.intro, p, procs, link)).unwrap();
    if let Some(w) = &p.when {
        writeln!(out, "> 適用条件: `{w}`\n").unwrap();
    }
    for (k, sec) in p.sections.iter().enumerate() {
        writeln!(out, "## {}.{} {}\n", p.number, k + 1, sec.title).unwrap();
        for (i, s) in sec.steps.iter().enumerate() {
            step_md(&mut out, i + 1, s, shared, p, procs, link);
        }
    }
    out
}

fn write_mdbook(dir: &Path, chapters: &[Chapter], procs: &[Procedure], shared: &[Step]) {
    write(
        &dir.join("book.toml"),
        "[book]\ntitle = \"JobCenter クラスタ運用手順集 (合成ベンチマーク)\"\nlanguage = \"ja\"\nsrc = \"src\"\n\n[output.html]\n\n[output.html.search]\nenable = true\n",
    );
    let src = dir.join("src");
    let mut summary = String::from("# Summary\n\n[はじめに](README.md)\n\n");
    write(
        &src.join("README.md"),
        "# はじめに\n\n本書はベンチマーク用に生成された手順集です。JobCenter のクラスタ環境でのバージョンアップ・パッチ適用の手順を模しています。\n",
    );
    let link: LinkFn = &|_, to| format!("../{}/{}.md", chapters[to.chapter].id, to.id);
    for (ci, ch) in chapters.iter().enumerate() {
        writeln!(summary, "- [{} {}]({}/README.md)", ci + 1, ch.title, ch.id).unwrap();
        write(
            &src.join(&ch.id).join("README.md"),
            &format!("# {} {}\n\n{}\n", ci + 1, ch.title, ch.intro),
        );
        for &p in &ch.procedures {
            let p = &procs[p];
            writeln!(
                summary,
                "  - [{} {}]({}/{}.md)",
                p.number, p.title, ch.id, p.id
            )
            .unwrap();
            let body = procedure_md(p, procs, shared, link);
            write(
                &src.join(&ch.id).join(format!("{}.md", p.id)),
                &format!("# {} {}\n\n{body}", p.number, p.title),
            );
        }
    }
    write(&src.join("SUMMARY.md"), &summary);
}

const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="ja">
<head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title></head>
<body>
<nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main data-pagefind-body>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"#;
const HUGO_SINGLE: &str = "{{ define \"main\" }}<h1>{{ .Title }}</h1>\n{{ .Content }}{{ end }}\n";
const HUGO_LIST: &str = "{{ define \"main\" }}<h1>{{ .Title }}</h1>\n{{ .Content }}\n<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n";

fn write_hugo(dir: &Path, chapters: &[Chapter], procs: &[Procedure], shared: &[Step]) {
    write(
        &dir.join("config.toml"),
        "baseURL = \"http://localhost/\"\ntitle = \"JobCenter クラスタ運用手順集 (合成ベンチマーク)\"\nlanguageCode = \"ja\"\ndefaultContentLanguage = \"ja\"\nhasCJKLanguage = true\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n",
    );
    let layouts = dir.join("layouts").join("_default");
    write(&layouts.join("baseof.html"), HUGO_BASEOF);
    write(&layouts.join("single.html"), HUGO_SINGLE);
    write(&layouts.join("list.html"), HUGO_LIST);
    let content = dir.join("content");
    write(
        &content.join("_index.md"),
        "---\ntitle: \"はじめに\"\n---\n\n本書はベンチマーク用に生成された手順集です。JobCenter のクラスタ環境でのバージョンアップ・パッチ適用の手順を模しています。\n",
    );
    // Pretty URLs: a procedure is at /<chapter>/<procedure>/.
    let link: LinkFn = &|_, to| format!("../../{}/{}/", chapters[to.chapter].id, to.id);
    for (ci, ch) in chapters.iter().enumerate() {
        write(
            &content.join(&ch.id).join("_index.md"),
            &format!(
                "---\ntitle: \"{} {}\"\nweight: {}\n---\n\n{}\n",
                ci + 1,
                ch.title,
                ci + 1,
                ch.intro
            ),
        );
        for (k, &p) in ch.procedures.iter().enumerate() {
            let p = &procs[p];
            let body = procedure_md(p, procs, shared, link);
            write(
                &content.join(&ch.id).join(format!("{}.md", p.id)),
                &format!(
                    "---\ntitle: \"{} {}\"\nweight: {}\n---\n\n{body}",
                    p.number,
                    p.title,
                    k + 1
                ),
            );
        }
    }
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("failed to create `{}`: {e}", parent.display()));
    }
    fs::write(path, text).unwrap_or_else(|e| panic!("failed to write `{}`: {e}", path.display()));
}

/// What [`run`] wrote.
pub struct Summary {
    pub chapters: usize,
    pub procedures: usize,
    pub steps: usize,
}

/// Writes the book three ways into `args.out`; panics on I/O errors (a benchmark tool).
pub fn run(args: &Args) -> Summary {
    let (chapters, procs, shared) = generate(args);
    for (name, f) in [
        (
            "tejun",
            write_tejun as fn(&Path, &[Chapter], &[Procedure], &[Step]),
        ),
        ("mdbook", write_mdbook),
        ("hugo", write_hugo),
    ] {
        let dir = args.out.join(name);
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .unwrap_or_else(|e| panic!("failed to remove `{}`: {e}", dir.display()));
        }
        f(&dir, &chapters, &procs, &shared);
    }
    Summary {
        chapters: chapters.len(),
        procedures: procs.len(),
        steps: procs
            .iter()
            .flat_map(|p| &p.sections)
            .map(|s| s.steps.len())
            .sum(),
    }
}

#[allow(dead_code)] // tests/suite/genbook.rs includes this file as a module and calls `run`
fn main() {
    let args = Args::parse();
    let s = run(&args);
    eprintln!(
        "wrote {} chapters, {} procedures, {} steps into {}/{{tejun,mdbook,hugo}}",
        s.chapters,
        s.procedures,
        s.steps,
        args.out.display()
    );
}

#[cfg(test)]
mod tests {
    use super::Rng;
    use std::collections::HashMap;

    #[test]
    fn procedure_streams_do_not_replay_each_other() {
        // Each procedure draws from its own stream; a stream that replays another one a
        // few draws later gives the benchmark a book of correlated, over-compressible text.
        for seed in [1, 2, 7] {
            let mut seen: HashMap<u64, u64> = HashMap::new();
            for stream in 0..200u64 {
                let mut r = Rng::new(seed, stream);
                for _ in 0..64 {
                    if let Some(other) = seen.insert(r.next(), stream) {
                        panic!("seed {seed}: stream {stream} repeats a draw of stream {other}");
                    }
                }
            }
        }
    }
}
