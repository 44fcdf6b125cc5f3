//! Reading the stream's status again after a stream-updated event (SSF §8.1.5,
//! SSF-STAT-006): the push and poll receivers mark it due while they judge
//! SETs, and call [`follow_up`] once they are done.

use super::stream;
use crate::state::App;
use std::sync::Arc;

/// After SETs of the peer were judged: reads the status again if a
/// stream-updated event asked for it (SSF §8.1.5), in the background.
pub fn follow_up(app: &Arc<App>, peer_id: &str) {
    let due = app.peers.with_id(peer_id, |p| {
        let ssf = p.ssf.as_mut().filter(|s| s.status_to_read)?;
        ssf.status_to_read = false;
        let endpoint = ssf.metadata.as_ref()?.status_endpoint.clone()?;
        Some((ssf.client.clone(), endpoint, ssf.access_token.clone()?, ssf.stream_id.clone()?))
    });
    let Some(Some((client, endpoint, token, stream_id))) = due else { return };
    let (app, peer_id) = (app.clone(), peer_id.to_owned());
    tokio::spawn(async move {
        if let Ok(status) = stream::read_status(&client, &endpoint, &token, &stream_id).await {
            app.peers.with_id(&peer_id, |p| p.ssf.as_mut().map(|s| s.status = Some(status)));
        }
    });
}
