//! The receivables aging report: what each customer owes, by how long it
//! is overdue.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};

use super::{n, owners};
use crate::{
    access::{Actor, Permission},
    analytics::{
        dashboards::segment_customers,
        reports::{col, Cell, Kind, Report},
    },
    billing::invoices as invoice_service,
    crm::customers as customer_service,
    entities::{customers, invoices},
    Result,
};

/// The aging column of an invoice due on `due`, as of `today`: not due,
/// 1–30, 31–60, 61–90 or more than 90 days overdue.
fn age_column(today: NaiveDate, due: NaiveDate) -> usize {
    match (today - due).num_days() {
        ..=0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        _ => 4,
    }
}

/// The five aging columns and the total owed.
type Ages = [i64; 6];

fn add_age(ages: &mut Ages, today: NaiveDate, due: NaiveDate, owed: i64) {
    ages[age_column(today, due)] += owed;
    ages[5] += owed;
}

/// What each customer owes as of `today`, by how long it is overdue; most
/// owed first. With a `limit`, the first `limit` customers (totals over all).
///
/// The database sums what is owed by customer and due date; the columns by
/// age are added up here, from the due dates. With a `limit`, three
/// queries run side by side (on the read pool's connections): the customers
/// who owe most, how many customers owe anything, and the totals by due
/// date; then the kept customers' rows are read by due date. All read the
/// partial indexes on unpaid invoices (migration 14).
pub async fn aging(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
    today: NaiveDate,
    limit: Option<usize>,
) -> Result<()> {
    use invoices::Column as C;
    let owners = owners(
        db,
        actor,
        report,
        Permission::InvoicesRead,
        Permission::InvoicesReadAll,
    )
    .await?;
    let unpaid = || {
        let mut q = invoices::Entity::find()
            .select_only()
            .filter(invoice_service::unpaid_literal())
            .filter(C::Currency.eq(report.currency.clone()));
        if let Some(o) = &owners {
            q = q.filter(C::OwnerId.is_in(o.clone()));
        }
        if let Some(s) = &report.filter.segment {
            q = q.filter(C::CustomerId.in_subquery(segment_customers(s)));
        }
        q
    };
    report.columns = vec![
        col("customer", Kind::Text),
        col("not_due", Kind::Money),
        col("d0_30", Kind::Money),
        col("d31_60", Kind::Money),
        col("d61_90", Kind::Money),
        col("d90_plus", Kind::Money),
        col("owed", Kind::Money),
    ];
    let by_customer_and_due = || {
        unpaid()
            .column(C::CustomerId)
            .column(C::DueDate)
            .column_as(invoice_service::owed_sum(), "owed")
            .group_by(C::CustomerId)
            .group_by(C::DueDate)
    };
    let mut totals: Ages = [0; 6];
    let mut rows: Vec<(i64, Ages, String)> = Vec::new();
    match limit {
        Some(limit) => {
            let top = unpaid()
                .column(C::CustomerId)
                .column_as(invoice_service::owed_sum(), "owed")
                .group_by(C::CustomerId)
                .order_by_desc(invoice_service::owed_sum())
                .order_by_asc(C::CustomerId)
                .limit(limit as u64)
                .into_tuple::<(i64, Option<i64>)>()
                .all(db);
            let count = unpaid()
                .column(C::CustomerId)
                .group_by(C::CustomerId)
                .count(db);
            let by_due = unpaid()
                .column(C::DueDate)
                .column_as(invoice_service::owed_sum(), "owed")
                .group_by(C::DueDate)
                .into_tuple::<(NaiveDate, Option<i64>)>()
                .all(db);
            let (top, count, by_due) = tokio::try_join!(top, count, by_due)?;
            for (due, owed) in by_due {
                add_age(&mut totals, today, due, owed.unwrap_or(0));
            }
            report.row_count = count as usize;
            let ids: Vec<i64> = top.iter().map(|t| t.0).collect();
            let mut ages: HashMap<i64, Ages> = HashMap::new();
            let kept: Vec<(i64, NaiveDate, Option<i64>)> = by_customer_and_due()
                .filter(C::CustomerId.is_in(ids.clone()))
                .into_tuple()
                .all(db)
                .await?;
            for (id, due, owed) in kept {
                add_age(ages.entry(id).or_default(), today, due, owed.unwrap_or(0));
            }
            let names = customer_service::names(db, ids.iter().copied()).await?;
            for id in ids {
                rows.push((
                    id,
                    ages.get(&id).copied().unwrap_or_default(),
                    names.get(&id).cloned().unwrap_or_default(),
                ));
            }
        }
        None => {
            // Every customer, named in the statement (a join, not bound
            // ids: see `by_customer`).
            let stmt = by_customer_and_due()
                .column_as(
                    Expr::col((customers::Entity, customers::Column::Name)),
                    "name",
                )
                .group_by(Expr::col((customers::Entity, customers::Column::Name)))
                .into_query()
                .left_join(
                    customers::Entity,
                    Expr::col((customers::Entity, customers::Column::Id))
                        .equals((invoices::Entity, C::CustomerId)),
                )
                .to_owned();
            let backend = db.get_database_backend();
            let mut named: Vec<(i64, NaiveDate, Option<i64>, Option<String>)> = Vec::new();
            for r in db.query_all(backend.build(&stmt)).await? {
                named.push((
                    r.try_get_by_index(0)?,
                    r.try_get_by_index(1)?,
                    r.try_get_by_index(2)?,
                    r.try_get_by_index(3)?,
                ));
            }
            let mut by_id: HashMap<i64, (Ages, String)> = HashMap::new();
            for (id, due, owed, name) in named {
                let entry = by_id.entry(id).or_default();
                add_age(&mut entry.0, today, due, owed.unwrap_or(0));
                if let Some(name) = name {
                    entry.1 = name;
                }
            }
            for (id, (ages, name)) in by_id {
                for (t, v) in totals.iter_mut().zip(ages) {
                    *t += v;
                }
                rows.push((id, ages, name));
            }
            rows.sort_by(|a, b| b.1[5].cmp(&a.1[5]).then(a.0.cmp(&b.0)));
            report.row_count = rows.len();
        }
    }
    report.totals = std::iter::once(Cell::Text(String::new()))
        .chain(totals.into_iter().map(n))
        .collect();
    for (id, ages, name) in rows {
        report
            .links
            .push(Some(format!("/customers/{id}?tab=invoices")));
        report.rows.push(
            std::iter::once(Cell::Text(name))
                .chain(ages.into_iter().map(n))
                .collect(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};

    use super::age_column;

    #[test]
    fn invoices_age_by_whole_days_past_due() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        let ago = |days: i64| today - Duration::days(days);
        for (due, column) in [
            (today + Duration::days(5), 0),
            (today, 0),
            (ago(1), 1),
            (ago(30), 1),
            (ago(31), 2),
            (ago(60), 2),
            (ago(61), 3),
            (ago(90), 3),
            (ago(91), 4),
            (ago(900), 4),
        ] {
            assert_eq!(age_column(today, due), column, "due {due}");
        }
    }
}
