//! Deterministic parallel map: work items are taken in index order by
//! `jobs` threads, and results are returned in index order, so the result
//! never depends on the thread count or on scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f(0), f(1), …, f(n − 1)` computed on `jobs` threads (at least one).
pub fn map_indexed<T: Send>(n: usize, jobs: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let f = &f;
    let mut pieces: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs.clamp(1, n.max(1)))
            .map(|_| {
                let next = &next;
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        mine.push((i, f(i)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
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
}
