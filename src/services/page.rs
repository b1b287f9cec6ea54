//! One page of a list: every paginated service reads its rows the same way.

use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect, Select};

use crate::Result;

/// One page of a list.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Rows matching the filter.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

impl<T> Page<T> {
    /// The same page with each row converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
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
    let items = query
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}
