//! Draining a transmitting SUT: the harness asks it, through its trigger, to
//! queue SETs at the step's rate (`queue`, a batch per call, on an open
//! schedule like the harness's own sends), and takes them as the binding has
//! them travel: pushed to the harness's endpoint ([`endpoint`]: push,
//! multi-SET push) or asked for ([`pull`]: poll, pushpull over HTTP or
//! WebSocket). A SET's latency runs from when its queue call was due to its
//! arrival. The SUT's `queue` answer lists the jtis it queued (the SUT
//! contract); without that list arrivals are only counted ([`inbox`]).

pub mod endpoint;
pub mod inbox;
pub mod pull;
pub mod verify;

use super::driver::Failure;
use super::step::StepSpec;
use super::target::Target;
use inbox::Inbox;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Most SETs one queue call asks for (the SUT may limit it; the reference takes 1000).
pub const MOST_PER_QUEUE: usize = 1000;
/// How often, after the last queue call, the harness looks whether all has arrived.
const WATCH_EVERY: Duration = Duration::from_millis(50);

/// One step of a drain: `count` SETs queued at `spec.rate`, then waited for.
pub async fn run_step(
    spec: StepSpec,
    count: usize,
    target: &Target,
    inbox: Arc<Inbox>,
    pull: Option<&pull::Pull>,
    stop: Arc<super::stop::Stop>,
) -> BTreeMap<String, u64> {
    // The asking connection opens before the first queue call (see [`pull::Asker`]).
    let asker = match pull {
        Some(pull) => pull::Asker::open(pull).await.ok(),
        None => None,
    };
    let errors = Mutex::new(BTreeMap::<String, u64>::new());
    let failed =
        |kind: &str| *errors.lock().unwrap_or_else(|e| e.into_inner()).entry(kind.to_owned()).or_insert(0) += 1;
    let batch = spec.batch.clamp(1, MOST_PER_QUEUE);
    let calls = count.div_ceil(batch);
    let callers = spec.connections.clamp(1, calls.max(1));
    let start = Instant::now();
    let offset_us = inbox.elapsed_us();
    let queued_all = Arc::new(AtomicBool::new(false));
    let queue = async {
        let one_caller = |c: usize| {
            let (inbox, stop, failed) = (inbox.clone(), stop.clone(), &failed);
            async move {
                for k in (c..calls).step_by(callers) {
                    let due = Duration::from_secs_f64(k as f64 * batch as f64 / spec.rate);
                    tokio::time::sleep_until((start + due).into()).await;
                    if stop.asked() {
                        break;
                    }
                    let n = batch.min(count - k * batch);
                    match target.queue(n).await {
                        Ok(jtis) => inbox.queued(n, jtis, offset_us + due.as_micros() as u64),
                        Err(_) => failed("queue"),
                    }
                }
            }
        };
        futures_util::future::join_all((0..callers).map(one_caller)).await;
        queued_all.store(true, Ordering::Release);
    };
    match pull {
        Some(pull) => {
            let Some(asker) = asker else {
                return BTreeMap::from([("connect".to_owned(), 1)]);
            };
            let asking =
                pull::run(pull, asker, inbox.clone(), queued_all.clone(), spec.grace, stop.clone(), |f: &Failure| {
                    failed(f.kind())
                });
            let ((), asked) = tokio::join!(queue, asking);
            if asked.is_err() {
                failed("connect");
            }
        }
        None => {
            queue.await;
            let until = Instant::now() + spec.grace;
            while inbox.outstanding() > 0 && Instant::now() < until && !stop.asked() {
                tokio::time::sleep(WATCH_EVERY).await;
            }
        }
    }
    errors.into_inner().unwrap_or_else(|e| e.into_inner())
}
