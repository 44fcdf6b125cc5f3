//! CPU time of the harness and, when it runs in this process, of the SUT: the
//! embedded reference's threads carry [`SUT_THREAD`] in their name, and Linux
//! tells each thread's time apart (`/proc/self/task/*/stat`). Everything else
//! in the process is the harness.

use setconform_reports::bench::Cpu;
use std::time::Instant;

/// The name prefix of the embedded SUT's threads.
pub const SUT_THREAD: &str = "sc-sut";

/// CPU times read at one instant.
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    at: Instant,
    process_ms: u64,
    sut_ms: Option<u64>,
}

impl CpuSample {
    pub fn now(sut_in_process: bool) -> CpuSample {
        CpuSample { at: Instant::now(), process_ms: process_ms(), sut_ms: sut_in_process.then(sut_threads_ms) }
    }

    /// What was spent from `self` to `later`.
    pub fn until(&self, later: &CpuSample) -> Cpu {
        let process = later.process_ms.saturating_sub(self.process_ms);
        let sut_ms = match (self.sut_ms, later.sut_ms) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        };
        Cpu {
            harness_ms: process.saturating_sub(sut_ms.unwrap_or(0)),
            sut_ms,
            wall_ms: later.at.duration_since(self.at).as_millis() as u64,
            cores: cores(),
        }
    }
}

pub fn cores() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u32)
}

#[cfg(unix)]
fn process_ms() -> u64 {
    // SAFETY: getrusage writes into the struct it is given and nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let ms = |t: libc::timeval| t.tv_sec as u64 * 1000 + t.tv_usec as u64 / 1000;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

#[cfg(not(unix))]
fn process_ms() -> u64 {
    0
}

/// The CPU time of the threads named [`SUT_THREAD`]…, from `/proc`; 0 where there is none.
fn sut_threads_ms() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0 };
    let ticks_per_s = clock_ticks();
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("stat")).ok())
        .filter_map(|stat| sut_ticks(&stat))
        .sum::<u64>()
        * 1000
        / ticks_per_s
}

/// utime + stime of a `stat` line whose thread name starts with [`SUT_THREAD`].
fn sut_ticks(stat: &str) -> Option<u64> {
    // "tid (name) state ppid ...": the name may hold spaces, so split at the last ')'.
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1;
    if !name.starts_with(SUT_THREAD) {
        return None;
    }
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3 of the line, utime 14 and stime 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(unix)]
fn clock_ticks() -> u64 {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 { ticks as u64 } else { 100 }
}

#[cfg(not(unix))]
fn clock_ticks() -> u64 {
    100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sut_thread_is_told_by_its_name_and_its_times_are_summed() {
        let line = "4242 (sc-sut-3) S 1 2 3 4 5 6 7 8 9 10 120 30 0 0 20 0 1 0";
        assert_eq!(sut_ticks(line), Some(150));
        assert_eq!(sut_ticks("4243 (tokio worker) S 1 2 3 4 5 6 7 8 9 10 120 30 0 0"), None);
        assert_eq!(sut_ticks("garbage"), None);
    }

    /// The CPU time of the calling thread.
    #[cfg(unix)]
    fn this_thread_ms() -> u64 {
        let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: clock_gettime writes into the timespec it is given and nothing else.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        t.tv_sec as u64 * 1000 + t.tv_nsec as u64 / 1_000_000
    }

    #[cfg(unix)]
    #[test]
    fn burning_cpu_on_a_named_thread_counts_for_the_sut() {
        let before = CpuSample::now(true);
        let after = std::thread::Builder::new()
            .name(format!("{SUT_THREAD}-test"))
            .spawn(|| {
                // 300 ms of CPU, however long a busy machine takes to give them.
                let start = Instant::now();
                let mut x = 0u64;
                while this_thread_ms() < 300 && start.elapsed().as_secs() < 30 {
                    x = x.wrapping_mul(31).wrapping_add(7);
                }
                std::hint::black_box(x);
                // Read while the thread is still alive: /proc forgets it once it ends.
                CpuSample::now(true)
            })
            .unwrap()
            .join()
            .unwrap();
        let cpu = before.until(&after);
        assert!(cpu.sut_ms.unwrap() >= 200, "{cpu:?}");
    }

    #[test]
    fn the_harness_is_the_process_without_the_sut() {
        let at = Instant::now();
        let before = CpuSample { at, process_ms: 1_000, sut_ms: Some(300) };
        let after = CpuSample { at: at + std::time::Duration::from_secs(1), process_ms: 1_900, sut_ms: Some(800) };
        let cpu = before.until(&after);
        assert_eq!((cpu.harness_ms, cpu.sut_ms, cpu.wall_ms), (400, Some(500), 1000));
        let alone = CpuSample { sut_ms: None, ..after };
        assert_eq!(CpuSample { sut_ms: None, ..before }.until(&alone).harness_ms, 900);
    }
}
