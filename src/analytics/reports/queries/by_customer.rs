//! Filling a report with one row per customer from a grouped statement:
//! sorted, cut and summed by the database when the report runs with a
//! limit, named in the statement itself otherwise.

use sea_orm::{
    sea_query::{Alias, Asterisk, Expr, Order, Query, SelectStatement},
    ConnectionTrait,
};

use super::n;
use crate::{
    analytics::reports::{Cell, Report},
    crm::customers as customer_service,
    entities::customers,
    Result,
};

/// Fills `report` with the rows of `grouped`, a statement whose first
/// column is `customer_id` and whose next columns are the numbers named
/// `measures`: one row per customer (its name, then the numbers), most
/// `measures[sort]` first (then by customer), linked by `link`, with
/// totals and the row count over every row.
///
/// With a `limit`, the database sorts the groups and sends only the kept
/// ones, with the totals and the count as window sums over all of them;
/// only the kept rows are named (by id). Sending every group (some 25,000
/// customers for 30 days at a million orders) cost more than grouping them.
/// Without one, every row is named in the statement itself, a join on the
/// grouped rows: naming tens of thousands of customers by bound ids cost
/// more than the report.
pub(super) async fn by_customer(
    db: &impl ConnectionTrait,
    report: &mut Report,
    grouped: SelectStatement,
    measures: &[&str],
    sort: usize,
    limit: Option<usize>,
    link: impl Fn(i64) -> String,
) -> Result<()> {
    let g = Alias::new("g");
    let id = Alias::new("customer_id");
    let width = measures.len();
    let mut stmt = Query::select()
        .column((g.clone(), Asterisk))
        .from_subquery(grouped, g.clone())
        .to_owned();
    match limit {
        Some(limit) => {
            stmt.expr(Expr::cust("COUNT(*) OVER ()"));
            for m in measures {
                stmt.expr(
                    Expr::cust(format!("SUM(COALESCE(g.{m}, 0)) OVER ()"))
                        .cast_as(Alias::new("BIGINT")),
                );
            }
            stmt.order_by_expr(
                Expr::cust(format!("COALESCE(g.{}, 0)", measures[sort])),
                Order::Desc,
            )
            .order_by((g.clone(), id.clone()), Order::Asc)
            .limit(limit as u64);
        }
        None => {
            stmt.column((customers::Entity, customers::Column::Name))
                .left_join(
                    customers::Entity,
                    Expr::col((customers::Entity, customers::Column::Id))
                        .equals((g.clone(), id.clone())),
                );
        }
    }
    let backend = db.get_database_backend();
    let mut rows: Vec<(i64, Vec<i64>, String)> = Vec::new();
    let mut totals = vec![0; width];
    let mut count = 0;
    for r in db.query_all(backend.build(&stmt)).await? {
        let mut numbers = Vec::with_capacity(width);
        for i in 1..=width {
            numbers.push(r.try_get_by_index::<Option<i64>>(i)?.unwrap_or(0));
        }
        let name = match limit {
            Some(_) => {
                count = r.try_get_by_index::<i64>(width + 1)? as usize;
                for (i, t) in totals.iter_mut().enumerate() {
                    *t = r
                        .try_get_by_index::<Option<i64>>(width + 2 + i)?
                        .unwrap_or(0);
                }
                String::new()
            }
            None => {
                count += 1;
                for (t, v) in totals.iter_mut().zip(&numbers) {
                    *t += v;
                }
                r.try_get_by_index::<Option<String>>(width + 1)?
                    .unwrap_or_default()
            }
        };
        rows.push((r.try_get_by_index(0)?, numbers, name));
    }
    rows.sort_by(|a, b| b.1[sort].cmp(&a.1[sort]).then(a.0.cmp(&b.0)));
    report.row_count = count;
    report.totals = std::iter::once(Cell::Text(String::new()))
        .chain(totals.into_iter().map(n))
        .collect();
    if limit.is_some() {
        let names = customer_service::names(db, rows.iter().map(|r| r.0)).await?;
        for r in &mut rows {
            r.2 = names.get(&r.0).cloned().unwrap_or_default();
        }
    }
    for (id, numbers, name) in rows {
        report.links.push(Some(link(id)));
        report.rows.push(
            std::iter::once(Cell::Text(name))
                .chain(numbers.into_iter().map(n))
                .collect(),
        );
    }
    Ok(())
}
