//! What crosses the wire about the signed-in user.

use serde::{Deserialize, Serialize};

/// The signed-in user as the UI needs them: who, and which permission codes
/// they hold (computed on the server by the domain's policy each request).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeView {
    /// The user's id.
    pub user_id: i64,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Held permission codes.
    pub permissions: Vec<String>,
}

impl MeView {
    /// Whether the user holds the permission with this code.
    pub fn can(&self, code: &str) -> bool {
        self.permissions.iter().any(|p| p == code)
    }
}

#[cfg(feature = "ssr")]
impl From<&tandem_domain::access::Actor> for MeView {
    fn from(actor: &tandem_domain::access::Actor) -> Self {
        Self {
            user_id: actor.user_id,
            name: actor.name.clone(),
            email: actor.email.clone(),
            permissions: actor
                .permissions
                .iter()
                .map(|p| p.code().to_owned())
                .collect(),
        }
    }
}

/// The longest redirect target followed; a longer one goes to `/`.
const MAX_TARGET: usize = 2048;
/// Rounds of percent-decoding checked; a target still encoded after them
/// is refused.
const MAX_DECODES: usize = 4;

/// Where to go after signing in, or after anything else that redirects to
/// a target the request names: the target when it is a path on this site
/// ([`is_local_path`]), `/` otherwise. Every such redirect goes through
/// here, on the server and in the browser alike.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(target) if is_local_path(target) => target.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Whether a browser can only read `target` as a path on this site: it
/// starts with a single `/`; it has no whitespace or backslash; its path
/// has no control character, whitespace, backslash, `//` or `@`, and its
/// query and fragment no control character or backslash, both as written
/// and after every round of percent-decoding (so `%2F%2F`, `%5C`, `%09`
/// and `%2509` are refused alike). A path-absolute reference that passes
/// this cannot name another host: browsers only strip tabs, newlines and
/// leading controls or spaces, and read a host only where a second `/` or
/// a `\` follows the first `/`.
pub fn is_local_path(target: &str) -> bool {
    if target.len() > MAX_TARGET
        || !target.starts_with('/')
        || target.chars().any(|c| c.is_whitespace() || c == '\\')
    {
        return false;
    }
    let (path, rest) = target.split_at(target.find(['?', '#']).unwrap_or(target.len()));
    every_decoding(path, path_is_plain) && every_decoding(rest, query_is_plain)
}

fn path_is_plain(path: &str) -> bool {
    path.starts_with('/')
        && !path.contains("//")
        && !path.contains('@')
        && !path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

fn query_is_plain(rest: &str) -> bool {
    !rest.chars().any(|c| c.is_control() || c == '\\')
}

/// Whether `check` holds for `text` and for each percent-decoding of it,
/// until decoding changes nothing more.
fn every_decoding(text: &str, check: fn(&str) -> bool) -> bool {
    let mut layer = text.to_owned();
    for _ in 0..=MAX_DECODES {
        if !check(&layer) {
            return false;
        }
        let decoded = percent_decode(&layer);
        if decoded == layer {
            return true;
        }
        layer = decoded;
    }
    false
}

/// One round of percent-decoding; a `%` not followed by two hex digits
/// stays as it is, and bytes that are not UTF-8 become U+FFFD.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |at: usize| {
        bytes
            .get(at)
            .and_then(|b| char::from(*b).to_digit(16))
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match (byte, hex(at + 1), hex(at + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(high * 16 + low);
                at += 3;
            }
            _ => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{is_local_path, safe_next};

    /// Targets that name another site, hide one, or cannot be a plain path
    /// on this one: each must end at `/`.
    const HOSTILE: &[&str] = &[
        "//evil.example/",
        "///evil.example",
        "////evil.example",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
        "",
        " /customers",
        "/\\evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r/evil.example",
        "/\0/evil.example",
        "/ /evil.example",
        "/\u{a0}/evil.example",
        "/\u{3000}/evil.example",
        "/\u{85}/evil.example",
        "/\u{7f}/evil.example",
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0D%0A/evil.example",
        "/%00/evil.example",
        "/%20/evil.example",
        "/%2f/evil.example",
        "/%2F%2Fevil.example",
        "%2F%2Fevil.example",
        "/%5cevil.example",
        "/%5C%5Cevil.example",
        "/%2509/evil.example",
        "/%252F/evil.example",
        "/%25252F%25252Fevil.example",
        "/%2525252525252F/evil.example",
        "/a%3F%2F%2Fevil.example",
        "/@evil.example",
        "/user@evil.example/",
        "/%40evil.example",
        "/customers//evil.example",
        "/customers?q=%09",
        "/customers?q=%00",
        "/customers?q=%5c",
        "/customers#\\evil",
        "/customers?q=a b",
        "/\u{1b}[31m",
    ];

    /// Paths on this site: followed as they are.
    const LOCAL: &[&str] = &[
        "/",
        "/customers?page=2",
        "/orders/5#x",
        "/admin/users?page=2",
        "/customers?q=acme%20ltd",
        "/customers?q=ann@example.com",
        "/customers?q=%E4%B8%8A%E6%B5%B7",
        "/customers?q=100%25",
        "/reports?from=2026-01-01&to=2026-12-31",
        "/help?q=http://example.com",
        "/orders?q=50%",
    ];

    #[test]
    fn hostile_targets_end_at_the_home_page() {
        assert!(HOSTILE.len() >= 30);
        for target in HOSTILE {
            assert_eq!(safe_next(Some(target)), "/", "{target:?}");
        }
        assert_eq!(safe_next(None), "/");
        let long = format!("/{}", "a".repeat(5000));
        assert_eq!(safe_next(Some(&long)), "/");
    }

    #[test]
    fn local_paths_are_followed_unchanged() {
        for target in LOCAL {
            assert!(is_local_path(target), "{target:?}");
            assert_eq!(safe_next(Some(target)), *target);
        }
    }
}
