//! One page of a list: every paginated service reads its rows the same way,
//! either by page number (the UI) or after a row id (the API's cursor).

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select, Value,
};

use crate::Result;

/// One page of a list.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Rows matching the filter (not counted when read after a cursor: 0).
    pub total: u64,
    /// This page's number, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// Read after a cursor: the id to continue after, when more rows follow.
    pub next_after: Option<i64>,
}

impl<T> Page<T> {
    /// The same page with each row converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
            next_after: self.next_after,
        }
    }
}

/// Counts the rows `query` matches and reads page `page` (from 1) of
/// `per_page` rows, capped at `max`. `query` carries the filter and order.
pub async fn paginate<E: EntityTrait>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    page: u64,
    per_page: u64,
    max: u64,
) -> Result<Page<E::Model>>
where
    E::Model: Sync,
{
    let per_page = per_page.clamp(1, max);
    let page = page.max(1);
    let total = query.clone().count(db).await?;
    // A page far past the end is empty, never an overflow (both engines
    // take a signed 64-bit offset).
    let offset = (page - 1).saturating_mul(per_page).min(i64::MAX as u64);
    let items = query.offset(offset).limit(per_page).all(db).await?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
        next_after: None,
    })
}

/// Page `page` as [`paginate`] when `after` is none; otherwise the API's
/// cursor: up to `per_page` rows with an `id` above `after`, in `id` order
/// (the query's own order is replaced), so a client can walk a whole list
/// while it changes and resume where it stopped. Not counted.
pub async fn paginate_after<E: EntityTrait>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    id: E::Column,
    after: Option<i64>,
    page: u64,
    per_page: u64,
    max: u64,
) -> Result<Page<E::Model>>
where
    E::Model: Sync,
{
    let Some(after) = after else {
        return paginate(db, query, page, per_page, max).await;
    };
    let per_page = per_page.clamp(1, max);
    let mut query = query;
    QueryTrait::query(&mut query).clear_order_by();
    let mut items = query
        .filter(id.gt(after))
        .order_by_asc(id)
        .limit(per_page + 1)
        .all(db)
        .await?;
    let more = items.len() as u64 > per_page;
    items.truncate(per_page as usize);
    let next_after = if more {
        items.last().and_then(|m| match m.get(id) {
            Value::BigInt(Some(v)) => Some(v),
            Value::Int(Some(v)) => Some(i64::from(v)),
            _ => None,
        })
    } else {
        None
    };
    Ok(Page {
        items,
        total: 0,
        page: 1,
        per_page,
        next_after,
    })
}
