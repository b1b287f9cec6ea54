//! One row as the per-kind importers read it: its cells by field, the
//! checks every kind shares (required, numbers, money, yes/no, owner), and
//! the lookups a run caches.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use crate::{access::users, messages, money::parse_minor, Error, FieldErrors, Result};

use super::{parse::squash, Mapping};

/// What one row did.
pub(super) enum Done {
    Created,
    Updated,
    Skipped,
}

/// Lookups shared by all rows of a run.
#[derive(Default)]
pub(super) struct Cache {
    users: HashMap<String, Option<i64>>,
    pub(super) warehouses: HashMap<String, Option<i64>>,
    pub(super) suppliers: HashMap<String, Option<i64>>,
}

pub(super) struct Row<'a> {
    pub(super) headers: &'a [String],
    pub(super) cells: &'a [String],
    pub(super) mapping: &'a Mapping,
}

impl Row<'_> {
    pub(super) fn get(&self, field: &str) -> String {
        self.mapping
            .get(field)
            .and_then(|h| self.headers.iter().position(|x| x == h))
            .and_then(|i| self.cells.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

pub(super) fn required(row: &Row<'_>, field: &str, errors: &mut FieldErrors) -> String {
    let value = row.get(field);
    if value.is_empty() {
        errors.insert(field.into(), messages::IMPORT_VALUE_REQUIRED.into());
    }
    value
}

pub(super) fn number<T: std::str::FromStr>(
    row: &Row<'_>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<T> {
    let text = row.get(field).replace([',', ' '], "");
    if text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.insert(field.into(), messages::IMPORT_NUMBER.into());
            None
        }
    }
}

pub(super) fn money(row: &Row<'_>, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    let text = row.get(field);
    if text.is_empty() {
        return None;
    }
    match parse_minor(&text, field) {
        Ok(v) => Some(v),
        Err(Error::Validation(e)) => {
            errors.extend(e);
            None
        }
        Err(_) => None,
    }
}

pub(super) fn flag(text: &str) -> Option<bool> {
    match squash(text).as_str() {
        "" => None,
        "1" | "yes" | "y" | "true" | "active" | "是" | "启用" => Some(true),
        "0" | "no" | "n" | "false" | "inactive" | "否" | "停用" => Some(false),
        _ => None,
    }
}

async fn user_id(db: &impl ConnectionTrait, cache: &mut Cache, email: &str) -> Result<Option<i64>> {
    if let Some(found) = cache.users.get(email) {
        return Ok(*found);
    }
    let found = users::id_by_email(db, email).await?;
    cache.users.insert(email.to_owned(), found);
    Ok(found)
}

pub(super) async fn owner(
    db: &impl ConnectionTrait,
    cache: &mut Cache,
    row: &Row<'_>,
    errors: &mut FieldErrors,
) -> Result<Option<i64>> {
    let email = row.get("owner_email");
    if email.is_empty() {
        return Ok(None);
    }
    let found = user_id(db, cache, &email).await?;
    if found.is_none() {
        errors.insert("owner_email".into(), messages::IMPORT_USER_UNKNOWN.into());
    }
    Ok(found)
}

pub(super) fn refuse(errors: FieldErrors) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}
