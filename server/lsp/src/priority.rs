//! Background work yields to the threads that answer requests.
//!
//! Reading a workspace, writing its cache and relating its claims keep
//! every core busy for a while. A request that comes meanwhile crosses
//! several threads (standard input, an async worker, a blocking thread,
//! standard output), and each waited for a core: up to a scheduler tick
//! (4 ms here) per thread. So background threads run at the lowest
//! priority (nice 19: they still get every idle core, and are never
//! starved outright as `SCHED_IDLE` threads would be on a busy machine),
//! and the threads that answer ask for a short time slice, which on Linux
//! 6.12 and later lets a woken thread take its core at once. Elsewhere
//! both are no-ops. Measured in `docs/performance.md`.

/// The background's nice value: the lowest priority.
#[cfg(target_os = "linux")]
const BACKGROUND_NICE: i32 = 19;

/// The time slice the answering threads ask for.
#[cfg(target_os = "linux")]
const ANSWER_SLICE_NS: u64 = 300_000;

/// Changes the calling thread's scheduling attributes with `change`.
/// Returns whether the system took them.
#[cfg(target_os = "linux")]
fn change_this_thread(change: impl FnOnce(&mut libc::sched_attr)) -> bool {
    let size = std::mem::size_of::<libc::sched_attr>() as u32;
    // SAFETY: all-zero is a valid `sched_attr` (plain integers).
    let mut attr: libc::sched_attr = unsafe { std::mem::zeroed() };
    // SAFETY: the calling thread (0), a writable attribute of the size given, no flags.
    if unsafe { libc::syscall(libc::SYS_sched_getattr, 0, &mut attr as *mut libc::sched_attr, size, 0) } != 0 {
        return false;
    }
    change(&mut attr);
    attr.size = size;
    // SAFETY: the calling thread (0), a valid attribute of its stated size, no flags.
    unsafe { libc::syscall(libc::SYS_sched_setattr, 0, &attr as *const libc::sched_attr, 0) == 0 }
}

/// Lowers the calling thread to the background's priority, with the
/// default time slice. Returns whether it was lowered.
pub fn lower_this_thread() -> bool {
    #[cfg(target_os = "linux")]
    {
        change_this_thread(|attr| {
            attr.sched_nice = attr.sched_nice.max(BACKGROUND_NICE);
            attr.sched_runtime = 0;
        }) || {
            // Kernels before 3.14 have no `sched_setattr`.
            // SAFETY: a plain system call on the calling thread's id.
            unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, BACKGROUND_NICE) == 0 }
        }
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Asks for a short time slice for the calling thread, its priority
/// unchanged: for the threads that answer requests. Returns whether the
/// system took it (kernels before 6.12 take it and ignore it).
pub fn answer_promptly() -> bool {
    #[cfg(target_os = "linux")]
    {
        change_this_thread(|attr| attr.sched_runtime = ANSWER_SLICE_NS)
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Runs `f` on a thread of its own, lowered, in the runtime's context (as
/// `spawn_blocking` would, there): for the long jobs of reading a folder,
/// writing its cache, relating its claims. The receiver gets what `f`
/// returns, or an error if it panicked. Threads a lowered thread starts
/// are lowered too (the file watcher's, when it starts it).
pub fn spawn_lowered<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> tokio::sync::oneshot::Receiver<T> {
    spawn(name, true, f)
}

/// [`spawn_lowered`], the thread not lowered: for work that requests may
/// wait for, as soon as it starts (it may lower itself after that part).
pub fn spawn_unlowered<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> tokio::sync::oneshot::Receiver<T> {
    spawn(name, false, f)
}

fn spawn<T: Send + 'static>(name: &str, lowered: bool, f: impl FnOnce() -> T + Send + 'static) -> tokio::sync::oneshot::Receiver<T> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let runtime = tokio::runtime::Handle::try_current().ok();
    // If no thread can be started, `f` and the sender are dropped: the
    // receiver gets an error.
    let _ = std::thread::Builder::new().name(name.to_string()).spawn(move || {
        let _context = runtime.as_ref().map(|r| r.enter());
        if lowered {
            lower_this_thread();
        }
        let _ = sender.send(f());
    });
    receiver
}

/// Makes rayon's global pool with its threads lowered, unless it exists.
pub fn lower_background_threads() {
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("gloss-background-{i}"))
        .start_handler(|_| {
            lower_this_thread();
        })
        .build_global();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calling thread's nice value and time slice.
    #[cfg(target_os = "linux")]
    fn this_thread() -> (i32, u64) {
        let size = std::mem::size_of::<libc::sched_attr>() as u32;
        // SAFETY: as in `change_this_thread`.
        let mut attr: libc::sched_attr = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::syscall(libc::SYS_sched_getattr, 0, &mut attr as *mut libc::sched_attr, size, 0) }, 0);
        (attr.sched_nice, attr.sched_runtime)
    }

    #[tokio::test]
    async fn a_lowered_job_runs_at_the_lowest_priority_and_gives_back_its_result() {
        let job = spawn_lowered("test-lowered", || {
            #[cfg(target_os = "linux")]
            assert_eq!(this_thread().0, 19);
            // In the runtime's context, as a blocking task would be.
            tokio::runtime::Handle::current();
            6 * 7
        });
        assert_eq!(job.await, Ok(42));
        let failed = spawn_lowered("test-lowered-panic", || -> u8 { panic!("a failing job") });
        assert!(failed.await.is_err(), "a panic is an error, not a hang");
    }

    #[tokio::test]
    async fn an_unlowered_job_keeps_the_priority_of_the_thread_that_starts_it() {
        #[cfg(target_os = "linux")]
        let nice = this_thread().0;
        let job = spawn_unlowered("test-unlowered", move || {
            #[cfg(target_os = "linux")]
            assert_eq!(this_thread().0, nice);
            tokio::runtime::Handle::current();
            6 * 7
        });
        assert_eq!(job.await, Ok(42));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn an_answering_thread_keeps_its_priority_and_a_lowered_one_drops_the_short_slice() {
        std::thread::spawn(|| {
            let (nice, _) = this_thread();
            assert!(answer_promptly());
            assert_eq!(this_thread().0, nice, "priority unchanged");
            assert!(lower_this_thread());
            assert_eq!(this_thread().0, 19);
            assert_ne!(this_thread().1, ANSWER_SLICE_NS, "back to the default slice");
        })
        .join()
        .unwrap();
    }
}
