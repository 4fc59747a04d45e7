//! What every test module shares, so that a new test is a few lines: a fresh copy of a book
//! to work on ([`Book`]), the real `tejun` binary run on a folder ([`Tejun`], [`Run`]), and
//! file helpers that name the file when they fail. `server` runs `tejun serve` and talks to
//! it over TCP, `cdp` drives headless Chromium, `seed` is the JobCenter guide's source text.
//!
//! Every test runs in one process beside the others, so nothing here touches process-wide
//! state: no current directory, no environment variable of this process (children get
//! theirs through [`Tejun::env`]), no fixed port, and every folder is a fresh `TempDir`.

pub mod cdp;
pub mod seed;
pub mod server;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The build date every run gets (`SOURCE_DATE_EPOCH`), so two runs write the same bytes.
pub const EPOCH: &str = "1700000000";
/// [`EPOCH`] as a runbook or a PDF states it.
pub const DATE: &str = "2023-11-14";

/// A generous bound that turns a hang (a FIFO opened for reading, a parser gone quadratic)
/// into a failure; never a timing assertion.
pub const HANG: Duration = Duration::from_secs(120);

/// The longest any single wait for something to happen may take: generous, for loaded
/// machines; never a timing assertion.
pub const WAIT: Duration = Duration::from_secs(60);

/// Polls `check` every 50 ms until it gives a value, failing with `what` after [`WAIT`].
pub fn wait_until<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The repository: its book.toml and content/ are the JobCenter book.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<name>` in the repository (read only; [`Book::fixture`] copies it).
pub fn fixture_dir(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// `book` built once per run into the target folder as `name`, for the browser tests that
/// only read the site (the cell keeps it for the run).
pub fn built_once(
    book: &Path,
    name: &str,
    cell: &'static std::sync::OnceLock<PathBuf>,
) -> &'static Path {
    cell.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        Tejun::new(book)
            .args(["build", ".", "--out"])
            .arg(&out)
            .run()
            .assert_ok();
        out
    })
}

/// A book copied into a fresh temporary folder, removed when dropped. It dereferences to
/// the book's folder; [`Book::tmp`] is the folder around it, for outputs beside the book.
pub struct Book {
    root: PathBuf,
    tmp: tempfile::TempDir,
}

impl Book {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Book {
        Book::copy(&fixture_dir(name), name)
    }

    /// A copy of the repository's JobCenter book (book.toml, content/ and its
    /// translations/).
    pub fn jobcenter() -> Book {
        let book = Book::empty("jobcenter");
        std::fs::copy(repo().join("book.toml"), book.join("book.toml")).expect("book.toml");
        copy_dir(&repo().join("content"), &book.join("content"));
        copy_dir(&repo().join("translations"), &book.join("translations"));
        book
    }

    /// A copy of the second example book, `examples/kubeadm`.
    pub fn kubeadm() -> Book {
        Book::copy(&repo().join("examples/kubeadm"), "kubeadm")
    }

    /// A copy of the folder `from`, named `name` inside the temporary folder.
    pub fn copy(from: &Path, name: &str) -> Book {
        let book = Book::empty(name);
        copy_dir(from, &book);
        book
    }

    /// An empty folder `name` inside a fresh temporary folder, to write a book into.
    pub fn empty(name: &str) -> Book {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join(name);
        std::fs::create_dir_all(&root).expect("book folder");
        Book { root, tmp }
    }

    /// The temporary folder that holds the book (and anything written beside it).
    pub fn tmp(&self) -> &Path {
        self.tmp.path()
    }

    /// Builds the book into `<tmp>/site` (failing the test if the build fails) and returns
    /// that folder.
    pub fn build_site(&self) -> PathBuf {
        self.build_into("site")
    }

    /// Builds the book into `<tmp>/<name>` (failing the test if the build fails) and
    /// returns that folder.
    pub fn build_into(&self, name: &str) -> PathBuf {
        let out = self.tmp().join(name);
        self.tejun()
            .args(["build", ".", "--out"])
            .arg(&out)
            .run()
            .assert_ok();
        out
    }

    /// `tejun` in the book's folder, to add arguments to.
    pub fn tejun(&self) -> Tejun {
        Tejun::new(&self.root)
    }

    /// `tejun ARGS` in the book's folder.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.tejun().args(args).run()
    }

    /// The text of `rel`, a path inside the book.
    pub fn read(&self, rel: &str) -> String {
        read(&self.root.join(rel))
    }

    /// Writes `text` to `rel` inside the book, making its folders.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        write(&self.root.join(rel), text);
    }

    /// Replaces the first `from` in `rel` with `to`; the edit must apply.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        edit(&self.root.join(rel), from, to);
    }
}

impl Deref for Book {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.root
    }
}

impl AsRef<Path> for Book {
    fn as_ref(&self) -> &Path {
        &self.root
    }
}

/// One run of the real `tejun` binary in a folder, with `NO_COLOR`, a fixed
/// `SOURCE_DATE_EPOCH` and no standard input; its output is captured.
pub struct Tejun {
    cmd: Command,
    words: Vec<String>,
    /// How long a run may take before it counts as hung.
    hang: Duration,
}

impl Tejun {
    /// `tejun` with `dir` as its current directory.
    pub fn new(dir: impl AsRef<Path>) -> Tejun {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tejun"));
        cmd.current_dir(dir)
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Tejun {
            cmd,
            words: Vec::new(),
            hang: HANG,
        }
    }

    /// Allows the run `limit` before it counts as hung: printing a book's PDFs runs a
    /// dozen Chromiums, which on a loaded two-core machine takes minutes, not hangs.
    pub fn within(mut self, limit: Duration) -> Tejun {
        self.hang = limit;
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Tejun {
        self.words.push(arg.as_ref().to_string_lossy().into_owned());
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, S>(self, args: I) -> Tejun
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        args.into_iter().fold(self, Tejun::arg)
    }

    /// An environment variable for this run only.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Tejun {
        self.cmd.env(key, value);
        self
    }

    /// Where standard output goes instead of being captured.
    pub fn stdout(mut self, to: impl Into<Stdio>) -> Tejun {
        self.cmd.stdout(to);
        self
    }

    /// Where standard error goes instead of being captured.
    pub fn stderr(mut self, to: impl Into<Stdio>) -> Tejun {
        self.cmd.stderr(to);
        self
    }

    /// Starts it and returns at once (a build to kill midway).
    pub fn spawn(mut self) -> Child {
        self.cmd.spawn().expect("start tejun")
    }

    /// Runs it to the end; a run past [`HANG`] is killed and fails the test.
    pub fn run(mut self) -> Run {
        let what = format!("tejun {}", self.words.join(" "));
        let child = self.cmd.spawn().expect("start tejun");
        let pid = child.id();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(self.hang) {
            Ok(output) => Run {
                output: output.expect("wait for tejun"),
                what,
            },
            Err(_) => {
                // Only the process this test started, by its id.
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                panic!("`{what}` still running after {:?}: it hangs", self.hang);
            }
        }
    }
}

/// A finished run: the process's [`Output`] (it dereferences to it) and what was run.
pub struct Run {
    output: Output,
    what: String,
}

impl Run {
    /// Fails the test, showing standard error, unless the run succeeded.
    pub fn assert_ok(&self) -> &Run {
        assert!(
            self.status.success(),
            "`{}` failed ({}):\n{}",
            self.what,
            self.status,
            self.stderr()
        );
        self
    }

    /// The exit code; `None` when a signal ended the process.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Standard output parsed as JSON (`--json`).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.output.stdout).unwrap_or_else(|e| {
            panic!(
                "`{}` did not print JSON ({e}):\n{}",
                self.what,
                self.stdout()
            )
        })
    }
}

impl Deref for Run {
    type Target = Output;
    fn deref(&self) -> &Output {
        &self.output
    }
}

/// The text of a file.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Writes a file, making its folders first.
pub fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("mkdir {}: {e}", parent.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Replaces the first `from` in a file with `to`; the edit must apply.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "`{from}` not in {}", path.display());
    write(path, text.replacen(from, to, 1));
}

/// Copies the folder tree `from` into `to` (made if missing; files already there stay
/// unless overwritten, so a fixture can be laid over another).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("mkdir {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("folder entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// Every file under `dir`, by path relative to it, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let entry = entry.expect("folder entry");
            let path = entry.path();
            if entry.file_type().expect("file type").is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .expect("inside the folder")
                    .to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The names in a folder, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.expect("folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// `s` without any white space, so text broken across lines (a PDF's, the seed's) still
/// matches.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Loads a book in this process, failing the test with its diagnostics.
pub fn load(root: &Path) -> tejun::Book {
    match tejun::load_book(root) {
        Ok((book, _)) => book,
        Err((diags, sources)) => panic!(
            "{} does not load:\n{}",
            root.display(),
            diags.lines(&sources).join("\n")
        ),
    }
}
