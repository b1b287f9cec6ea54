//! What the four summary tables share ([`Table`]) and how their rows are
//! written and read: relative increments, reads in id order, replacement.

use std::collections::BTreeMap;

use sea_orm::{
    sea_query::{Alias, Expr, OnConflict},
    ConnectionTrait, EntityTrait, QueryOrder,
};

use super::keys::Measures;
use crate::Result;

/// Adds each row's measures to the summary row with its key, inserting
/// the row when it is missing (`measure = measure + excluded.measure`, so
/// concurrent writers never overwrite each other). Rows come in key order,
/// so two writers cannot deadlock on them.
async fn upsert_sums<E>(
    db: &impl ConnectionTrait,
    rows: Vec<E::ActiveModel>,
    keys: &[E::Column],
    measures: &[E::Column],
) -> Result<()>
where
    E: EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel>,
{
    let mut conflict = OnConflict::columns(keys.iter().copied());
    for &col in measures {
        conflict.value(
            col,
            Expr::col((E::default(), col)).add(Expr::col((Alias::new("excluded"), col))),
        );
    }
    for row in rows {
        E::insert(row)
            .on_conflict(conflict.clone())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// What the four summaries share: a key, measures that add up, and one
/// table row per key (unique on the key columns).
pub(super) trait Table {
    /// The summary's key.
    type Key: Ord + Clone;
    /// Its measures.
    type Counts: Measures;
    /// Its table.
    type Entity: EntityTrait;
    /// The key columns (the unique key the upsert conflicts on).
    fn keys() -> Vec<<Self::Entity as EntityTrait>::Column>;
    /// The measure columns.
    fn measures() -> Vec<<Self::Entity as EntityTrait>::Column>;
    /// The id column (rows are read in its order).
    fn id() -> <Self::Entity as EntityTrait>::Column;
    /// The row of `key` holding `counts`.
    fn row(key: &Self::Key, counts: &Self::Counts) -> <Self::Entity as EntityTrait>::ActiveModel;
    /// A stored row's key and measures.
    fn read(row: <Self::Entity as EntityTrait>::Model) -> (Self::Key, Self::Counts);
}

/// Adds `delta` to the summary rows, in key order (rows of zero left out).
pub(super) async fn add<T: Table>(
    db: &impl ConnectionTrait,
    delta: &BTreeMap<T::Key, T::Counts>,
) -> Result<()>
where
    <T::Entity as EntityTrait>::Model:
        sea_orm::IntoActiveModel<<T::Entity as EntityTrait>::ActiveModel>,
{
    let rows = delta
        .iter()
        .filter(|(_, c)| !c.is_zero())
        .map(|(key, counts)| T::row(key, counts))
        .collect();
    upsert_sums::<T::Entity>(db, rows, &T::keys(), &T::measures()).await
}

/// The summary as maintained (rows summing to zero left out).
pub(super) async fn stored<T: Table>(
    db: &impl ConnectionTrait,
) -> Result<BTreeMap<T::Key, T::Counts>> {
    let rows = T::Entity::find().order_by_asc(T::id()).all(db).await?;
    Ok(rows
        .into_iter()
        .map(T::read)
        .filter(|(_, c)| !c.is_zero())
        .collect())
}

/// Replaces the summary's rows with `fresh`, 1,000 per statement.
pub(super) async fn replace<T: Table>(
    db: &impl ConnectionTrait,
    fresh: &BTreeMap<T::Key, T::Counts>,
) -> Result<()>
where
    <T::Entity as EntityTrait>::Model:
        sea_orm::IntoActiveModel<<T::Entity as EntityTrait>::ActiveModel>,
{
    T::Entity::delete_many().exec(db).await?;
    let rows: Vec<<T::Entity as EntityTrait>::ActiveModel> = fresh
        .iter()
        .map(|(key, counts)| T::row(key, counts))
        .collect();
    for chunk in rows.chunks(1_000) {
        T::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
