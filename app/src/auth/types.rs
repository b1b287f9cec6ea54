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
impl From<&tandem_domain::auth::Actor> for MeView {
    fn from(actor: &tandem_domain::auth::Actor) -> Self {
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

/// Where to go after signing in: only paths on this site, never `//host`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/admin/users?page=2")),
            "/admin/users?page=2"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
