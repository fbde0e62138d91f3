//! Threads kept to work out the parts of a long answer side by side (the
//! references of an entity named in thousands of documents).
//!
//! Not rayon's global pool: relating claims in the background may hold it
//! for tens of ms, and the answer would wait for it. Nor threads started
//! for each answer, as before: on this 2-core VM, starting and joining a
//! thread took 65 µs at the median and 0.25 to 1 ms at p99, waking one
//! that waits 14 µs (`docs/performance.md`).

use std::sync::OnceLock;

/// How many parts a long answer is cut into: one per core, at most 4.
pub fn parts() -> usize {
    static PARTS: OnceLock<usize> = OnceLock::new();
    *PARTS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()).min(4))
}

/// The kept threads, one fewer than [`parts`] (the thread asking works out
/// a part too); started on first use, at the priority of the thread that
/// asks first (an answering one) with the answering threads' time slice.
fn helpers() -> Option<&'static rayon::ThreadPool> {
    static HELPERS: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    HELPERS
        .get_or_init(|| {
            let threads = parts().checked_sub(1).filter(|&n| n > 0)?;
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("gloss-helper-{i}"))
                .start_handler(|_| {
                    crate::priority::answer_promptly();
                })
                .build()
                .ok()
        })
        .as_ref()
}

/// Runs `jobs` side by side, the first on the calling thread and the
/// others on the kept threads (or all here, one after the other, if there
/// are none); what each returns, in order. A job's panic is resumed here
/// once every job has finished.
pub fn side_by_side<T: Send, F: FnOnce() -> T + Send>(jobs: Vec<F>) -> Vec<T> {
    let mut jobs = jobs.into_iter();
    let Some(first) = jobs.next() else { return Vec::new() };
    // The kept threads are started by the first answer that needs them.
    let Some(helpers) = (jobs.len() > 0).then(helpers).flatten() else {
        return std::iter::once(first).chain(jobs).map(|job| job()).collect();
    };
    let mut others: Vec<Option<T>> = jobs.as_slice().iter().map(|_| None).collect();
    let mine = helpers.in_place_scope(|s| {
        for (slot, job) in others.iter_mut().zip(jobs) {
            s.spawn(move |_| *slot = Some(job()));
        }
        first()
    });
    // The scope returns once every job has run (or resumes a panic).
    std::iter::once(mine).chain(others.into_iter().map(|done| done.expect("a job that ran"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_side_by_side_and_give_back_their_results_in_order() {
        let here = std::thread::current().id();
        let ran: Vec<(usize, std::thread::ThreadId)> = side_by_side((0..7).map(|n| move || (n * n, std::thread::current().id())).collect());
        assert_eq!(ran.iter().map(|r| r.0).collect::<Vec<_>>(), [0, 1, 4, 9, 16, 25, 36]);
        assert_eq!(ran[0].1, here, "the first job runs on the calling thread");
        if parts() > 1 {
            assert!(ran[1..].iter().all(|r| r.1 != here), "the others on the kept threads");
        }
        assert!(side_by_side(Vec::<fn() -> u8>::new()).is_empty());
    }

    #[test]
    fn a_jobs_panic_reaches_the_caller_after_the_others_have_run() {
        let finished = std::sync::atomic::AtomicUsize::new(0);
        let jobs: Vec<Box<dyn FnOnce() + Send + '_>> = vec![
            Box::new(|| {
                finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }),
            Box::new(|| panic!("a failing part")),
            Box::new(|| {
                finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }),
        ];
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| side_by_side(jobs.into_iter().map(|j| move || j()).collect())));
        assert!(caught.is_err());
        assert_eq!(finished.load(std::sync::atomic::Ordering::SeqCst), 2);
        // The kept threads still work.
        assert_eq!(side_by_side(vec![|| 1, || 2]), [1, 2]);
    }
}
