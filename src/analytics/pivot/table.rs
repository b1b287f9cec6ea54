//! Running an analysis: the source's facts summed into the table, its
//! labels named; and the table as CSV.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{
    check, labels::label, opportunities::opportunities_facts, order_lines::lines, orders::orders,
    stock_moves::moves, tickets::tickets_facts, Fact, Pivot, Query, MAX_LABELS,
};
use crate::{
    access::{policy, Actor, Permission},
    analytics::dashboards::{self, Grain},
    Error, Result,
};

/// Runs `query` for `actor` at `now`. Needs `reports.view` and read
/// access to the source's area.
pub async fn run(
    db: &impl ConnectionTrait,
    actor: &Actor,
    query: &Query,
    now: DateTime<Utc>,
) -> Result<Pivot> {
    let actor = policy::require(actor, Permission::ReportsView)?;
    check(query)?;
    if query.measure == "margin" && !actor.has(Permission::ProductsReadCost) {
        return Err(Error::Forbidden);
    }
    let filter = dashboards::resolve(&query.filter, now.date_naive())?;
    let currency = dashboards::currency(db).await?;
    let facts = match query.source.as_str() {
        "orders" => orders(db, actor, query, &filter, &currency).await?,
        "order_lines" => lines(db, actor, query, &filter, &currency).await?,
        "opportunities" => opportunities_facts(db, actor, query, &filter, &currency).await?,
        "tickets" => tickets_facts(db, actor, query, &filter).await?,
        _ => moves(db, actor, query, &filter).await?,
    };
    let money = matches!(
        query.measure.as_str(),
        "revenue" | "total" | "amount" | "weighted" | "margin"
    );
    // Facts carry ids; only the rows and columns kept are named (a month
    // of orders by customer names some 25,000 customers otherwise), and
    // two customers of one name stay two rows.
    let mut pivot = assemble(facts, money, &query.columns);
    pivot.rows = label(db, actor, &query.rows, pivot.rows).await?;
    pivot.columns = label(db, actor, &query.columns, pivot.columns).await?;
    Ok(pivot)
}

/// Sums facts into the table, largest rows first, at most [`MAX_LABELS`].
fn assemble(facts: Vec<Fact>, money: bool, columns_dim: &str) -> Pivot {
    let mut cells: HashMap<(String, String), i64> = HashMap::new();
    let mut row_totals: HashMap<String, i64> = HashMap::new();
    let mut column_totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut total = 0;
    for (r, c, v) in facts {
        *cells.entry((r.clone(), c.clone())).or_default() += v;
        *row_totals.entry(r).or_default() += v;
        *column_totals.entry(c).or_default() += v;
        total += v;
    }
    let mut rows: Vec<(String, i64)> = row_totals.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut columns: Vec<(String, i64)> = column_totals.into_iter().collect();
    if Grain::parse(columns_dim).is_none() {
        columns.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    columns.truncate(MAX_LABELS);
    rows.truncate(MAX_LABELS);
    Pivot {
        cells: rows
            .iter()
            .map(|(r, _)| {
                columns
                    .iter()
                    .map(|(c, _)| cells.get(&(r.clone(), c.clone())).copied().unwrap_or(0))
                    .collect()
            })
            .collect(),
        row_totals: rows.iter().map(|r| r.1).collect(),
        column_totals: columns.iter().map(|c| c.1).collect(),
        rows: rows.into_iter().map(|r| r.0).collect(),
        columns: columns.into_iter().map(|c| c.0).collect(),
        total,
        money,
    }
}

/// Runs `query` for a CSV export: as [`run`], and needs `reports.export`
/// too.
pub async fn export(
    db: &impl ConnectionTrait,
    actor: &Actor,
    query: &Query,
    now: DateTime<Utc>,
) -> Result<Pivot> {
    policy::require(actor, Permission::ReportsExport)?;
    run(db, actor, query, now).await
}

/// The table as CSV: `row_header` over the row labels, the column labels,
/// a total column and a totals row labelled `total_label`.
pub fn to_csv(p: &Pivot, row_header: &str, total_label: &str) -> Result<Vec<u8>> {
    use crate::analytics::reports::{csv_of, Cell, Kind};
    let kind = if p.money { Kind::Money } else { Kind::Count };
    let mut columns: Vec<(&str, Kind)> = vec![(row_header, Kind::Text)];
    columns.extend(p.columns.iter().map(|c| (c.as_str(), kind)));
    columns.push((total_label, kind));
    let rows: Vec<Vec<Cell>> = p
        .rows
        .iter()
        .zip(&p.cells)
        .zip(&p.row_totals)
        .map(|((label, cells), total)| {
            let mut row = vec![Cell::Text(label.clone())];
            row.extend(cells.iter().map(|v| Cell::Number(Some(*v))));
            row.push(Cell::Number(Some(*total)));
            row
        })
        .collect();
    let mut totals = vec![Cell::Text(String::new())];
    totals.extend(p.column_totals.iter().map(|v| Cell::Number(Some(*v))));
    totals.push(Cell::Number(Some(p.total)));
    csv_of(&columns, &rows, &totals, &[], total_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_sum_into_rows_columns_and_totals() {
        let facts = vec![
            ("a".to_owned(), "x".to_owned(), 5),
            ("b".to_owned(), "x".to_owned(), 7),
            ("a".to_owned(), "y".to_owned(), 4),
            ("a".to_owned(), "x".to_owned(), 1),
        ];
        let p = assemble(facts, false, "kind");
        assert_eq!(p.rows, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(p.columns, vec!["x".to_owned(), "y".to_owned()]);
        assert_eq!(p.cells, vec![vec![6, 4], vec![7, 0]]);
        assert_eq!(
            (p.row_totals.clone(), p.column_totals.clone(), p.total),
            (vec![10, 7], vec![13, 4], 17)
        );
    }
}
