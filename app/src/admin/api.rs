//! Server functions of user, role and audit administration. Each gets the
//! actor and calls one domain service, which checks the permission.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::{
    AuditEventView, AuditQuery, Created, PageView, PermissionView, RoleChoice, RoleDetail,
    RoleInput, RoleView, UserInput, UserSummary,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use tandem_domain::access::{audit, roles, users};

#[cfg(feature = "ssr")]
use crate::ssr::signed_in;

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::{
        access::{audit, roles, users, Permission},
        parse::Form,
    };

    use super::*;
    use crate::admin::types::HolderView;

    pub fn user(u: users::UserInfo) -> UserSummary {
        UserSummary {
            id: u.id,
            email: u.email,
            name: u.name,
            active: u.active,
            locked: u.locked_until.is_some(),
            roles: u.roles,
            last_login_at: u.last_login_at.map(|t| t.to_rfc3339()),
            created_at: u.created_at.to_rfc3339(),
        }
    }

    /// The users list's filter, 25 a page.
    pub fn user_filter(
        search: Option<String>,
        role_id: Option<i64>,
        active: Option<bool>,
        page: u64,
    ) -> users::UserFilter {
        users::UserFilter {
            search,
            role_id,
            active,
            page,
            per_page: 25,
        }
    }

    pub fn new_user(input: UserInput) -> users::NewUser {
        users::NewUser {
            email: input.email,
            name: input.name,
            password: input.password,
            role_ids: input.role_ids,
        }
    }

    pub fn user_patch(input: UserInput) -> users::UserPatch {
        users::UserPatch {
            email: input.email,
            name: input.name,
            role_ids: input.role_ids,
        }
    }

    pub fn created(id: i64, generated_password: Option<String>) -> Created {
        Created {
            id,
            generated_password,
        }
    }

    pub fn role_choice(offer: roles::Offer<(i64, String)>) -> RoleChoice {
        RoleChoice {
            id: offer.choice.0,
            name: offer.choice.1,
            withheld: offer.withheld,
        }
    }

    pub fn role(r: roles::RoleSummary) -> RoleView {
        RoleView {
            id: r.id,
            name: r.name,
            description: r.description,
            builtin: r.builtin,
            permissions: r.permissions.iter().map(|p| p.code().to_owned()).collect(),
            user_count: r.user_count,
        }
    }

    pub fn role_detail(
        (role, holders): (roles::RoleSummary, Vec<roles::RoleHolder>),
    ) -> RoleDetail {
        RoleDetail {
            role: self::role(role),
            holders: holders
                .into_iter()
                .map(|h| HolderView {
                    id: h.id,
                    name: h.name,
                    email: h.email,
                    active: h.active,
                })
                .collect(),
        }
    }

    pub fn role_input(input: RoleInput) -> roles::RoleInput {
        roles::RoleInput {
            name: input.name,
            description: input.description,
        }
    }

    pub fn permission_offer(offer: roles::Offer<Permission>) -> PermissionView {
        PermissionView {
            code: offer.choice.code().to_owned(),
            area: offer.choice.area().key().to_owned(),
            description_en: offer.choice.description_en().to_owned(),
            description_zh: offer.choice.description_zh().to_owned(),
            withheld: offer.withheld,
        }
    }

    pub fn event(e: tandem_domain::entities::audit_events::Model) -> AuditEventView {
        AuditEventView {
            id: e.id,
            occurred_at: e.occurred_at.to_rfc3339(),
            actor: e.actor_label,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: e.before_json,
            after: e.after_json,
            client_addr: e.client_addr,
        }
    }

    /// The audit log's filter, 50 a page; the days must read YYYY-MM-DD
    /// (`until` includes its day).
    pub fn audit_filter(query: AuditQuery) -> Result<audit::AuditFilter, AppError> {
        let mut read = Form::new();
        let from = read.date("from", query.from.as_deref().unwrap_or_default());
        let until = read.date("until", query.until.as_deref().unwrap_or_default());
        read.finish(())?;
        let midnight = |day: chrono::NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
        Ok(audit::AuditFilter {
            actor: query.actor,
            entity: query.entity,
            action: query.action,
            from: from.map(midnight),
            until: until.map(|day| midnight(day.succ_opt().unwrap_or(day))),
            page: query.page,
            per_page: 50,
        })
    }
}

crate::authz!("/api/admin/users/list", Needs(AdminUsers), FORM, "page=1");
/// Users matching a filter, a page at a time.
#[server(endpoint = "admin/users/list")]
pub async fn list_users(
    search: Option<String>,
    role_id: Option<i64>,
    active: Option<bool>,
    page: u64,
) -> Result<PageView<UserSummary>, AppError> {
    let state = crate::ssr::state()?;
    let filter = convert::user_filter(search, role_id, active, page);
    let found = users::list(&state.db, &signed_in()?, &filter).await?;
    Ok(PageView::from_page(found, convert::user))
}

crate::authz!("/api/admin/users/get", Needs(AdminUsers), FORM, "id=999999");
/// One user.
#[server(endpoint = "admin/users/get")]
pub async fn get_user(id: i64) -> Result<UserSummary, AppError> {
    let state = crate::ssr::state()?;
    let user = users::get(&state.db, &signed_in()?, id).await?;
    Ok(convert::user(user))
}

crate::authz!(
    "/api/admin/users/create",
    Needs(AdminUsers),
    JSON,
    r#"{"input":{"email":"not-an-email","name":"","password":null,"role_ids":[]}}"#,
);
/// Creates a user; an empty password is generated and returned once.
#[server(endpoint = "admin/users/create", input = Json)]
pub async fn create_user(input: UserInput) -> Result<Created, AppError> {
    let state = crate::ssr::state()?;
    let new = convert::new_user(input);
    let (id, generated) = users::create(&state.db, &signed_in()?, &new).await?;
    Ok(convert::created(id, generated))
}

crate::authz!(
    "/api/admin/users/update",
    Needs(AdminUsers),
    JSON,
    r#"{"id":999999,"input":{"email":"x@example.com","name":"X","password":null,"role_ids":[]}}"#,
);
/// Edits a user's email, name and roles.
#[server(endpoint = "admin/users/update", input = Json)]
pub async fn update_user(id: i64, input: UserInput) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let patch = convert::user_patch(input);
    Ok(users::update(&state.db, &signed_in()?, id, &patch).await?)
}

crate::authz!(
    "/api/admin/users/set_active",
    Needs(AdminUsers),
    JSON,
    r#"{"id":999999,"active":false}"#,
);
/// Deactivates or reactivates a user.
#[server(endpoint = "admin/users/set_active", input = Json)]
pub async fn set_user_active(id: i64, active: bool) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(users::set_active(&state.db, &signed_in()?, id, active).await?)
}

crate::authz!(
    "/api/admin/users/reset_password",
    Needs(AdminUsers),
    JSON,
    r#"{"id":999999,"password":null}"#,
);
/// Resets a user's password (generated when empty, returned once).
#[server(endpoint = "admin/users/reset_password", input = Json)]
pub async fn reset_user_password(id: i64, password: Option<String>) -> Result<Created, AppError> {
    let state = crate::ssr::state()?;
    let generated = users::reset_password(&state.db, &signed_in()?, id, password).await?;
    Ok(convert::created(id, generated))
}

crate::authz!("/api/admin/users/role_choices", Needs(AdminUsers), FORM, "");
/// The roles a user's form offers (`user_id` `None` for a new user), each with why the signed-in
/// user may not change it, if so.
#[server(endpoint = "admin/users/role_choices")]
pub async fn role_choices(user_id: Option<i64>) -> Result<Vec<RoleChoice>, AppError> {
    let state = crate::ssr::state()?;
    let offers = roles::role_offers(&state.db, &signed_in()?, user_id).await?;
    Ok(offers.into_iter().map(convert::role_choice).collect())
}

crate::authz!(
    "/api/admin/roles/list",
    AnyOf(&[AdminRoles, AdminUsers]),
    FORM,
    ""
);
/// Every role.
#[server(endpoint = "admin/roles/list")]
pub async fn list_roles() -> Result<Vec<RoleView>, AppError> {
    let state = crate::ssr::state()?;
    let found = roles::list_roles(&state.db, &signed_in()?).await?;
    Ok(found.into_iter().map(convert::role).collect())
}

crate::authz!("/api/admin/roles/get", Needs(AdminRoles), FORM, "id=999999");
/// One role with its holders.
#[server(endpoint = "admin/roles/get")]
pub async fn get_role(id: i64) -> Result<RoleDetail, AppError> {
    let state = crate::ssr::state()?;
    let found = roles::get_role(&state.db, &signed_in()?, id).await?;
    Ok(convert::role_detail(found))
}

crate::authz!(
    "/api/admin/roles/create",
    Needs(AdminRoles),
    JSON,
    r#"{"input":{"name":"","description":""},"permissions":[]}"#,
);
/// Creates a role with permissions.
#[server(endpoint = "admin/roles/create", input = Json)]
pub async fn create_role(input: RoleInput, permissions: Vec<String>) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let permissions = roles::parse_permissions(&permissions)?;
    let input = convert::role_input(input);
    Ok(roles::create_role(&state.db, &signed_in()?, &input, &permissions).await?)
}

crate::authz!(
    "/api/admin/roles/update",
    Needs(AdminRoles),
    JSON,
    r#"{"id":999999,"input":{"name":"X","description":""}}"#,
);
/// Renames a role.
#[server(endpoint = "admin/roles/update", input = Json)]
pub async fn update_role(id: i64, input: RoleInput) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let input = convert::role_input(input);
    Ok(roles::update_role(&state.db, &signed_in()?, id, &input).await?)
}

crate::authz!(
    "/api/admin/roles/set_permissions",
    Needs(AdminRoles),
    JSON,
    r#"{"id":999999,"permissions":[]}"#,
);
/// Replaces a role's permissions.
#[server(endpoint = "admin/roles/set_permissions", input = Json)]
pub async fn set_role_permissions(id: i64, permissions: Vec<String>) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let permissions = roles::parse_permissions(&permissions)?;
    Ok(roles::set_role_permissions(&state.db, &signed_in()?, id, &permissions).await?)
}

crate::authz!(
    "/api/admin/roles/delete",
    Needs(AdminRoles),
    JSON,
    r#"{"id":999999}"#
);
/// Deletes a role.
#[server(endpoint = "admin/roles/delete", input = Json)]
pub async fn delete_role(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(roles::delete_role(&state.db, &signed_in()?, id).await?)
}

crate::authz!("/api/admin/permissions", Needs(AdminRoles), FORM, "");
/// The permission catalogue as a role's matrix offers it (`role_id` `None` for a new role), each
/// with why the signed-in user may not change it, if so.
#[server(endpoint = "admin/permissions")]
pub async fn permission_catalogue(role_id: Option<i64>) -> Result<Vec<PermissionView>, AppError> {
    let state = crate::ssr::state()?;
    let offers = roles::permission_offers(&state.db, &signed_in()?, role_id).await?;
    Ok(offers.into_iter().map(convert::permission_offer).collect())
}

crate::authz!("/api/admin/audit/record_types", Needs(AdminAudit), FORM, "");
/// The kinds of record the audit log can be filtered by, in order.
#[server(endpoint = "admin/audit/record_types")]
pub async fn audit_record_types() -> Result<Vec<String>, AppError> {
    let kinds = audit::record_types(&signed_in()?)?;
    Ok(kinds.iter().map(|kind| (*kind).to_owned()).collect())
}

crate::authz!(
    "/api/admin/audit",
    Needs(AdminAudit),
    JSON,
    r#"{"query":{"actor":null,"entity":null,"action":null,"from":null,"until":null,"page":1}}"#,
);
/// The audit log.
#[server(endpoint = "admin/audit", input = Json)]
pub async fn list_audit(query: AuditQuery) -> Result<PageView<AuditEventView>, AppError> {
    let state = crate::ssr::state()?;
    let filter = convert::audit_filter(query)?;
    let found = audit::list(&state.db, &signed_in()?, &filter).await?;
    Ok(PageView::from_page(found, convert::event))
}
