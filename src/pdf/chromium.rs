//! Headless Chromium as a PDF printer: find the binary, run it once with `--print-to-pdf`
//! on a local file, and never let it outlive us.
//!
//! Every run gets a fresh profile folder (removed afterwards), no first-run, sync,
//! component or background networking, and a host resolver that resolves nothing, so a
//! book cannot make the printer reach the network. A run that takes longer than the
//! timeout is killed with its whole process group.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// How long one print may take before Chromium is killed.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Names tried on `PATH`, in order.
const NAMES: &[&str] = &["chromium", "chromium-browser", "google-chrome"];

const INSTALL_HINT: &str =
    "install it with `apt-get install chromium fonts-noto-cjk` or pass --chromium PATH";

/// The Chromium to use: `explicit` if given (it must exist), else the first of
/// `chromium`, `chromium-browser`, `google-chrome` on `PATH`.
pub fn find(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        if path.is_file() {
            return Ok(path.to_path_buf());
        }
        bail!("Chromium not found at `{}`; {INSTALL_HINT}", path.display());
    }
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    for name in NAMES {
        for dir in &dirs {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    bail!(
        "Chromium not found (looked for {} on PATH); {INSTALL_HINT}",
        NAMES.join(", ")
    )
}

/// Prints `page` (a local HTML file) to `pdf` with `chromium`, waiting at most `timeout`.
pub fn print(chromium: &Path, page: &Path, pdf: &Path, timeout: Duration) -> Result<()> {
    let profile = tempfile::Builder::new()
        .prefix("tejun-chromium-")
        .tempdir()
        .context("failed to create a temporary Chromium profile folder")?;
    let log_path = profile.path().join("tejun-stderr.log");
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("failed to create `{}`", log_path.display()))?;
    let url = file_url(page)?;
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--no-first-run",
        "--no-default-browser-check",
        "--mute-audio",
        "--hide-scrollbars",
        // Resolve no host name: a remote image or font in the book cannot be fetched.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--print-to-pdf={}", pdf.display()))
    .arg(url)
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(log);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so a timeout can end the renderer and helpers too.
        cmd.process_group(0);
    }
    let _ = std::fs::remove_file(pdf);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("failed to start Chromium `{}`", chromium.display()))?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().context("failed to wait for Chromium")? {
            break status;
        }
        if start.elapsed() > timeout {
            kill_group(child.id());
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "Chromium did not finish printing within {} s and was stopped",
                timeout.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let printed = std::fs::read(pdf)
        .map(|b| b.starts_with(b"%PDF"))
        .unwrap_or(false);
    if !status.success() || !printed {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let last = log
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        bail!("Chromium failed to print the PDF ({status}): {last}");
    }
    // Helpers left behind by the browser (crashpad) must not keep the profile folder busy.
    kill_group(child.id());
    Ok(())
}

/// `file://` URL of a local file, with the characters a URL cannot hold escaped.
fn file_url(page: &Path) -> Result<String> {
    let abs = page
        .canonicalize()
        .with_context(|| format!("failed to find `{}`", page.display()))?;
    let mut url = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(b as char)
            }
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(url)
}

#[cfg(unix)]
fn kill_group(pid: u32) {
    // No libc dependency for one call: the `kill` utility takes a negative pid as a group.
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_chromium_is_one_line_with_the_install_hint() {
        let err = find(Some(Path::new("/nonexistent/chromium")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("apt-get install chromium fonts-noto-cjk"),
            "{err}"
        );
        assert!(!err.contains('\n'));
    }

    #[test]
    fn file_urls_escape_spaces_and_non_ascii() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let page = dir.path().join("手順 a.html");
        std::fs::write(&page, "")?;
        let url = file_url(&page)?;
        assert!(url.starts_with("file:///"));
        assert!(url.ends_with("%E6%89%8B%E9%A0%86%20a.html"), "{url}");
        Ok(())
    }
}
