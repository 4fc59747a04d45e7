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
/// does not name these two. The test below fails if an update renumbers them.
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the options, but not one the environment sets (`MIMALLOC_PURGE_DELAY=1000` and
/// `MIMALLOC_ARENA_EAGER_COMMIT=2` restore mimalloc's defaults). The first arena is made by
/// the first allocation, before `main` runs, so on Linux this runs from the executable's
/// initialisers (after mimalloc's own, which run first of all, and before Rust's runtime
/// allocates); elsewhere `main` calls it.
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
            (ARENA_EAGER_COMMIT, c"MIMALLOC_ARENA_EAGER_COMMIT", 0),
        ] {
            if getenv(name.as_ptr()).is_null() {
                libmimalloc_sys::mi_option_set(option, value);
            }
        }
    }
}

/// Keeps freed pages for the rest of the process instead of giving them back after the
/// purge delay (unless the environment sets the delay). For a rebuild from the previous
/// build's memo: it frees and allocates again book-sized things in turn, and at 5,000
/// procedures the purged pages faulted in again cost 0.1–0.15 s of its 1.2–1.4 s, for
/// a peak about the full build's (600–630 MiB), which keeps the 50 ms delay.
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
    // SAFETY: reads two integer options.
    let (purge, eager) = unsafe {
        (
            libmimalloc_sys::mi_option_get(PURGE_DELAY),
            libmimalloc_sys::mi_option_get(ARENA_EAGER_COMMIT),
        )
    };
    format!("allocator: purge delay {purge} ms, arena eager commit {eager}")
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
    }
}
