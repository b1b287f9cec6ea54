//! Importing one row of customers, contacts or leads through the CRM
//! services, with their duplicate checks.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    access::Actor,
    crm::customers::{self, ContactInput, CustomerInput},
    crm::leads::{self, LeadInput},
    entities::customers as customer_rows,
    messages, Error, FieldErrors, Result,
};

use super::{
    parse::squash,
    row::{money, number, owner, refuse, required, Cache, Done, Row},
    Duplicates,
};

pub(super) async fn customer_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    cache: &mut Cache,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let name = required(row, "name", &mut errors);
    let owner_id = owner(db, cache, row, &mut errors).await?;
    let credit = money(row, "credit_limit", &mut errors);
    let terms = number::<i32>(row, "payment_terms_days", &mut errors);
    refuse(errors)?;
    let kind = match squash(&row.get("kind")).as_str() {
        "" | "company" | "公司" | "企业" => "company",
        "person" | "individual" | "个人" => "person",
        other => other,
    }
    .to_owned();
    let currency = row.get("currency");
    let input = CustomerInput {
        kind,
        name: name.clone(),
        email: row.get("email"),
        phone: row.get("phone"),
        address: row.get("address"),
        tax_id: row.get("tax_id"),
        segment: row.get("segment"),
        tags: row
            .get("tags")
            .split([';', '|', ','])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        owner_id,
        credit_limit_minor: credit.unwrap_or(0),
        currency: if currency.is_empty() {
            "EUR".to_owned()
        } else {
            currency.to_uppercase()
        },
        payment_terms_days: terms.unwrap_or(30),
        notes: row.get("notes"),
    };
    if duplicates != Duplicates::Create {
        // Sure matches only (the same email, phone, tax id or normalised
        // name): a merely similar name must not overwrite a record.
        let existing = customers::find_same(db, actor, &input).await?;
        if let Some(existing) = existing {
            if duplicates == Duplicates::Skip {
                return Ok(Done::Skipped);
            }
            let current = customer_rows::Entity::find_by_id(existing)
                .one(db)
                .await?
                .ok_or(Error::NotFound)?;
            let input = CustomerInput {
                owner_id: input.owner_id.or(current.owner_id),
                ..input
            };
            customers::update(
                db,
                actor,
                existing,
                &input,
                &crate::sales::stats::OrderSummaries,
            )
            .await?;
            return Ok(Done::Updated);
        }
    }
    customers::create(db, actor, &input).await?;
    Ok(Done::Created)
}

pub(super) async fn contact_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let code = required(row, "customer_code", &mut errors);
    let name = required(row, "name", &mut errors);
    refuse(errors)?;
    let customer = customer_rows::Entity::find()
        .filter(customer_rows::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?
        .ok_or_else(|| Error::field("customer_code", messages::IMPORT_CUSTOMER_UNKNOWN))?;
    let input = ContactInput {
        name,
        title: row.get("title"),
        email: row.get("email"),
        phone: row.get("phone"),
    };
    if duplicates != Duplicates::Create && !input.email.is_empty() {
        let existing = customers::contacts_of(db, actor, customer.id)
            .await?
            .into_iter()
            .find(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(&input.email))
            });
        if let Some(existing) = existing {
            if duplicates == Duplicates::Skip {
                return Ok(Done::Skipped);
            }
            customers::update_contact(db, actor, existing.id, &input).await?;
            return Ok(Done::Updated);
        }
    }
    customers::add_contact(db, actor, customer.id, &input).await?;
    Ok(Done::Created)
}

pub(super) async fn lead_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    cache: &mut Cache,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let name = required(row, "name", &mut errors);
    let owner_id = owner(db, cache, row, &mut errors).await?;
    refuse(errors)?;
    let input = LeadInput {
        name,
        company: row.get("company"),
        email: row.get("email"),
        phone: row.get("phone"),
        source: match row.get("source").trim().to_lowercase() {
            s if s.is_empty() => "other".to_owned(),
            s => s,
        },
        owner_id,
        ..Default::default()
    };
    if duplicates != Duplicates::Create {
        let existing = leads::find_duplicates(db, actor, &input, None)
            .await?
            .into_iter()
            .find(|d| d.kind == "lead" && d.reasons.iter().any(|r| *r != "name"));
        if let Some(existing) = existing {
            if duplicates == Duplicates::Skip {
                return Ok(Done::Skipped);
            }
            leads::update(db, actor, existing.id, &input).await?;
            return Ok(Done::Updated);
        }
    }
    leads::create(db, actor, &input).await?;
    Ok(Done::Created)
}
