//! The harness's JWKS URL (SSF 1.0 §7.1 `jwks_uri`), one per scenario on a
//! loopback port. The SUT learns the harness's keys there, and comes back for
//! them when a SET names a key id it has not seen: the harness rotating its key
//! (SSF-SET-012). It answers on its own, over TLS with the harness's certificate,
//! and counts how often it was fetched. Like the endpoint's, its path starts with
//! a private segment, so that a fetch by a peer of an earlier scenario on the same
//! port is not counted.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::set::HarnessKeys;

pub struct KeyServer {
    /// The URL the SUT is given as the harness's `jwks_uri`.
    pub url: String,
    shared: Arc<Shared>,
    _stop: Option<watch::Sender<bool>>,
    /// On the stable listener: the route, removed when the server drops.
    _route: Option<super::router::RouteGuard>,
}

struct Shared {
    path: String,
    rotated: AtomicBool,
    fetches: AtomicUsize,
}

impl KeyServer {
    /// Listens on `listen` (port 0 for a free one); `public_base` is the base URL
    /// the SUT reaches the harness at, with `{port}` filled in.
    pub async fn start(
        listen: SocketAddr,
        public_base: Option<&str>,
        pki: &super::pki::HarnessPki,
    ) -> std::io::Result<KeyServer> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let path = format!("/{}/jwks.json", super::listener::private_segment());
        let shared =
            Arc::new(Shared { path: path.clone(), rotated: AtomicBool::new(false), fetches: AtomicUsize::new(0) });
        let router = Router::new().fallback(serve).with_state(shared.clone());
        let stop = super::listener::serve_tls(listener, pki, router)?;
        let url = super::listener::public_url(public_base, "https", addr, &path);
        Ok(KeyServer { url, shared, _stop: Some(stop), _route: None })
    }

    /// The key server as a route of the run's stable listener, under a private segment.
    pub fn routed(router: &super::router::StableRouter) -> KeyServer {
        Self::routed_at(router, &format!("/{}/jwks.json", super::listener::private_segment()))
    }

    /// The key server at `path` under the stable listener's base path (the
    /// run's fixed `jwks_uri` is `/jwks.json`).
    pub fn routed_at(router: &super::router::StableRouter, path: &str) -> KeyServer {
        let url = format!("{}{path}", router.base_url);
        let path = format!("{}{path}", router.base_path());
        let shared = Arc::new(Shared { path, rotated: AtomicBool::new(false), fetches: AtomicUsize::new(0) });
        let route = router.add(Arc::new(KeyRoute(shared.clone())));
        KeyServer { url, shared, _stop: None, _route: Some(route) }
    }

    /// From now on the URL also publishes the keys that replace the current ones.
    pub fn rotate(&self) {
        self.shared.rotated.store(true, Ordering::SeqCst);
    }

    /// How many times the SUT has fetched the key set so far.
    pub fn fetches(&self) -> usize {
        self.shared.fetches.load(Ordering::SeqCst)
    }
}

async fn serve(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    if uri.path() != shared.path {
        return (StatusCode::NOT_FOUND, "no key set at this path").into_response();
    }
    shared.fetches.fetch_add(1, Ordering::SeqCst);
    jwks_response(shared.rotated.load(Ordering::SeqCst))
}

/// The harness's keys, with the ones that replace them once `rotated`.
pub(crate) fn jwks_response(rotated: bool) -> Response {
    let keys = HarnessKeys::get();
    let set = if rotated { keys.rotated_jwks() } else { keys.jwks() };
    let body = serde_json::to_vec(set).unwrap_or_default();
    // No caching: a SUT that sees an unknown kid must be able to get the new set at once.
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], body).into_response()
}

/// A key server's path on the stable listener.
struct KeyRoute(Arc<Shared>);

impl super::router::Route for KeyRoute {
    fn claims(&self, path: &str) -> bool {
        path == self.0.path
    }

    fn serve(
        &self,
        request: axum::extract::Request,
        _bare: bool,
    ) -> futures_util::future::BoxFuture<'static, Response> {
        Box::pin(serve(State(self.0.clone()), request.uri().clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::pki::HarnessPki;
    use jsonwebtoken::jwk::JwkSet;

    fn client(pki: &HarnessPki) -> reqwest::Client {
        let ca = reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap();
        reqwest::Client::builder().tls_certs_merge([ca]).no_proxy().build().unwrap()
    }

    async fn fetch(pki: &HarnessPki, url: &str) -> JwkSet {
        client(pki).get(url).send().await.unwrap().json().await.unwrap()
    }

    #[tokio::test]
    async fn publishes_the_next_keys_only_after_a_rotation_and_counts_fetches() {
        let pki = HarnessPki::generate().unwrap();
        let server = KeyServer::start("127.0.0.1:0".parse().unwrap(), None, &pki).await.unwrap();
        assert!(server.url.starts_with("https://127.0.0.1:"), "{}", server.url);
        let before = fetch(&pki, &server.url).await;
        assert!(before.find("setconform-es256").is_some() && before.find("setconform-es256-next").is_none());
        server.rotate();
        let after = fetch(&pki, &server.url).await;
        assert!(after.find("setconform-es256").is_some() && after.find("setconform-es256-next").is_some());
        assert_eq!(server.fetches(), 2);
    }

    #[tokio::test]
    async fn a_fetch_outside_its_private_path_is_refused_and_not_counted() {
        let pki = HarnessPki::generate().unwrap();
        let server = KeyServer::start("127.0.0.1:0".parse().unwrap(), None, &pki).await.unwrap();
        let origin = server.url.split('/').take(3).collect::<Vec<_>>().join("/");
        let stray = client(&pki).get(format!("{origin}/jwks.json")).send().await.unwrap();
        assert_eq!(stray.status(), 404);
        assert_eq!(server.fetches(), 0);
    }
}
