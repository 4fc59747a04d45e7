//! Background work of the dev server (the print page, runbooks and offline index after an
//! edit; the index behind `/api/search`) runs at a lower priority than the thread that
//! renders the edited page, so on a machine with few cores the next reload does not share
//! the CPU evenly with seconds of work nobody is waiting for.

/// Lowers the calling thread's scheduling priority (nice 10). Threads it starts inherit it.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // On Linux the nice value is per thread; failing to lower it changes nothing else.
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10);
    }
}
