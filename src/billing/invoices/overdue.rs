//! Flagging invoices past their due date as overdue (the background job).

use chrono::{NaiveDate, Utc};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use crate::{
    entities::invoices,
    money, Result,
    {
        access::audit::{self, Entry, Who},
        access::notifications,
        crm::customers as customer_service,
        crm::timeline::{self, Event},
        platform::outbox,
    },
};

use super::{amounts::owed, link, OPEN, OVERDUE, PARTIALLY_PAID};

/// Flags open and partly paid invoices due before `today` as overdue and
/// tells each one's owner (the background job; also `tandem` on demand).
/// Returns how many it flagged.
pub async fn flag_overdue(db: &impl crate::db::Tx, today: NaiveDate) -> Result<u64> {
    let due: Vec<invoices::Model> = invoices::Entity::find()
        .filter(invoices::Column::State.is_in([OPEN, PARTIALLY_PAID]))
        .filter(invoices::Column::DueDate.lt(today))
        .order_by_asc(invoices::Column::Id)
        .limit(1000)
        .all(db)
        .await?;
    let names = customer_service::names(db, due.iter().map(|i| i.customer_id)).await?;
    let mut flagged = 0;
    for invoice in due {
        let txn = db.begin().await?;
        let updated = invoices::Entity::update_many()
            .col_expr(invoices::Column::State, Expr::value(OVERDUE))
            .col_expr(invoices::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(invoices::Column::Id.eq(invoice.id))
            .filter(invoices::Column::State.is_in([OPEN, PARTIALLY_PAID]))
            .filter(invoices::Column::DueDate.lt(today))
            .exec(&txn)
            .await?;
        if updated.rows_affected == 1 {
            let customer = names.get(&invoice.customer_id).cloned().unwrap_or_default();
            let title = format!(
                "{} · {} · {} {}",
                invoice.number,
                customer,
                money::format_minor(owed(&invoice)),
                invoice.currency
            );
            if let Some(owner) = invoice.owner_id {
                notifications::notify(
                    &txn,
                    &[owner],
                    notifications::INVOICE_OVERDUE,
                    &title,
                    &link(invoice.id),
                )
                .await?;
            }
            let payload = json!({
                "number": invoice.number, "customer_id": invoice.customer_id,
                "due_date": invoice.due_date.to_string(), "owed_minor": owed(&invoice),
                "currency": invoice.currency,
            });
            audit::record(
                &txn,
                Who::System,
                Entry::new("invoice.overdue", "invoice", Some(invoice.id.to_string()))
                    .after(payload.clone()),
            )
            .await?;
            outbox::publish(&txn, "invoice.overdue", "invoice", invoice.id, payload).await?;
            timeline::append(
                &txn,
                None,
                Event {
                    customer_id: invoice.customer_id,
                    kind: "invoice.overdue",
                    summary: title,
                    link: link(invoice.id),
                },
            )
            .await?;
            flagged += 1;
        }
        txn.commit().await?;
    }
    Ok(flagged)
}
