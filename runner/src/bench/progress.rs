//! The live line of a step on a terminal: SETs sent of the step's pool, and
//! what came back (acknowledged, refused, the rate of the last second, p99).
//! Not drawn when stdout is no terminal (a CI log gets the summary only).

use super::meter::Meter;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

/// How often the line is redrawn.
const EVERY: Duration = Duration::from_millis(500);

pub struct Progress {
    bar: ProgressBar,
    ticker: Option<std::thread::JoinHandle<()>>,
    done: Arc<std::sync::atomic::AtomicBool>,
}

impl Progress {
    /// Draws a line for a step of `count` SETs offered at `rate`, fed from `meter`.
    pub fn start(show: bool, count: u64, rate: f64, meter: Arc<Meter>) -> Progress {
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        if !show || !std::io::stdout().is_terminal() {
            return Progress { bar: ProgressBar::hidden(), ticker: None, done };
        }
        let bar = ProgressBar::with_draw_target(Some(count), ProgressDrawTarget::stdout());
        let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} sent  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(format!("{rate:.0} SETs/s"));
        let ticker = {
            let (bar, done) = (bar.clone(), done.clone());
            std::thread::spawn(move || {
                let mut last_acked = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    std::thread::sleep(EVERY);
                    let (sent, acked, refused) = meter.counts();
                    let per_s = (acked - last_acked) as f64 / EVERY.as_secs_f64();
                    last_acked = acked;
                    let p99 = meter.recent_p99_us().map_or("-".into(), |us| format!("{:.1} ms", us as f64 / 1000.0));
                    bar.set_position(sent);
                    bar.set_message(format!("{acked} acked, {refused} refused, {per_s:.0}/s, p99 {p99}"));
                }
            })
        };
        Progress { bar, ticker: Some(ticker), done }
    }

    pub fn finish(self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.ticker {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
    }
}
