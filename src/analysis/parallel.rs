//! Deterministic parallel map: work items are taken in index order by
//! `jobs` threads, and results are returned in index order, so the result
//! never depends on the thread count or on scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f(0), f(1), …, f(n − 1)` computed on `jobs` threads (at least one).
/// Threads are started with `thread::Builder`: if the system refuses some,
/// the work is shared by those that started, and if it refuses all, the
/// calling thread does it alone — never a panic or an abort, and the
/// result is the same.
pub fn map_indexed<T: Send>(n: usize, jobs: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    map_indexed_starting(n, jobs, f, usize::MAX)
}

/// [`map_indexed`], where the system refuses every thread after the first
/// `allowed` (for the tests; `usize::MAX` = only when it really does).
fn map_indexed_starting<T: Send>(
    n: usize,
    jobs: usize,
    f: impl Fn(usize) -> T + Sync,
    allowed: usize,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    let work = move || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            mine.push((i, f(i)));
        }
        mine
    };
    let mut pieces: Vec<(usize, T)> = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for k in 0..jobs.clamp(1, n.max(1)) {
            let started = if k < allowed {
                std::thread::Builder::new().spawn_scoped(scope, work)
            } else {
                Err(std::io::Error::other("refused"))
            };
            match started {
                Ok(h) => handles.push(h),
                // The system refused a thread: share the work among those started.
                Err(_) => break,
            }
        }
        // The threads started take every item between them; if none
        // started, this thread does the work alone.
        let mut pieces = if handles.is_empty() { work() } else { Vec::new() };
        for h in handles {
            pieces.extend(h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        pieces
    });
    pieces.sort_by_key(|(i, _)| *i);
    pieces.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_are_in_index_order_for_any_thread_count() {
        for jobs in [1, 2, 7] {
            let v = super::map_indexed(50, jobs, |i| i * i);
            assert_eq!(v, (0..50).map(|i| i * i).collect::<Vec<_>>());
        }
        assert!(super::map_indexed(0, 3, |i| i).is_empty());
    }

    #[test]
    fn refused_threads_leave_the_work_to_the_caller() {
        for allowed in [0, 1, 3] {
            let v = super::map_indexed_starting(20, 8, |i| i + 1, allowed);
            assert_eq!(v, (1..=20).collect::<Vec<_>>(), "{allowed} threads started");
        }
    }
}
