//! Phase timings on stderr when `TEJUN_TIMINGS` is set: where a build's time goes, for the
//! benchmark and for anyone chasing a slow book, without a profiler.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        started();
        std::env::var_os("TEJUN_TIMINGS").is_some_and(|v| !v.is_empty())
    })
}

/// When the first phase began (about when the process did): each line says where its phase
/// ended on that clock, so the phases that run side by side can be told from the serial
/// steps between them.
fn started() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// Runs `f`, printing `timing: NAME N ms` when timings are on.
pub fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    eprintln!(
        "timing: {name} {:.1} ms{}",
        start.elapsed().as_secs_f64() * 1000.0,
        memory()
    );
    out
}

/// When the phase ended on the [`started`] clock, and the process's resident memory now and
/// at its peak, read from `/proc` where there is one: which phase raises the peak is what
/// memory work needs to know.
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().strip_suffix("kB"))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!(
        " (ends at {:.0} ms; rss {} MiB, peak {} MiB)",
        started().elapsed().as_secs_f64() * 1000.0,
        field("VmRSS:"),
        field("VmHWM:")
    )
}

/// Prints `timing: NAME N ms` for the time since `start`, when timings are on.
pub fn since(name: &str, start: Instant) {
    if enabled() {
        eprintln!(
            "timing: {name} {:.1} ms{}",
            start.elapsed().as_secs_f64() * 1000.0,
            memory()
        );
    }
}

/// Prints `timing: TEXT` when timings are on: a fact about the run beside its phases.
pub fn note(text: &str) {
    if enabled() {
        eprintln!("timing: {text}");
    }
}
