//! Receivables aging: what customers owe, by days past due.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    access::Actor,
    entities::invoices,
    Result,
    {access::scope::owned, crm::customers as customer_service},
};

use super::{amounts::owed, scope_of, UNPAID};

/// Receivables of one customer by days past due.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Aging {
    /// The customer.
    pub customer_id: i64,
    /// Their name.
    pub customer_name: String,
    /// Currency.
    pub currency: String,
    /// Not yet due.
    pub not_due: i64,
    /// 0–30 days past due.
    pub d0_30: i64,
    /// 31–60 days past due.
    pub d31_60: i64,
    /// 61–90 days past due.
    pub d61_90: i64,
    /// More than 90 days past due.
    pub d90_plus: i64,
    /// Everything owed.
    pub total: i64,
    /// Unpaid invoices past due.
    pub overdue_count: u64,
}

impl Aging {
    fn add(&mut self, owed: i64, due: NaiveDate, today: NaiveDate) {
        let late = (today - due).num_days();
        match late {
            i64::MIN..=-1 => self.not_due += owed,
            0..=30 => self.d0_30 += owed,
            31..=60 => self.d31_60 += owed,
            61..=90 => self.d61_90 += owed,
            _ => self.d90_plus += owed,
        }
        if late > 0 {
            self.overdue_count += 1;
        }
        self.total += owed;
    }
}

/// Receivables aging as of `today`, per customer and currency (of one
/// customer, or of every customer in scope), largest total first.
pub async fn aging(
    db: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<Aging>> {
    let mut query = invoices::Entity::find()
        .filter(owned(scope_of(actor)?, invoices::Column::OwnerId))
        .filter(invoices::Column::State.is_in(UNPAID));
    if let Some(c) = customer_id {
        query = query.filter(invoices::Column::CustomerId.eq(c));
    }
    let unpaid = query.all(db).await?;
    let names = customer_service::names(db, unpaid.iter().map(|i| i.customer_id)).await?;
    let mut rows: HashMap<(i64, String), Aging> = HashMap::new();
    for invoice in &unpaid {
        let row = rows
            .entry((invoice.customer_id, invoice.currency.clone()))
            .or_insert_with(|| Aging {
                customer_id: invoice.customer_id,
                customer_name: names.get(&invoice.customer_id).cloned().unwrap_or_default(),
                currency: invoice.currency.clone(),
                ..Aging::default()
            });
        row.add(owed(invoice), invoice.due_date, today);
    }
    let mut rows: Vec<Aging> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(a.customer_name.cmp(&b.customer_name))
    });
    Ok(rows)
}
