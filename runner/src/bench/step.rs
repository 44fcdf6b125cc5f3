//! One rate held for a while: the pool's SETs cut into batches, batch `k` due
//! at `k × batch / rate` after the start and sent on connection `k mod C`.
//! The load is open: a batch that cannot go on time goes late, and its
//! latency counts from when it was due, so a slow SUT shows as latency, not as
//! a politely lower rate. After the last batch, unanswered SETs are waited for
//! (pushpull over HTTP asks for owed acknowledgements) until the grace ends.
//! A SUT that holds every request cannot stretch a step without end: no batch
//! starts later than the grace after the last one was due (those left are
//! counted under [`NOT_SENT`]), and no wait for what is owed outlasts the grace.

use super::driver::http::HttpSender;
use super::driver::{Failure, Reply, ws};
use super::ledger::{Answer, Ledger};
use super::meter::Meter;
use super::pool::Pool;
use setconform_reports::bench::Binding;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the harness asks for answers still owed while it has nothing to
/// send (a transmitter SHOULD send such empty requests periodically,
/// multi-SET push §2; pushpull answers may likewise come in a later response, §5).
const COLLECT_EVERY: Duration = Duration::from_millis(10);

/// The error kind counting batches a connection never sent: the SUT still held
/// its earlier requests when the last batch was due and the grace was over.
pub const NOT_SENT: &str = "not-sent";

/// The load of one step, for this copy.
#[derive(Debug, Clone, Copy)]
pub struct StepSpec {
    /// SETs per second.
    pub rate: f64,
    pub batch: usize,
    pub connections: usize,
    pub grace: Duration,
}

/// Where the SETs go.
pub struct Link {
    pub binding: Binding,
    pub url: String,
    pub token: Option<String>,
    pub roots_pem: Option<Vec<u8>>,
    pub insecure: bool,
}

/// What the connections of a step share.
pub struct Shared {
    pub ledger: Ledger,
    pub meter: Arc<Meter>,
    pub errors: Mutex<BTreeMap<String, u64>>,
    pub epoch: Instant,
    /// Set on SIGINT/SIGTERM: no batch starts after it.
    pub stop: Arc<super::stop::Stop>,
}

impl Shared {
    pub fn new(ledger: Ledger, epoch: Instant, stop: Arc<super::stop::Stop>) -> Shared {
        Shared { ledger, meter: Arc::new(Meter::new(epoch)), errors: Mutex::default(), epoch, stop }
    }

    fn now_us(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }

    fn take(&self, reply: Reply) {
        let now = self.now_us();
        let first = |a: Answer| match a {
            Answer::First { latency_us } => Some(latency_us),
            _ => None,
        };
        let latencies: Vec<u64> = reply.acked.iter().filter_map(|jti| first(self.ledger.acked(jti, now))).collect();
        let refused = reply.refused.iter().filter_map(|(jti, code)| first(self.ledger.refused(jti, code, now))).count();
        self.meter.answered(&latencies, refused as u64);
    }

    fn failed(&self, failure: &Failure) {
        self.count_error(failure.kind(), 1);
    }

    fn count_error(&self, kind: &str, n: u64) {
        *self.errors.lock().unwrap_or_else(|e| e.into_inner()).entry(kind.to_owned()).or_default() += n;
    }

    /// Whether batch `k` (of a connection that sends every `connections`-th)
    /// may still go; if not, the batches left are counted as never sent.
    fn may_send(&self, k: usize, batches: usize, connections: usize, cutoff: Instant) -> bool {
        if self.stopped() {
            return false;
        }
        if Instant::now() > cutoff {
            self.count_error(NOT_SENT, (k..batches).step_by(connections).count() as u64);
            return false;
        }
        true
    }

    /// Batch `k` of the pool: the SETs it holds, marked sent as due at `due`.
    fn batch<'p>(&self, pool: &'p Pool, spec: &StepSpec, k: usize, due: Duration) -> Vec<(String, &'p str)> {
        let range = k * spec.batch..((k + 1) * spec.batch).min(pool.tokens.len());
        let due_us = due.as_micros() as u64;
        self.meter.sent(range.len() as u64);
        range
            .map(|n| {
                self.ledger.sent(n, due_us);
                (self.ledger.jti(n), pool.tokens[n].as_str())
            })
            .collect()
    }

    fn stopped(&self) -> bool {
        self.stop.asked()
    }
}

/// When batch `k` is due, from the step's start.
fn due(spec: &StepSpec, k: usize) -> Duration {
    Duration::from_secs_f64(k as f64 * spec.batch as f64 / spec.rate)
}

/// The last moment a batch of the step may start: the grace after the last one was due.
fn cutoff(shared: &Shared, spec: &StepSpec, batches: usize) -> Instant {
    shared.epoch + due(spec, batches.saturating_sub(1)) + spec.grace
}

/// A step's connections, open (WebSocket) or ready to open on first use (HTTP).
pub enum Connections {
    Http(Vec<HttpSender>),
    Ws(Vec<(ws::WsSender, ws::WsAnswers)>),
}

/// Opens the connections a step of `count` SETs uses: every WebSocket is open
/// before the step's clock starts, so no batch is late for a handshake.
pub async fn open(spec: &StepSpec, count: usize, link: &Link) -> Result<Connections, String> {
    let connections = spec.connections.min(count.div_ceil(spec.batch)).max(1);
    if link.binding == Binding::PushpullWs {
        let mut opened = Vec::with_capacity(connections);
        for _ in 0..connections {
            let stream = ws::open(&link.url, link.token.as_deref(), link.roots_pem.as_deref())
                .await
                .map_err(|f| format!("cannot open a pushpull WebSocket at {}: {}", link.url, f.kind()))?;
            opened.push(stream);
        }
        return Ok(Connections::Ws(opened));
    }
    let token = link.token.as_deref();
    (0..connections)
        .map(|_| HttpSender::new(link.binding, &link.url, token, link.roots_pem.as_deref(), link.insecure))
        .collect::<Result<Vec<_>, _>>()
        .map(Connections::Http)
}

/// Sends the whole pool at the step's rate over `connections` and waits for its answers.
pub async fn run(spec: StepSpec, pool: Arc<Pool>, shared: Arc<Shared>, connections: Connections) {
    let batches = pool.tokens.len().div_ceil(spec.batch);
    let mut tasks = tokio::task::JoinSet::new();
    match connections {
        Connections::Ws(opened) => {
            let n = opened.len();
            for (c, (sender, answers)) in opened.into_iter().enumerate() {
                let lane = Lane { index: c, batches, connections: n, spec, pool: pool.clone(), shared: shared.clone() };
                tasks.spawn(ws_connection(lane, sender, answers));
            }
        }
        Connections::Http(senders) => {
            let n = senders.len();
            for (c, sender) in senders.into_iter().enumerate() {
                let lane = Lane { index: c, batches, connections: n, spec, pool: pool.clone(), shared: shared.clone() };
                tasks.spawn(http_connection(lane, sender));
            }
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// One connection's share of a step: batches `index`, `index + connections`, …
struct Lane {
    index: usize,
    batches: usize,
    connections: usize,
    spec: StepSpec,
    pool: Arc<Pool>,
    shared: Arc<Shared>,
}

async fn http_connection(lane: Lane, sender: HttpSender) {
    let Lane { index: c, batches, connections, spec, pool, shared } = lane;
    let cutoff = cutoff(&shared, &spec, batches);
    for k in (c..batches).step_by(connections) {
        let due = due(&spec, k);
        // One connection asks for what is owed while the next batch is not yet due.
        while c == 0 && Instant::now() + COLLECT_EVERY < shared.epoch + due && !shared.stopped() {
            tokio::time::sleep(COLLECT_EVERY).await;
            if shared.ledger.outstanding() > 0 {
                match sender.collect().await {
                    Ok(reply) => shared.take(reply),
                    Err(failure) => shared.failed(&failure),
                }
            }
        }
        tokio::time::sleep_until((shared.epoch + due).into()).await;
        if !shared.may_send(k, batches, connections, cutoff) {
            break;
        }
        let sets = shared.batch(&pool, &spec, k, due);
        match sender.send(&sets).await {
            Ok(reply) => shared.take(reply),
            Err(failure) => shared.failed(&failure),
        }
    }
    let until = Instant::now() + spec.grace;
    while shared.ledger.outstanding() > 0 && Instant::now() < until && !shared.stopped() {
        tokio::time::sleep(COLLECT_EVERY).await;
        match tokio::time::timeout_at(until.into(), sender.collect()).await {
            Ok(Ok(reply)) => shared.take(reply),
            Ok(Err(failure)) => shared.failed(&failure),
            // The grace is over: what is still owed is lost, not a failed request.
            Err(_) => break,
        }
    }
}

async fn ws_connection(lane: Lane, mut sender: ws::WsSender, mut answers: ws::WsAnswers) {
    let Lane { index: c, batches, connections, spec, pool, shared } = lane;
    let reader = {
        let shared = shared.clone();
        tokio::spawn(async move {
            while let Some(answer) = answers.next().await {
                match answer {
                    Ok(reply) => shared.take(reply),
                    Err(failure) => shared.failed(&failure),
                }
            }
        })
    };
    let cutoff = cutoff(&shared, &spec, batches);
    for k in (c..batches).step_by(connections) {
        let due = due(&spec, k);
        while c == 0 && Instant::now() + COLLECT_EVERY < shared.epoch + due && !shared.stopped() {
            tokio::time::sleep(COLLECT_EVERY).await;
            if shared.ledger.outstanding() > 0
                && let Err(failure) = sender.collect().await
            {
                shared.failed(&failure);
                break;
            }
        }
        tokio::time::sleep_until((shared.epoch + due).into()).await;
        if !shared.may_send(k, batches, connections, cutoff) {
            break;
        }
        let sets = shared.batch(&pool, &spec, k, due);
        // A SUT that stops reading holds a send once the socket's buffers are full.
        let sent = tokio::time::timeout_at(cutoff.into(), sender.send(&sets)).await.unwrap_or(Err(Failure::Timeout));
        if let Err(failure) = sent {
            shared.failed(&failure);
            break;
        }
    }
    let until = Instant::now() + spec.grace;
    while shared.ledger.outstanding() > 0 && Instant::now() < until && !shared.stopped() && !reader.is_finished() {
        tokio::time::sleep(COLLECT_EVERY).await;
        match tokio::time::timeout_at(until.into(), sender.collect()).await {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => {
                shared.failed(&failure);
                break;
            }
            Err(_) => break,
        }
    }
    let _ = tokio::time::timeout(COLLECT_EVERY, sender.close()).await;
    reader.abort();
}
