//! Following a peer's key rotation (SSF 1.0 §4.1.4, §7.1): the keys that verify
//! a peer's SETs come from its `jwks_uri`. When a SET names a key id the
//! reference does not hold, it fetches that URL again, once per key id, before
//! it validates the SET.

use crate::fault::Fault;
use crate::peers::Peer;
use crate::state::App;
use jsonwebtoken::jwk::JwkSet;
use serde_json::{Map, Value};
use std::time::Duration;

/// Longest a key set fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(2);
/// Largest key set the reference reads.
const MAX_JWKS: usize = 64 * 1024;

/// Which peer: by the bearer token it presents, or by its id.
pub enum Who<'a> {
    Token(&'a str),
    Id(&'a str),
}

/// Makes sure the peer's keys include every key id that `tokens` name, as far
/// as its `jwks_uri` publishes them.
pub async fn learn_keys<'t>(app: &App, who: Who<'_>, tokens: impl IntoIterator<Item = &'t str>) {
    if app.fault == Some(Fault::NoJwksRefetch) {
        return;
    }
    let kids: Vec<String> = tokens.into_iter().filter_map(crate::jose::kid_of).collect();
    if kids.is_empty() {
        return;
    }
    let Some((uri, client)) = with_peer(app, &who, |p| to_look_up(p, &kids)).flatten() else { return };
    if let Some(keys) = fetch(&client, &uri).await {
        with_peer(app, &who, |p| std::sync::Arc::make_mut(&mut p.trust).peer_jwks = keys);
    }
}

/// The URL and client to fetch with, when some key id is new and not yet looked up.
fn to_look_up(peer: &mut Peer, kids: &[String]) -> Option<(String, reqwest::Client)> {
    let known = &peer.trust.peer_jwks;
    let source = peer.key_source.as_mut()?;
    let new: Vec<&String> = kids.iter().filter(|k| known.find(k).is_none() && !source.looked_up.contains(*k)).collect();
    if new.is_empty() {
        return None;
    }
    source.looked_up.extend(new.into_iter().cloned());
    Some((source.uri.clone(), source.client.clone()))
}

async fn fetch(client: &reqwest::Client, uri: &str) -> Option<JwkSet> {
    match crate::bounded::json(client.get(uri), MAX_JWKS, FETCH_TIMEOUT).await? {
        (200..=299, keys) => serde_json::from_value(keys).ok(),
        _ => None,
    }
}

/// The SETs in the `sets` member of a Communication Object or poll answer.
pub fn set_tokens(object: &Map<String, Value>) -> impl Iterator<Item = &str> {
    object.get("sets").and_then(Value::as_object).into_iter().flat_map(|sets| sets.values().filter_map(Value::as_str))
}

fn with_peer<R>(app: &App, who: &Who<'_>, f: impl FnOnce(&mut Peer) -> R) -> Option<R> {
    match who {
        Who::Token(token) => app.peers.with_token(token, f),
        Who::Id(id) => app.peers.with_id(id, f),
    }
}
