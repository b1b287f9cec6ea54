//! The one authorization path. Every service asks here before it reads or
//! writes protected data; the server denies by default.

use std::collections::BTreeSet;

use super::{Actor, Permission};
use crate::{messages, Error};

/// Requires the actor to hold `permission` ([`Error::Forbidden`] if not).
///
/// Services take a signed-in [`Actor`]; an anonymous request is refused
/// ([`Error::Unauthenticated`]) at the edge, before a service is called.
/// The few things anyone may do (the public support form, a rating,
/// signing in) are functions of their own that take no actor.
pub fn require(actor: &Actor, permission: Permission) -> Result<&Actor, Error> {
    if actor.has(permission) {
        Ok(actor)
    } else {
        Err(Error::Forbidden)
    }
}

/// Requires the actor to hold at least one of `permissions`.
pub fn require_any<'a>(actor: &'a Actor, permissions: &[Permission]) -> Result<&'a Actor, Error> {
    if permissions.iter().any(|p| actor.has(*p)) {
        Ok(actor)
    } else {
        Err(Error::Forbidden)
    }
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
pub fn scope(actor: &Actor, read: Permission, read_all: Permission) -> Result<Scope, Error> {
    if actor.has(read_all) {
        Ok(Scope::All)
    } else if actor.has(read) {
        Ok(Scope::Own(actor.user_id))
    } else {
        Err(Error::Forbidden)
    }
}

/// What a change to access is about, for [`may_grant`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantSubject {
    /// A role: created, renamed, given permissions or deleted.
    Role,
    /// A user: created, edited, given roles, deactivated or given a password.
    User,
    /// An API token acting as its owner.
    Token,
}

/// A change to who may do what, as the grant rule sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// What is changed.
    pub subject: GrantSubject,
    /// The permissions the role, the user or the token's owner holds before
    /// the change (none for a new role or user).
    pub before: BTreeSet<Permission>,
    /// The permissions the role, the user or the token holds after the
    /// change (none for a deleted role).
    pub after: BTreeSet<Permission>,
    /// Whether the change alters the actor's own access: their own roles,
    /// or a role they hold.
    pub own: bool,
}

/// The grant rule, given what the actor holds right now: nobody changes
/// their own roles or a role they hold; nobody administers a role or a user
/// holding a permission they lack; nobody grants a permission they lack.
/// A refusal is a form-level validation error saying which rule applies.
pub fn may_grant(held: &BTreeSet<Permission>, grant: &Grant) -> Result<(), Error> {
    use GrantSubject::{Role, Token, User};
    let message = if grant.own {
        match grant.subject {
            Role => messages::OWN_ROLE,
            User | Token => messages::OWN_ROLES,
        }
    } else if !grant.before.is_subset(held) {
        match grant.subject {
            Role => messages::ROLE_BEYOND_OWN,
            User | Token => messages::USER_BEYOND_OWN,
        }
    } else if !grant.after.is_subset(held) {
        messages::GRANT_BEYOND_OWN
    } else {
        return Ok(());
    };
    Err(Error::field("form", message))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::access::RequestMeta;

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
    fn require_is_a_table_of_lacking_and_holding() {
        use Permission::{AdminUsers, CustomersRead};
        let holder = actor(&[CustomersRead]);
        let cases: [(Permission, Result<(), Error>); 2] =
            [(CustomersRead, Ok(())), (AdminUsers, Err(Error::Forbidden))];
        for (permission, expected) in cases {
            let got = require(&holder, permission).map(|_| ());
            assert_eq!(format!("{got:?}"), format!("{expected:?}"), "{permission}");
        }
    }

    #[test]
    fn may_grant_is_a_table_of_own_beyond_and_within() {
        use GrantSubject::{Role, Token, User};
        use Permission::{AdminRoles, AdminUsers, CustomersRead};
        let set = |p: &[Permission]| p.iter().copied().collect::<BTreeSet<_>>();
        let held = set(&[AdminUsers, AdminRoles]);
        let refused = |m: &str| -> Result<(), Error> { Err(Error::field("form", m)) };
        // (subject, before, after, own, outcome)
        type Case = (
            GrantSubject,
            &'static [Permission],
            &'static [Permission],
            bool,
            Result<(), Error>,
        );
        let cases: [Case; 11] = [
            (Role, &[], &[AdminUsers], false, Ok(())),
            (Role, &[AdminUsers], &[], false, Ok(())),
            (
                Role,
                &[],
                &[CustomersRead],
                false,
                refused(messages::GRANT_BEYOND_OWN),
            ),
            (
                Role,
                &[CustomersRead],
                &[],
                false,
                refused(messages::ROLE_BEYOND_OWN),
            ),
            (Role, &[], &[AdminUsers], true, refused(messages::OWN_ROLE)),
            (User, &[], &[AdminUsers, AdminRoles], false, Ok(())),
            (
                User,
                &[],
                &[AdminUsers, CustomersRead],
                false,
                refused(messages::GRANT_BEYOND_OWN),
            ),
            (
                User,
                &[CustomersRead],
                &[],
                false,
                refused(messages::USER_BEYOND_OWN),
            ),
            (
                User,
                &[AdminUsers],
                &[AdminUsers, AdminRoles],
                true,
                refused(messages::OWN_ROLES),
            ),
            (Token, &[AdminUsers], &[AdminUsers], false, Ok(())),
            (
                Token,
                &[CustomersRead],
                &[],
                false,
                refused(messages::USER_BEYOND_OWN),
            ),
        ];
        for (subject, before, after, own, expected) in cases {
            let grant = Grant {
                subject,
                before: set(before),
                after: set(after),
                own,
            };
            assert_eq!(may_grant(&held, &grant), expected, "{grant:?}");
        }
    }

    #[test]
    fn scope_is_all_with_read_all_own_with_read_and_refused_without() {
        use Permission::{CustomersRead, CustomersReadAll};
        let all = actor(&[CustomersRead, CustomersReadAll]);
        let own = actor(&[CustomersRead]);
        let none = actor(&[]);
        assert_eq!(
            scope(&all, CustomersRead, CustomersReadAll).ok(),
            Some(Scope::All)
        );
        assert_eq!(
            scope(&own, CustomersRead, CustomersReadAll).ok(),
            Some(Scope::Own(7))
        );
        assert!(matches!(
            scope(&none, CustomersRead, CustomersReadAll),
            Err(Error::Forbidden)
        ));
    }
}
