//! The access token for the transmitter's management API: the client
//! credentials grant (RFC 6749 §4.4), the client authenticated with HTTP
//! Basic (`client_secret_basic`, RFC 6749 §2.3.1).

use super::calls;
use super::error::{SetupError, Step};
use super::registration::Registration;

/// Asks the token endpoint for an access token.
pub async fn fetch(client: &reqwest::Client, registration: &Registration) -> Result<String, SetupError> {
    // RFC 6749 §2.3.1: the id and secret are form-encoded before they go into Basic.
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let request = client
        .post(&registration.token_endpoint)
        .basic_auth(encode(&registration.client_id), Some(encode(&registration.client_secret)))
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials");
    let answer = calls::object(Step::Token, request).await?;
    // RFC 6749 §5.1: the token type is case-insensitive; only bearer tokens are used here.
    let bearer = answer.get("token_type").and_then(|t| t.as_str()).is_some_and(|t| t.eq_ignore_ascii_case("bearer"));
    if !bearer {
        return Err(SetupError::Malformed { step: Step::Token, field: "token_type" });
    }
    calls::text(&answer, Step::Token, "access_token")
}
