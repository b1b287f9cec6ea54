//! What an endpoint receives: an event's JSON body, its signature, and the
//! secret it is signed with.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::entities::outbox;

pub(super) fn random_secret() -> String {
    let mut bytes = [0_u8; 24];
    OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("whsec_{hex}")
}

/// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the signature header.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    #[allow(clippy::expect_used)]
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let tag = mac.finalize().into_bytes();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!("v1={hex}")
}

/// The JSON an endpoint receives for an outbox event.
pub fn body(event: &outbox::Model) -> String {
    let data: Value = serde_json::from_str(&event.payload).unwrap_or(Value::Null);
    json!({
        "id": event.id,
        "type": event.event_type,
        "created_at": event.created_at.to_rfc3339(),
        "aggregate": { "type": event.aggregate, "id": event.aggregate_id },
        "data": data,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_depends_on_secret_time_and_body() {
        let a = sign("s1", 100, "{}");
        assert!(a.starts_with("v1=") && a.len() == 3 + 64);
        assert_ne!(a, sign("s2", 100, "{}"));
        assert_ne!(a, sign("s1", 101, "{}"));
        assert_ne!(a, sign("s1", 100, "{ }"));
        assert_eq!(a, sign("s1", 100, "{}"));
    }
}
