//! How the process's allocator (mimalloc, set in `main.rs`) gives memory back.
//!
//! A build parses the book on every core, frees the raw files once the model is made,
//! then makes and drops book-sized things in turn (search documents, postings, views).
//! With mimalloc's defaults (v3), freed pages wait a second before they go back to the
//! system and its first arena is committed whole, so the process held about twice the
//! memory it was using: 260–285 MiB resident for 125 MiB live at 1,000 procedures.
//! Committing arenas as they are used, purging after 50 ms, and purging at once after the
//! book is loaded ([`release`]) brought the peak to 195–200 MiB at 1,000 procedures and
//! 730–760 MiB at 5,000 (from 820–890) in the same time; purging at once everywhere saved
//! 10 MiB more and cost a fifth of the time (pages freed and touched again).

/// mimalloc's option numbers (`mi_option_e` in its `mimalloc.h`, v3): `libmimalloc-sys`
/// does not name these. The test below fails if an update renumbers them.
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const ALLOW_LARGE_OS_PAGES: libmimalloc_sys::mi_option_t = 6;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the options, but not one the environment sets (`MIMALLOC_PURGE_DELAY=1000`,
/// `MIMALLOC_ARENA_EAGER_COMMIT=2` and `MIMALLOC_ALLOW_LARGE_OS_PAGES=0` restore
/// mimalloc's defaults). The first arena is made by the first allocation, before `main`
/// runs, so on Linux this runs from the executable's initialisers (after mimalloc's own,
/// which run first of all, and before Rust's runtime allocates); elsewhere `main` calls it.
///
/// Arenas are asked to be backed by transparent huge pages (on Linux, where the system
/// leaves them to `madvise`, mimalloc advises them for its arenas when large pages are
/// allowed, which implies committing arenas whole: on Linux that is only an address
/// range until touched), but the process keeps them turned off (`PR_SET_THP_DISABLE`):
/// a full build purges freed memory in small runs, which split huge pages (5,000
/// procedures: 0.5 s more system time), and faulting in 2 MiB at a time raised the peak
/// at 1,000 procedures by a quarter. A rebuild kept them on until 2026-12-06: on a virtual
/// machine whose freed memory goes back to the host, a rebuild ten seconds after the
/// previous one spent 2.2–3.2 s of system time faulting in 2 MiB pages, and 0.6–0.85 s
/// with 4 KiB ones (the whole rebuild at 5,000 procedures 2.1–2.6 s → 1.0–1.2 s), for
/// 0.1–0.2 s more when rebuilds follow each other at once.
///
/// # Safety
///
/// Only while the process has one thread: mimalloc's option setters are not synchronised.
pub unsafe fn tune() {
    // SAFETY: plain integer options and NUL-terminated names; one thread (the caller's
    // promise).
    unsafe {
        for (option, name, value) in [
            (PURGE_DELAY, c"MIMALLOC_PURGE_DELAY", 50),
            (ARENA_EAGER_COMMIT, c"MIMALLOC_ARENA_EAGER_COMMIT", 1),
            (ALLOW_LARGE_OS_PAGES, c"MIMALLOC_ALLOW_LARGE_OS_PAGES", 1),
        ] {
            if getenv(name.as_ptr()).is_null() {
                libmimalloc_sys::mi_option_set(option, value);
            }
        }
    }
    // A system call, no allocation; a kernel without the flag keeps its own default.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// Keeps freed pages for the rest of the process instead of giving them back after the
/// purge delay (unless the environment sets the delay). For a rebuild from the previous
/// build's memo: it frees and allocates again book-sized things in turn; at 5,000
/// procedures the purged pages faulted in again cost 0.1–0.15 s of its 1.2–1.4 s, for a
/// peak about the full build's (600–660 MiB). Transparent huge pages stay off (see
/// [`tune`]). A first build, with no memo to read, is a full build here.
pub fn hold_freed_pages() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: an integer option, already initialised by `tune`; called from the main
    // thread between parallel phases, when a worker that schedules a purge meanwhile
    // reads either value, both valid delays.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

/// Gives the memory freed so far back to the system now, rather than when the purge
/// delay has passed: called where a build has just dropped something book-sized.
pub fn release() {
    // SAFETY: no arguments to get wrong; mimalloc synchronises its own collection.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// The options in effect, in words (`TEJUN_TIMINGS` prints them).
pub fn describe() -> String {
    // SAFETY: reads three integer options.
    let (purge, eager, large) = unsafe {
        (
            libmimalloc_sys::mi_option_get(PURGE_DELAY),
            libmimalloc_sys::mi_option_get(ARENA_EAGER_COMMIT),
            libmimalloc_sys::mi_option_get(ALLOW_LARGE_OS_PAGES),
        )
    };
    #[cfg(target_os = "linux")]
    let huge = match rustix::thread::transparent_huge_pages_are_disabled() {
        Ok(true) => "off",
        Ok(false) => "on",
        Err(_) => "unknown",
    };
    #[cfg(not(target_os = "linux"))]
    let huge = "unknown";
    format!(
        "allocator: purge delay {purge} ms, arena eager commit {eager}, large pages {large}, \
         transparent huge pages {huge}"
    )
}

// The C library's, not `std::env`: that allocates, and nothing may allocate before the
// options are set.
extern "C" {
    fn getenv(name: *const std::ffi::c_char) -> *const std::ffi::c_char;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_numbers_are_mimallocs() {
        // Their defaults (`options.c`), read before `tune` ever runs in this process: a
        // renumbered enum reads some other option's value here.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(PURGE_DELAY), 1000);
        }
        if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_none() {
            assert_eq!(get(ARENA_EAGER_COMMIT), 2);
        }
        if std::env::var_os("MIMALLOC_ALLOW_LARGE_OS_PAGES").is_none() {
            assert_eq!(get(ALLOW_LARGE_OS_PAGES), 0);
        }
    }
}
