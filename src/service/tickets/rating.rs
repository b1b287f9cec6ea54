//! Customer satisfaction: the one-time rating link of a resolved ticket
//! and the reports' average.

use chrono::{NaiveDate, Utc};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::{
    access::audit::{self, Entry, Who},
    access::Actor,
    crm::timeline::{self, Event},
    entities::tickets,
    messages,
    platform::outbox,
    Error, FieldErrors, Result,
};

use super::{link, reader, scope_condition};

/// What the rating page shows: the ticket's number and subject, if the
/// link is valid and unused.
pub async fn rating_form(db: &impl ConnectionTrait, token: &str) -> Result<(String, String)> {
    let token = token.trim();
    if token.is_empty() || token.len() > 64 {
        return Err(Error::NotFound);
    }
    tickets::Entity::find()
        .filter(tickets::Column::RatingToken.eq(token))
        .filter(tickets::Column::Rating.is_null())
        .one(db)
        .await?
        .map(|t| (t.number, t.subject))
        .ok_or(Error::NotFound)
}

/// Records the requester's rating through the one-time link (no sign-in).
/// A used, withdrawn or unknown link changes nothing and is refused.
pub async fn rate(db: &impl crate::db::Tx, token: &str, score: i32, comment: &str) -> Result<()> {
    let token = token.trim();
    let mut errors = FieldErrors::new();
    if !(1..=5).contains(&score) {
        errors.insert("score".into(), messages::RATING_RANGE.into());
    }
    let comment = comment.trim().to_owned();
    if comment.chars().count() > 1000 {
        errors.insert("comment".into(), messages::MAX_1000.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if token.is_empty() || token.len() > 64 {
        return Err(Error::Conflict(messages::RATING_LINK_USED.into()));
    }
    let txn = db.begin().await?;
    let Some(ticket) = tickets::Entity::find()
        .filter(tickets::Column::RatingToken.eq(token))
        .filter(tickets::Column::Rating.is_null())
        .one(&txn)
        .await?
    else {
        return Err(Error::Conflict(messages::RATING_LINK_USED.into()));
    };
    let now = Utc::now();
    let done = tickets::Entity::update_many()
        .col_expr(tickets::Column::Rating, Expr::value(score))
        .col_expr(tickets::Column::RatingComment, Expr::value(comment.clone()))
        .col_expr(tickets::Column::RatedAt, Expr::value(now))
        .col_expr(
            tickets::Column::RatingToken,
            Expr::value(Option::<String>::None),
        )
        .filter(tickets::Column::Id.eq(ticket.id))
        .filter(tickets::Column::RatingToken.eq(token))
        .filter(tickets::Column::Rating.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(Error::Conflict(messages::RATING_LINK_USED.into()));
    }
    audit::record(
        &txn,
        Who::System,
        Entry::new("ticket.rated", "ticket", Some(ticket.id.to_string()))
            .after(json!({"rating": score, "comment": comment})),
    )
    .await?;
    outbox::publish(
        &txn,
        "ticket.rated",
        "ticket",
        ticket.id,
        json!({"number": ticket.number, "customer_id": ticket.customer_id, "rating": score}),
    )
    .await?;
    timeline::append(
        &txn,
        None,
        Event {
            customer_id: ticket.customer_id,
            kind: "ticket.rated",
            summary: format!("{} · {score}/5", ticket.number),
            link: link(ticket.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Satisfaction over tickets rated in `[from, to)`: (ratings, average ×
/// 100, rounded) in the actor's scope — the reports' figure.
pub async fn satisfaction(
    db: &impl ConnectionTrait,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(u64, i64)> {
    let actor = reader(actor)?;
    let start = from.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    let end = to.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    let (Some(start), Some(end)) = (start, end) else {
        return Err(Error::field("from", messages::DATE_INVALID));
    };
    let rated = tickets::Entity::find()
        .filter(scope_condition(db, actor).await?)
        .filter(tickets::Column::RatedAt.gte(start))
        .filter(tickets::Column::RatedAt.lt(end))
        .all(db)
        .await?;
    let scores: Vec<i64> = rated
        .iter()
        .filter_map(|t| t.rating)
        .map(i64::from)
        .collect();
    let n = scores.len() as i64;
    if n == 0 {
        return Ok((0, 0));
    }
    let sum: i64 = scores.iter().sum();
    let average = crate::money::div_round_half_up(i128::from(sum) * 100, i128::from(n));
    Ok((n as u64, i64::try_from(average).unwrap_or(0)))
}
