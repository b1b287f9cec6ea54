//! How amounts and times read on every page. Amounts arrive formatted in
//! the record's currency from the server; the UI only pairs them.

use leptos::prelude::*;

/// An amount and its currency as one text, `1,250.00 EUR`.
#[component]
pub fn Money(#[prop(into)] amount: String, #[prop(into)] currency: String) -> impl IntoView {
    format!("{amount} {currency}")
}

/// An RFC 3339 UTC time as `YYYY-MM-DD HH:MM UTC`.
pub fn short_time(rfc3339: &str) -> String {
    let date = rfc3339.get(..10).unwrap_or(rfc3339);
    let time = rfc3339.get(11..16).unwrap_or("");
    format!("{date} {time} UTC")
}

/// A moment (RFC 3339, UTC) as [`short_time`] writes it; nothing when
/// there is none.
#[component]
pub fn DateTime(#[prop(into)] at: Option<String>) -> impl IntoView {
    at.as_deref().map(short_time).unwrap_or_default()
}
