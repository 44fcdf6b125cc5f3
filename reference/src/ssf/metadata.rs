//! The transmitter configuration metadata (SSF §7.1), at the well-known URL
//! of SSF §7.2 (`/.well-known/ssf-configuration` inserted between the host
//! and the issuer's path), and the keys its SETs are signed with (`jwks_uri`).

use crate::fault::Fault;
use crate::keys;
use crate::state::App;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// `GET /.well-known/ssf-configuration/ssf` (SSF §7.2).
pub async fn inserted(State(app): State<Arc<App>>) -> Response {
    serve(&app, false)
}

/// `GET /ssf/.well-known/ssf-configuration`: where only the `ssf-metadata-appended-path` fault serves it.
pub async fn appended(State(app): State<Arc<App>>) -> Response {
    serve(&app, true)
}

/// `GET /ssf/jwks.json`: the reference's signing keys (SSF §7.1 `jwks_uri`).
pub async fn jwks() -> Response {
    axum::Json(&keys::keys().jwks).into_response()
}

fn serve(app: &App, appended: bool) -> Response {
    let fault = app.fault;
    // SSF §7.2 (SSF-DISC-001): the well-known path goes between host and path.
    if appended != (fault == Some(Fault::SsfMetadataAppendedPath)) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut document = Value::Object(document(app, fault));
    // SSF §7.2.3 (SSF-DISC-003): a JSON object, labelled application/json.
    if fault == Some(Fault::SsfMetadataNotObject) {
        document = json!([document]);
    }
    let content_type = if fault == Some(Fault::SsfMetadataTextPlain) { "text/plain" } else { "application/json" };
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], document.to_string()).into_response()
}

/// The metadata members (SSF §7.1), as the faults spoil them.
fn document(app: &App, fault: Option<Fault>) -> Map<String, Value> {
    let ssf = &app.ssf;
    let mut doc = Map::new();
    // CAEP interop §2.3.1 (SSF-IOP-001).
    if fault != Some(Fault::SsfMetadataNoSpecVersion) {
        doc.insert("spec_version".into(), json!("1_0"));
    }
    // SSF §7.1 (SSF-DISC-004): the issuer, exactly as the SETs name it.
    let issuer = match fault {
        Some(Fault::SsfMetadataIssuerMismatch) => format!("{}/", ssf.issuer()),
        _ => ssf.issuer(),
    };
    doc.insert("issuer".into(), json!(issuer));
    // SSF §7.1 (SSF-DISC-006): the reference signs its SETs, so it names its keys.
    if fault != Some(Fault::SsfMetadataNoJwksUri) {
        doc.insert("jwks_uri".into(), json!(ssf.url("/ssf/jwks.json")));
    }
    if fault != Some(Fault::SsfMetadataNoDeliveryMethods) {
        doc.insert("delivery_methods_supported".into(), json!([super::PUSH_METHOD, super::POLL_METHOD]));
    }
    // SSF §7.1 (SSF-DISC-008): every endpoint is https.
    let remove_subject = match fault {
        Some(Fault::SsfMetadataCleartextEndpoint) => ssf.url("/ssf/subjects/remove").replacen("https://", "http://", 1),
        _ => ssf.url("/ssf/subjects/remove"),
    };
    doc.insert("configuration_endpoint".into(), json!(ssf.url("/ssf/streams")));
    doc.insert("status_endpoint".into(), json!(ssf.url("/ssf/status")));
    doc.insert("add_subject_endpoint".into(), json!(ssf.url("/ssf/subjects/add")));
    doc.insert("remove_subject_endpoint".into(), json!(remove_subject));
    doc.insert("verification_endpoint".into(), json!(ssf.url("/ssf/verify")));
    // CAEP interop §2.3.7 (SSF-IOP-002): the OAuth 2.0 scheme.
    let scheme = match fault {
        Some(Fault::SsfMetadataNoOauthScheme) => "urn:ietf:rfc:6750",
        _ => "urn:ietf:rfc:6749",
    };
    doc.insert("authorization_schemes".into(), json!([{ "spec_urn": scheme }]));
    // SSF §7.1 (SSF-DISC-010): ALL or NONE.
    let default_subjects = if fault == Some(Fault::SsfMetadataBadDefaultSubjects) { "SOME" } else { "NONE" };
    doc.insert("default_subjects".into(), json!(default_subjects));
    // SSF §7.2.3 (SSF-DISC-009): members with no elements are left out.
    if fault == Some(Fault::SsfMetadataEmptyArray) {
        doc.insert("critical_subject_members".into(), json!([]));
    }
    doc
}
