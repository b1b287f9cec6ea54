//! What the duplicate checks of customers and leads share: the input's
//! lengths checked before any work (the checks run as a form is typed, and
//! comparing a huge name cost seconds), candidates read by each exact key's
//! own index first and then by the name's neighbours, and one ranking.

use std::cmp::Ordering;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::{access::scope, Error, FieldErrors, Result};

/// Most likely duplicates a check returns.
pub const SHOWN: usize = 10;
/// Rows read per exact key (email, phone, tax id).
const PER_KEY: u64 = 50;
/// Rows read on each side of the name, in name order, as candidates for a
/// similar name.
const NEIGHBOURS: u64 = 100;

/// Refuses every `(field, text, most characters, message)` whose trimmed
/// text is longer, reading no further than that.
pub(crate) fn check_lengths(fields: &[(&str, &str, usize, &str)]) -> Result<()> {
    let errors: FieldErrors = fields
        .iter()
        .filter(|(_, text, max, _)| text.trim().chars().nth(*max).is_some())
        .map(|(field, _, _, message)| ((*field).to_owned(), (*message).to_owned()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// Candidates from `base` (a query already limited to the actor's scope):
/// first the rows sharing each of `keys` exactly, each key by its own index
/// (lowest `id` first), however many rows share the name's start; then the
/// rows next to the name key in name order, among those sharing its first
/// three characters. A row may come more than once.
pub(crate) async fn candidates<E: EntityTrait>(
    db: &impl ConnectionTrait,
    base: Select<E>,
    id: E::Column,
    keys: &[(E::Column, Option<&str>)],
    name: (E::Column, &str),
) -> Result<Vec<E::Model>> {
    let mut found = Vec::new();
    for (column, value) in keys {
        let Some(value) = value else { continue };
        let same = base
            .clone()
            .filter(column.eq(*value))
            .order_by_asc(id)
            .limit(PER_KEY)
            .all(db)
            .await?;
        found.extend(same);
    }
    let (column, key) = name;
    let start: String = key.chars().take(3).collect();
    if !start.is_empty() {
        let near = base.filter(scope::prefix(column, &start));
        let after = near
            .clone()
            .filter(column.gte(key))
            .order_by_asc(column)
            .order_by_asc(id)
            .limit(NEIGHBOURS)
            .all(db)
            .await?;
        let before = near
            .filter(column.lt(key))
            .order_by_desc(column)
            .order_by_desc(id)
            .limit(NEIGHBOURS)
            .all(db)
            .await?;
        found.extend(after);
        found.extend(before);
    }
    Ok(found)
}

/// A likely duplicate with what ranks it.
pub(crate) struct Ranked<T> {
    /// Exact keys in common (email, phone, tax id).
    pub(crate) exact_keys: usize,
    /// The same normalised name.
    pub(crate) same_name: bool,
    /// Name similarity, 0.0..=1.0.
    pub(crate) similarity: f64,
    /// The duplicate itself.
    pub(crate) item: T,
}

/// `found` in order: the most exact keys in common first (so every exact
/// match precedes every merely similar name), then the same name, then the
/// most similar, then `tie`; at most [`SHOWN`].
pub(crate) fn ranked<T>(mut found: Vec<Ranked<T>>, tie: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    found.sort_by(|a, b| {
        b.exact_keys
            .cmp(&a.exact_keys)
            .then(b.same_name.cmp(&a.same_name))
            .then(b.similarity.total_cmp(&a.similarity))
            .then_with(|| tie(&a.item, &b.item))
    });
    found.into_iter().take(SHOWN).map(|r| r.item).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_checked_on_the_trimmed_text() {
        let long = "x".repeat(201);
        let padded = format!("  {}  ", "x".repeat(200));
        assert!(check_lengths(&[("name", padded.as_str(), 200, "too long")]).is_ok());
        let Err(Error::Validation(fields)) = check_lengths(&[
            ("name", long.as_str(), 200, "too long"),
            ("phone", "+49 30 1234567", 40, "bad"),
        ]) else {
            panic!("not refused");
        };
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["name"]);
    }

    #[test]
    fn exact_keys_rank_before_names_and_ties_go_by_the_tie_breaker() {
        let r = |exact_keys, same_name, similarity, item| Ranked {
            exact_keys,
            same_name,
            similarity,
            item,
        };
        let order = ranked(
            vec![
                r(0, false, 0.9, 5),
                r(1, false, 0.0, 4),
                r(0, true, 1.0, 3),
                r(2, false, 0.0, 2),
                r(1, false, 0.0, 1),
                r(0, false, 0.7, 6),
            ],
            |a: &i32, b: &i32| a.cmp(b),
        );
        assert_eq!(order, [2, 1, 4, 3, 5, 6]);
    }
}
