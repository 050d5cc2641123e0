//! A parallel map on scoped OS threads, for one-off work such as building the
//! rules.
//!
//! Rule loading runs under callers' locks: the CLI's per-directory config
//! cache, the server's state. Under rayon, a thread waiting for its parallel
//! parts steals other queued jobs. When such a job, say checking another file,
//! needed the same lock, the thread deadlocked on itself. Scoped threads
//! steal nothing.

/// `f` applied to every item, in order, on up to as many threads as cores.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    // Interleaved, so that expensive items next to each other are spread out.
    let f = &f;
    let parts: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..items.len())
                        .step_by(threads)
                        .map(|i| (i, f(&items[i])))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut out: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (i, r) in parts.into_iter().flatten() {
        out[i] = Some(r);
    }
    out.into_iter()
        .map(|r| r.expect("every item mapped"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_and_runs_every_item() {
        let items: Vec<u32> = (0..37).collect();
        assert_eq!(
            super::map(&items, |x| x * 2),
            (0..37).map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&[] as &[u32], |x| *x).is_empty());
    }

    #[test]
    fn rules_load_in_pool_jobs_that_hold_a_lock() {
        // What `gwlint check -j N` does: files on rayon, each directory's
        // config loaded under one lock. Loading on rayon deadlocked here.
        use rayon::prelude::*;
        let lock = std::sync::Mutex::new(0usize);
        (0..8).into_par_iter().for_each(|_| {
            let mut held = lock.lock().unwrap();
            *held += crate::RuleSet::builtin().rules().len().min(1);
        });
        assert_eq!(*lock.lock().unwrap(), 8);
    }

    #[test]
    fn does_not_deadlock_under_a_lock_taken_by_rayon_jobs() {
        // A rayon job holds the lock while mapping; other jobs want the lock.
        use rayon::prelude::*;
        let lock = std::sync::Mutex::new(0u32);
        (0..16).into_par_iter().for_each(|_| {
            let mut held = lock.lock().unwrap();
            *held += super::map(&[1u32, 2, 3, 4], |x| x + 1).iter().sum::<u32>();
        });
        assert_eq!(*lock.lock().unwrap(), 16 * 14);
    }
}
