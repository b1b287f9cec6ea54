//! The one authorization path. Every service asks here before it reads or
//! writes protected data; the server denies by default.

use super::{Actor, Permission};
use crate::Error;

/// Requires a signed-in actor holding `permission`.
///
/// Anonymous callers get [`Error::Unauthenticated`], signed-in callers
/// without the permission [`Error::Forbidden`].
pub fn require(actor: Option<&Actor>, permission: Permission) -> Result<&Actor, Error> {
    match actor {
        None => Err(Error::Unauthenticated),
        Some(actor) if actor.has(permission) => Ok(actor),
        Some(_) => Err(Error::Forbidden),
    }
}

/// Requires a signed-in actor holding at least one of `permissions`.
pub fn require_any<'a>(
    actor: Option<&'a Actor>,
    permissions: &[Permission],
) -> Result<&'a Actor, Error> {
    match actor {
        None => Err(Error::Unauthenticated),
        Some(actor) if permissions.iter().any(|p| actor.has(*p)) => Ok(actor),
        Some(_) => Err(Error::Forbidden),
    }
}

/// Requires a signed-in actor, whatever their permissions.
pub fn require_signed_in(actor: Option<&Actor>) -> Result<&Actor, Error> {
    actor.ok_or(Error::Unauthenticated)
}

/// Which records of an area an actor may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every record.
    All,
    /// Only records owned by this user.
    Own(i64),
}

/// The record scope for an area with a `read` and a `read_all` permission:
/// `read_all` sees everything, `read` only the actor's own records.
pub fn scope(
    actor: Option<&Actor>,
    read: Permission,
    read_all: Permission,
) -> Result<Scope, Error> {
    let actor = require_signed_in(actor)?;
    if actor.has(read_all) {
        Ok(Scope::All)
    } else if actor.has(read) {
        Ok(Scope::Own(actor.user_id))
    } else {
        Err(Error::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::auth::RequestMeta;

    fn actor(permissions: &[Permission]) -> Actor {
        Actor {
            user_id: 7,
            email: "a@example.com".into(),
            name: "A".into(),
            role_ids: vec![],
            permissions: permissions.iter().copied().collect::<BTreeSet<_>>(),
            meta: RequestMeta::default(),
        }
    }

    #[test]
    fn require_is_a_table_of_anonymous_lacking_and_holding() {
        use Permission::{AdminUsers, CustomersRead};
        let holder = actor(&[CustomersRead]);
        let cases: [(Option<&Actor>, Permission, Result<(), Error>); 4] = [
            (None, CustomersRead, Err(Error::Unauthenticated)),
            (Some(&holder), CustomersRead, Ok(())),
            (Some(&holder), AdminUsers, Err(Error::Forbidden)),
            (None, AdminUsers, Err(Error::Unauthenticated)),
        ];
        for (who, permission, expected) in cases {
            let got = require(who, permission).map(|_| ());
            assert_eq!(format!("{got:?}"), format!("{expected:?}"), "{permission}");
        }
    }

    #[test]
    fn scope_is_all_with_read_all_own_with_read_and_refused_without() {
        use Permission::{CustomersRead, CustomersReadAll};
        let all = actor(&[CustomersRead, CustomersReadAll]);
        let own = actor(&[CustomersRead]);
        let none = actor(&[]);
        assert_eq!(
            scope(Some(&all), CustomersRead, CustomersReadAll).ok(),
            Some(Scope::All)
        );
        assert_eq!(
            scope(Some(&own), CustomersRead, CustomersReadAll).ok(),
            Some(Scope::Own(7))
        );
        assert!(matches!(
            scope(Some(&none), CustomersRead, CustomersReadAll),
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            scope(None, CustomersRead, CustomersReadAll),
            Err(Error::Unauthenticated)
        ));
    }
}
