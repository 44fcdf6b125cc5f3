//! What a stream's status does to its SETs (SSF §8.1.2.1, SSF-STAT-003):
//! `enabled` sends them, `paused` holds them until it is enabled again,
//! `disabled` sends and keeps nothing.

use super::stream::{Status, Stream};
use crate::fault::Fault;
use crate::peers::Outgoing;
use crate::state::{App, Reason};
use std::sync::Arc;

/// What becomes of a SET on a stream in some status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Deliver,
    Hold,
    Drop,
}

fn fate(status: Status, fault: Option<Fault>) -> Fate {
    match (status, fault) {
        (Status::Enabled, _) => Fate::Deliver,
        (Status::Paused | Status::Disabled, Some(Fault::SsfPausedDelivers)) => Fate::Deliver,
        (Status::Paused, Some(Fault::SsfPausedDrops)) => Fate::Drop,
        (Status::Paused, _) => Fate::Hold,
        (Status::Disabled, Some(Fault::SsfDisabledHolds)) => Fate::Hold,
        (Status::Disabled, _) => Fate::Drop,
    }
}

/// SETs to hand to a stream's peer: its id, whether it is pushed to, and the SETs.
pub struct Release {
    peer: String,
    push: bool,
    sets: Vec<Outgoing>,
}

/// Queues `set` on the stream as its status says.
pub fn enqueue(app: &Arc<App>, stream_id: &str, set: Outgoing) {
    let fault = app.fault;
    let release = app.ssf.with_streams(|streams| {
        let stream = streams.iter_mut().find(|s| s.id == stream_id)?;
        match fate(stream.status, fault) {
            Fate::Deliver => Some(Release { peer: stream.peer.clone(), push: stream.is_push(), sets: vec![set] }),
            Fate::Hold => {
                stream.held.push(set);
                None
            }
            Fate::Drop => None,
        }
    });
    if let Some(release) = release {
        hand_over(app, release);
    }
}

/// Queues a verification event on the stream, remembered as one: a
/// receiver's refusal of it may pause the stream ([`super::refused`]).
pub fn enqueue_verification(app: &Arc<App>, stream_id: &str, set: Outgoing) {
    let jti = set.jti.clone();
    app.ssf.with_streams(|streams| {
        if let Some(stream) = streams.iter_mut().find(|s| s.id == stream_id) {
            stream.verifications.insert(jti);
        }
    });
    enqueue(app, stream_id, set);
}

/// Gives the SETs to the stream's peer and, for a push stream, starts delivering.
pub fn hand_over(app: &Arc<App>, release: Release) {
    let Release { peer, push, sets } = release;
    app.peers.with_id(&peer, |p| {
        p.outbox.extend(sets);
        // Wakes a poll held while there was nothing to return (RFC 8936 §2.5).
        p.arrivals.send_replace(());
    });
    if push {
        tokio::spawn(crate::delivery::initiate(app.clone(), peer, Reason::Asked));
    }
}

/// Sets the stream's status: SETs waiting to go out are held or dropped as
/// it now says, and held ones are released when it now delivers; what to
/// hand over then. Called with the streams locked; takes the peers' lock.
pub fn change_status(app: &App, stream: &mut Stream, status: Status, reason: Option<String>) -> Option<Release> {
    let fault = app.fault;
    let (before, after) = (fate(stream.status, fault), fate(status, fault));
    stream.status = status;
    stream.reason = reason;
    match after {
        Fate::Deliver if before != Fate::Deliver => {
            Some(Release { peer: stream.peer.clone(), push: stream.is_push(), sets: std::mem::take(&mut stream.held) })
        }
        Fate::Deliver => None,
        Fate::Hold => {
            let waiting = app.peers.with_id(&stream.peer, |p| std::mem::take(&mut p.outbox)).unwrap_or_default();
            stream.held.extend(waiting);
            None
        }
        Fate::Drop => {
            app.peers.with_id(&stream.peer, |p| p.outbox.clear());
            stream.held.clear();
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_delivers_holds_or_drops_as_the_faults_say() {
        assert_eq!(fate(Status::Enabled, None), Fate::Deliver);
        assert_eq!(fate(Status::Paused, None), Fate::Hold);
        assert_eq!(fate(Status::Disabled, None), Fate::Drop);
        assert_eq!(fate(Status::Paused, Some(Fault::SsfPausedDelivers)), Fate::Deliver);
        assert_eq!(fate(Status::Paused, Some(Fault::SsfPausedDrops)), Fate::Drop);
        assert_eq!(fate(Status::Disabled, Some(Fault::SsfDisabledHolds)), Fate::Hold);
    }
}
