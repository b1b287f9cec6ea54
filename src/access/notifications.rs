//! In-app notifications to one user: an invoice went overdue, stock ran
//! low. The domain writes them in the transaction of what caused them;
//! the bell in the top bar counts the unread ones and the notification
//! centre lists them with links to their records. A notification about
//! a record its reader can no longer open (a ticket since given to someone
//! else, a permission since taken away) keeps its kind and time but loses
//! its words and link, by the scope of the record's own area.

use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::{
    access::scope::records::{self, Record},
    access::{Actor, Permission},
    entities::{notifications, role_permissions, user_roles, users},
    Result,
};

/// What a notification is about (the UI words it in the reader's language).
pub const INVOICE_OVERDUE: &str = "invoice.overdue";
/// A product fell below its reorder point in a warehouse.
pub const STOCK_LOW: &str = "stock.low";
/// An order of at least the large-order total was confirmed.
pub const ORDER_LARGE: &str = "order.large";
/// A scheduled or requested report finished.
pub const REPORT_READY: &str = "report.ready";

/// Sends one notification to each of `users`.
pub async fn notify(
    db: &impl ConnectionTrait,
    users: &[i64],
    kind: &str,
    title: &str,
    link: &str,
) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let title: String = title.chars().take(300).collect();
    notifications::Entity::insert_many(users.iter().map(|&user_id| notifications::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.to_owned()),
        title: Set(title.clone()),
        link: Set(link.to_owned()),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Active users holding `permission` through one of their roles.
pub async fn holders(db: &impl ConnectionTrait, permission: Permission) -> Result<Vec<i64>> {
    let roles = role_permissions::Entity::find()
        .select_only()
        .column(role_permissions::Column::RoleId)
        .filter(role_permissions::Column::Permission.eq(permission.code()));
    let holders = user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::UserId)
        .filter(user_roles::Column::RoleId.in_subquery(sea_orm::QueryTrait::into_query(roles)));
    Ok(users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(holders)))
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// The signed-in user's newest notifications; one about a record they
/// may not open (now) comes without its title and link.
pub async fn mine(
    db: &impl ConnectionTrait,
    actor: &Actor,
    limit: u64,
) -> Result<Vec<notifications::Model>> {
    let mut found = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(actor.user_id))
        .order_by_desc(notifications::Column::Id)
        .limit(limit.clamp(1, 200))
        .all(db)
        .await?;
    let open = records::openable(
        db,
        actor,
        found.iter().filter_map(|n| Record::from_link(&n.link)),
    )
    .await?;
    for n in &mut found {
        if !Record::from_link(&n.link).is_some_and(|r| open.contains(&r)) {
            n.title.clear();
            n.link.clear();
        }
    }
    Ok(found)
}

/// How many of the signed-in user's notifications are unread.
pub async fn unread(db: &impl ConnectionTrait, actor: &Actor) -> Result<u64> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(actor.user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks the signed-in user's notification `id` (or all, with `None`) read.
pub async fn mark_read(db: &impl ConnectionTrait, actor: &Actor, id: Option<i64>) -> Result<()> {
    let mut update = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(actor.user_id))
        .filter(notifications::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notifications::Column::Id.eq(id));
    }
    update.exec(db).await?;
    Ok(())
}
