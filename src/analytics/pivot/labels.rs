//! Row and column labels: record ids turned into names, withheld where
//! the actor may not open the record.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use crate::{
    access::{scope::records, Actor},
    entities::{pipeline_stages, products, queues, warehouses},
    Result,
};

/// Names by id of one kind of record.
async fn names(
    db: &impl ConnectionTrait,
    what: &str,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>> {
    use crate::platform::lookup::text_by_id;
    match what {
        "customer" => crate::crm::customers::names(db, ids).await,
        "owner" | "assignee" => crate::access::users::names(db, ids).await,
        "warehouse" => {
            text_by_id::<warehouses::Entity>(
                db,
                ids,
                warehouses::Column::Id,
                warehouses::Column::Code,
            )
            .await
        }
        "product" => {
            text_by_id::<products::Entity>(db, ids, products::Column::Id, products::Column::Sku)
                .await
        }
        "stage" => {
            text_by_id::<pipeline_stages::Entity>(
                db,
                ids,
                pipeline_stages::Column::Id,
                pipeline_stages::Column::Name,
            )
            .await
        }
        "queue" => {
            text_by_id::<queues::Entity>(db, ids, queues::Column::Id, queues::Column::Name).await
        }
        _ => Ok(HashMap::new()),
    }
}

/// Turns per-record dimension values into labels: ids become names. A
/// customer or product the actor may not open (a customer since moved to
/// another salesperson) keeps its row or column, with its figures, under
/// [`records::WITHHELD`] instead of its name ([`records::withhold`]).
pub(super) async fn label(
    db: &impl ConnectionTrait,
    actor: &Actor,
    dim: &str,
    raw: Vec<String>,
) -> Result<Vec<String>> {
    if !matches!(
        dim,
        "customer" | "owner" | "assignee" | "warehouse" | "product" | "stage" | "queue"
    ) {
        return Ok(raw);
    }
    let ids: Vec<i64> = raw.iter().filter_map(|v| v.parse().ok()).collect();
    let names = names(db, dim, ids).await?;
    let mut labels: Vec<(Option<i64>, String)> = raw
        .into_iter()
        .map(|v| {
            let id = v.parse::<i64>().ok();
            let name = id.and_then(|id| names.get(&id).cloned());
            (id, name.unwrap_or_default())
        })
        .collect();
    let kind = match dim {
        "customer" => Some(records::Kind::Customer),
        "product" => Some(records::Kind::Product),
        _ => None,
    };
    if let Some(kind) = kind {
        records::withhold(
            db,
            actor,
            &mut labels[..],
            |(id, _)| id.map(|id| records::Record { kind, id }),
            |(_, name)| *name = records::WITHHELD.to_owned(),
        )
        .await?;
    }
    Ok(labels.into_iter().map(|(_, name)| name).collect())
}
