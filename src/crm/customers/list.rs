//! The customers list within the actor's scope (with owners' names, and
//! for pickers), and lookups by id or segment for other areas' lists and
//! reports.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};

use super::{in_scope, scope_of};
use crate::{
    access::{scope, users, Actor},
    entities::customers,
    platform::{
        normalize::name_key,
        page::{paginate_after, Page},
    },
    Error, Result,
};

/// Filters for the customers list.
#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    /// Part of the name, code, email or phone.
    pub search: Option<String>,
    /// Include archived customers.
    pub include_archived: bool,
    /// Only this segment.
    pub segment: Option<String>,
    /// Only customers of this owner.
    pub owner_id: Option<i64>,
    /// Only customers with this tag.
    pub tag: Option<String>,
    /// `name` (default), `-name`, `code`, `-created`, `created`.
    pub sort: String,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page (capped at 100).
    pub per_page: u64,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// Customers in the actor's scope matching the filter, by name.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &CustomerFilter,
) -> Result<Page<customers::Model>> {
    let scope = scope_of(actor)?;
    let mut condition = in_scope(scope);
    if !filter.include_archived {
        condition = condition.add(customers::Column::Archived.eq(false));
    }
    // A tag or segment is at most 40 or 60 characters; a longer filter matches nothing.
    let longer = |text: &Option<String>, max: usize| {
        text.as_deref()
            .is_some_and(|t| t.trim().chars().count() > max)
    };
    if longer(&filter.tag, 40) {
        return Err(Error::field("tag", crate::messages::TAG_INVALID));
    }
    if longer(&filter.segment, 60) {
        return Err(Error::field("segment", crate::messages::MAX_60));
    }
    if let Some(text) = scope::search_text(filter.search.as_deref())? {
        // Prefixes, as index ranges: the name (normalised), the code, the
        // email and the phone's digits.
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let mut any = Condition::any()
            .add(scope::prefix(customers::Column::NameKey, &name_key(&text)))
            .add(scope::prefix(customers::Column::Code, &text.to_uppercase()))
            .add(scope::prefix(customers::Column::EmailKey, &text));
        if digits.len() >= 3 {
            any = any.add(scope::prefix(customers::Column::PhoneKey, &digits));
        }
        condition = condition.add(any);
    }
    if let Some(segment) = filter.segment.as_deref().filter(|s| !s.is_empty()) {
        condition = condition.add(customers::Column::Segment.eq(segment));
    }
    if let Some(owner) = filter.owner_id {
        condition = condition.add(customers::Column::OwnerId.eq(owner));
    }
    if let Some(tag) = filter
        .tag
        .as_deref()
        .map(|t| t.trim().to_lowercase().replace(['\\', '%', '_', ','], ""))
        .filter(|t| !t.is_empty())
    {
        condition = condition.add(
            Condition::any()
                .add(customers::Column::Tags.eq(tag.clone()))
                .add(customers::Column::Tags.starts_with(format!("{tag},")))
                .add(customers::Column::Tags.ends_with(format!(",{tag}")))
                .add(customers::Column::Tags.contains(format!(",{tag},"))),
        );
    }
    use customers::Column as C;
    let query = customers::Entity::find().filter(condition);
    let query = match filter.sort.as_str() {
        "-name" => query.order_by_desc(C::NameKey).order_by_desc(C::Id),
        "code" => query.order_by_asc(C::Code),
        "created" => query.order_by_asc(C::CreatedAt).order_by_asc(C::Id),
        "-created" => query.order_by_desc(C::CreatedAt).order_by_desc(C::Id),
        _ => query.order_by_asc(C::NameKey).order_by_asc(C::Id),
    };
    paginate_after(
        db,
        query,
        C::Id,
        filter.after,
        filter.page,
        filter.per_page,
        100,
    )
    .await
}

/// A customer with its owner's name, as the list shows it.
#[derive(Clone, Debug)]
pub struct CustomerRow {
    /// The customer.
    pub customer: customers::Model,
    /// Who owns it, by name.
    pub owner: Option<String>,
}

/// A page of the customers [`list`], each with its owner's name.
pub async fn rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &CustomerFilter,
) -> Result<Page<CustomerRow>> {
    let found = list(db, actor, filter).await?;
    let owners = users::names(db, found.items.iter().filter_map(|c| c.owner_id)).await?;
    Ok(found.map(|customer| CustomerRow {
        owner: customer.owner_id.and_then(|o| owners.get(&o).cloned()),
        customer,
    }))
}

/// Customers in scope whose name, code, email or phone starts with
/// `search`, at most 20, for pickers.
pub async fn pick(
    db: &impl ConnectionTrait,
    actor: &Actor,
    search: String,
) -> Result<Vec<customers::Model>> {
    let filter = CustomerFilter {
        search: Some(search),
        per_page: 20,
        ..Default::default()
    };
    Ok(list(db, actor, &filter).await?.items)
}

/// Customers' names by id, for labelling rows the caller may already see.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>> {
    crate::platform::lookup::text_by_id::<customers::Entity>(
        db,
        ids,
        customers::Column::Id,
        customers::Column::Name,
    )
    .await
}

/// The name of each of `ids` as `actor` may see it: a customer the actor
/// may not open (one moved to a colleague since) is named
/// [`records::WITHHELD`](crate::access::scope::records::WITHHELD), the one
/// rule for rows of derived views that name a customer.
pub async fn names_for(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>> {
    use crate::access::scope::records::{self, Kind, Record};
    let mut named: Vec<(i64, String)> = names(db, ids).await?.into_iter().collect();
    records::withhold(
        db,
        actor,
        &mut named,
        |(id, _)| {
            Some(Record {
                kind: Kind::Customer,
                id: *id,
            })
        },
        |(_, name)| *name = records::WITHHELD.to_owned(),
    )
    .await?;
    Ok(named.into_iter().collect())
}

/// The segment of each of `ids`.
pub async fn segments(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>> {
    crate::platform::lookup::text_by_id::<customers::Entity>(
        db,
        ids,
        customers::Column::Id,
        customers::Column::Segment,
    )
    .await
}

/// `SELECT id FROM customers WHERE segment = …`.
pub fn segment_customers(segment: &str) -> sea_orm::sea_query::SelectStatement {
    customers::Entity::find()
        .select_only()
        .column(customers::Column::Id)
        .filter(customers::Column::Segment.eq(segment))
        .into_query()
}
