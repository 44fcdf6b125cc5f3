//! Starting communications toward a peer: one at a time per peer, on request
//! and on the retry timer, each over the binding the peer registered.

use crate::peers::Binding;
use crate::state::{App, Reason};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One communication toward the peer: over its WebSocket when it asked for
/// one (§7.1), else one request to its endpoint and the processing of the
/// answer. Communications with one peer never overlap, so SETs are not sent
/// twice at once.
pub fn initiate(app: Arc<App>, peer_id: String, reason: Reason) -> Initiation {
    // Boxed: a push retry timer starts a new initiation from inside one.
    Box::pin(async move {
        let gate = app.initiating(&peer_id);
        let _one_at_a_time = gate.lock().await;
        match app.peers.with_id(&peer_id, |p| p.endpoint.as_ref().map(|e| e.binding)).flatten() {
            Some(Binding::PushpullWebSocket) => crate::ws_initiator::deliver(&app, &peer_id, reason).await,
            Some(Binding::Push) => {
                for due in crate::push_transmitter::deliver(&app, &peer_id).await {
                    retry_at(app.clone(), peer_id.clone(), due);
                }
            }
            Some(Binding::MultiSetPush) => crate::msp_transmitter::deliver(&app, &peer_id, reason).await,
            Some(Binding::Pushpull) => crate::initiator::exchange(&app, &peer_id, reason).await,
            // A poll recipient sends nothing; its poll loop runs on its own.
            Some(Binding::Poll) | None => {}
        }
    })
}

/// A communication under way toward a peer.
pub type Initiation = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A retry on a timer of its own, so it keeps to its delay rather than to the retry tick.
fn retry_at(app: Arc<App>, peer_id: String, due: Instant) {
    tokio::spawn(async move {
        tokio::time::sleep_until(due.into()).await;
        initiate(app, peer_id, Reason::Retry).await;
    });
}

/// How often a timer-driven initiator ([`crate::Variant::TimerDriven`]) posts.
const TIMER_PERIOD: Duration = Duration::from_millis(200);

/// Whether the reference sends to this peer only on its own timer: the
/// timer-driven variant, toward a pushpull endpoint over HTTP.
pub fn timer_driven(app: &App, peer_id: &str) -> bool {
    app.variant == Some(crate::Variant::TimerDriven)
        && app.peers.with_id(peer_id, |p| p.endpoint.as_ref().map(|e| e.binding)).flatten() == Some(Binding::Pushpull)
}

/// Retries whatever is outstanding for the peer every `interval`, until the
/// reference stops or forgets the peer. A timer-driven initiator instead posts
/// every [`TIMER_PERIOD`] whatever it would send, or an empty Communication
/// Object (pushpull §6.1).
pub fn spawn_retry_loop(app: Arc<App>, peer_id: String, interval: Duration) {
    let timer = timer_driven(&app, &peer_id);
    let (interval, reason) = if timer { (TIMER_PERIOD, Reason::Asked) } else { (interval, Reason::Retry) };
    let mut stopped = app.stopped.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            tokio::select! {
                _ = ticks.tick() => {
                    // A forgotten peer (released) is sent nothing more.
                    if app.peers.with_id(&peer_id, |_| ()).is_none() {
                        break;
                    }
                    initiate(app.clone(), peer_id.clone(), reason).await
                }
                _ = stopped.changed() => break,
            }
        }
    });
}
