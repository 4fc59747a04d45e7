//! Work nobody is waiting for runs at a lower scheduling priority, so that on a machine
//! with few cores it does not share the CPU evenly with work somebody is: the dev
//! server's background rendering beside the page a writer just edited, the removal of a
//! previous output beside the next build.

/// The dev server's background work: the print page, runbooks and offline index after an
/// edit, the index behind `/api/search`.
pub const BACKGROUND: i32 = 10;

/// Removing a build's previous output (`tejun remove-retired`): freeing a few hundred
/// megabytes and unlinking thousands of files, after the build has already reported.
pub const CLEANUP: i32 = 19;

/// Lowers the calling thread's scheduling priority to the nice value `nice`; threads it
/// starts inherit it. On Linux the nice value is per thread; failing to lower it, or a
/// system without the call, changes nothing else.
pub fn lower(nice: i32) {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), nice);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}
