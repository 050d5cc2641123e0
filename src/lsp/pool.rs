//! The server's rayon pool: one worker per CPU the process may use, each kept
//! on its own CPU when the process may run on exactly that many.
//!
//! Why pinned: a lint splits into halves with `rayon::join`, and the worker
//! that takes the second half has to be woken. On a 2-vCPU VM (this
//! project's benchmark machine) the kernel woke it on the waking worker's own
//! busy CPU rather than the idle one, so after any pause between keystrokes
//! the "parallel" lint ran serially: the second half started only when the
//! first finished (2 ms later, measured with a 2 ms job; 0.1 ms when pinned).
//! Work stealing still balances the pool when a CPU is busy elsewhere.

/// Builds the global pool, pinned where the platform allows; does nothing if
/// the pool already exists (it is built once per process).
pub fn start_pinned_pool() {
    let _ = pinned_pool().build_global();
}

fn pinned_pool() -> rayon::ThreadPoolBuilder {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Pinned only when the CPUs the process may use are exactly as many as
    // its parallelism: under a CPU quota (a container given 2 of 64 cores)
    // any of the 64 may be the free one, and the scheduler should choose.
    let cpus = allowed_cpus();
    let pin = cpus.len() == threads;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("gwlint-lint-{i}"))
        .start_handler(move |i| {
            if pin {
                pin_current_thread(cpus[i]);
            }
        })
}

/// The CPUs this process may run on, in order.
#[cfg(target_os = "linux")]
fn allowed_cpus() -> Vec<usize> {
    // SAFETY: an all-zero cpu_set_t is an empty set; the call fills it.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid cpu_set_t of the size passed.
    let got =
        unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) };
    if got != 0 {
        return Vec::new();
    }
    (0..libc::CPU_SETSIZE as usize)
        // SAFETY: `cpu` is below CPU_SETSIZE.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn allowed_cpus() -> Vec<usize> {
    let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    (0..n).collect()
}

#[cfg(target_os = "linux")]
fn pin_current_thread(cpu: usize) {
    // SAFETY: an all-zero cpu_set_t is an empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `cpu` came from sched_getaffinity, so it is below CPU_SETSIZE;
    // failing to pin only loses the speed-up.
    unsafe {
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

#[cfg(not(target_os = "linux"))]
fn pin_current_thread(_cpu: usize) {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn each_worker_runs_on_its_own_allowed_cpu() {
        let allowed = super::allowed_cpus();
        assert!(!allowed.is_empty());
        if std::thread::available_parallelism().unwrap().get() != allowed.len() {
            return; // a CPU quota: the pool is deliberately not pinned
        }
        let pool = super::pinned_pool().build().unwrap();
        let mut seen: Vec<Vec<usize>> = pool.broadcast(|_| super::allowed_cpus());
        assert_eq!(seen.len(), allowed.len());
        assert!(seen.iter().all(|cpus| cpus.len() == 1), "{seen:?}");
        seen.sort();
        let pinned: Vec<usize> = seen.into_iter().flatten().collect();
        assert_eq!(pinned, allowed);
    }
}
