//! Which records of each kind an actor may open, as conditions on the
//! kind's own table: the scope each area's `get` applies, gathered in one
//! place for the views derived from many areas (a customer's timeline,
//! the notification centre), so that they show a viewer only what the
//! viewer could open through that area's page.

use std::collections::{BTreeMap, HashSet};

use sea_orm::{
    sea_query::{ColumnRef, Expr, SimpleExpr},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

use crate::{
    access::{policy, Actor, Permission, Scope},
    entities::{
        activities, customers, invoices, leads, opportunities, products, queue_members,
        report_runs, sales_orders, shipments, tickets,
    },
    Error, Result,
};

/// A kind of record a derived view can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A customer.
    Customer,
    /// A lead.
    Lead,
    /// An opportunity.
    Opportunity,
    /// A call, email, meeting, task or note.
    Activity,
    /// A quote or sales order.
    Order,
    /// An invoice (its payments and credit notes belong to it).
    Invoice,
    /// A shipment.
    Shipment,
    /// A ticket (its returns belong to it).
    Ticket,
    /// A product.
    Product,
    /// A finished report in its requester's inbox.
    ReportRun,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 10] = [
        Kind::Customer,
        Kind::Lead,
        Kind::Opportunity,
        Kind::Activity,
        Kind::Order,
        Kind::Invoice,
        Kind::Shipment,
        Kind::Ticket,
        Kind::Product,
        Kind::ReportRun,
    ];

    /// The stored name (`timeline_events.record_type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Customer => "customer",
            Kind::Lead => "lead",
            Kind::Opportunity => "opportunity",
            Kind::Activity => "activity",
            Kind::Order => "order",
            Kind::Invoice => "invoice",
            Kind::Shipment => "shipment",
            Kind::Ticket => "ticket",
            Kind::Product => "product",
            Kind::ReportRun => "report_run",
        }
    }

    /// The (read own, read all) permissions of an owner-scoped kind: each
    /// area's `scope_of` is [`scope`] with its kind, so the rule is
    /// written here once. `None` for the kinds scoped otherwise.
    pub fn owner_permissions(self) -> Option<(Permission, Permission)> {
        Some(match self {
            Kind::Customer => (Permission::CustomersRead, Permission::CustomersReadAll),
            Kind::Lead => (Permission::LeadsRead, Permission::LeadsReadAll),
            Kind::Opportunity => (
                Permission::OpportunitiesRead,
                Permission::OpportunitiesReadAll,
            ),
            Kind::Activity => (Permission::ActivitiesRead, Permission::ActivitiesReadAll),
            Kind::Order => (Permission::OrdersRead, Permission::OrdersReadAll),
            Kind::Invoice => (Permission::InvoicesRead, Permission::InvoicesReadAll),
            Kind::Shipment | Kind::Ticket | Kind::Product | Kind::ReportRun => return None,
        })
    }

    /// The kind stored as `text`.
    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The kind whose pages live under `path` (`/orders`).
    fn at(path: &str) -> Option<Kind> {
        Some(match path {
            "/customers" => Kind::Customer,
            "/leads" => Kind::Lead,
            "/opportunities" => Kind::Opportunity,
            "/orders" => Kind::Order,
            "/invoices" => Kind::Invoice,
            "/shipments" => Kind::Shipment,
            "/tickets" => Kind::Ticket,
            "/products" => Kind::Product,
            "/reports/inbox" => Kind::ReportRun,
            _ => return None,
        })
    }
}

/// One record: its kind and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Record {
    /// Its kind.
    pub kind: Kind,
    /// Its id.
    pub id: i64,
}

impl Record {
    /// The record a link of Tandem's UI points at: `/orders/12` is order
    /// 12, and an activity's row on its customer's activities tab
    /// (`/customers/3?tab=activities&activity=9`) is activity 9. `None`
    /// for a link that names no record.
    pub fn from_link(link: &str) -> Option<Record> {
        let (path, query) = link.split_once('?').unwrap_or((link, ""));
        let path = path.split('#').next().unwrap_or(path);
        let (at, id) = path.rsplit_once('/')?;
        let kind = Kind::at(at)?;
        let id = record_id(id)?;
        if kind == Kind::Customer {
            let query = query.split('#').next().unwrap_or(query);
            if let Some(activity) = query.split('&').find_map(|p| p.strip_prefix("activity=")) {
                return Some(Record {
                    kind: Kind::Activity,
                    id: record_id(activity)?,
                });
            }
        }
        Some(Record { kind, id })
    }
}

/// A positive id written in plain digits.
fn record_id(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|id| *id > 0)
}

/// What of one kind of record an actor may open.
#[derive(Clone, Debug)]
pub enum Readable {
    /// Every record of the kind.
    All,
    /// The records this condition on the kind's own table selects.
    Where(Condition),
    /// None: the actor may not read the area.
    Nothing,
}

/// The record scope of an owner-scoped `kind` for `actor`: all with the
/// kind's read-all permission, their own with its read permission,
/// forbidden otherwise. A kind scoped otherwise (tickets, shipments) is
/// forbidden here; see [`readable`].
pub fn scope(actor: &Actor, kind: Kind) -> Result<Scope> {
    let (read, read_all) = kind.owner_permissions().ok_or(Error::Forbidden)?;
    policy::scope(actor, read, read_all)
}

/// The tickets `actor` may read: everything with `tickets.read_all`;
/// otherwise the tickets assigned to them, in their queues or created by
/// them. (Whether they may read tickets at all is the caller's check.)
pub async fn ticket_condition(db: &impl ConnectionTrait, actor: &Actor) -> Result<Condition> {
    if actor.has(Permission::TicketsReadAll) {
        return Ok(Condition::all());
    }
    let mine: Vec<i64> = queue_members::Entity::find()
        .filter(queue_members::Column::UserId.eq(actor.user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.queue_id)
        .collect();
    let mut any = Condition::any()
        .add(tickets::Column::AssigneeId.eq(actor.user_id))
        .add(tickets::Column::CreatedBy.eq(actor.user_id));
    if !mine.is_empty() {
        any = any.add(tickets::Column::QueueId.is_in(mine));
    }
    Ok(any)
}

/// An owner-scoped area: its scope as [`Readable`].
fn by_owner(scope: Result<Scope>, owner: impl ColumnTrait) -> Result<Readable> {
    match scope {
        Ok(Scope::All) => Ok(Readable::All),
        Ok(own @ Scope::Own(_)) => Ok(Readable::Where(super::owned(own, owner))),
        Err(Error::Forbidden | Error::Unauthenticated) => Ok(Readable::Nothing),
        Err(other) => Err(other),
    }
}

/// The records of `kind` that `actor` may open: exactly what that kind's
/// `get` lets through (`orders::get`, `tickets::get`, …), since each arm
/// asks that area's own scope.
pub async fn readable(db: &impl ConnectionTrait, actor: &Actor, kind: Kind) -> Result<Readable> {
    let who = actor;
    match kind {
        Kind::Customer => by_owner(scope(who, Kind::Customer), customers::Column::OwnerId),
        Kind::Lead => by_owner(scope(who, Kind::Lead), leads::Column::OwnerId),
        Kind::Opportunity => by_owner(
            scope(who, Kind::Opportunity),
            opportunities::Column::OwnerId,
        ),
        Kind::Activity => by_owner(scope(who, Kind::Activity), activities::Column::OwnerId),
        Kind::Order => by_owner(scope(who, Kind::Order), sales_orders::Column::OwnerId),
        Kind::Invoice => by_owner(scope(who, Kind::Invoice), invoices::Column::OwnerId),
        // `shipments::get`: `shipments.read`, and the order in the order scope.
        Kind::Shipment => {
            if !actor.has(Permission::ShipmentsRead) {
                return Ok(Readable::Nothing);
            }
            Ok(
                match by_owner(scope(who, Kind::Order), sales_orders::Column::OwnerId)? {
                    Readable::Where(orders) => {
                        let ids = sales_orders::Entity::find()
                            .select_only()
                            .column(sales_orders::Column::Id)
                            .filter(orders)
                            .into_query();
                        Readable::Where(
                            Condition::all().add(shipments::Column::OrderId.in_subquery(ids)),
                        )
                    }
                    other => other,
                },
            )
        }
        // `tickets::get`: a reader of tickets, within [`ticket_condition`].
        Kind::Ticket => {
            if actor.has(Permission::TicketsReadAll) {
                Ok(Readable::All)
            } else if actor.has(Permission::TicketsRead) {
                Ok(Readable::Where(ticket_condition(db, actor).await?))
            } else {
                Ok(Readable::Nothing)
            }
        }
        Kind::Product => Ok(if actor.has(Permission::ProductsRead) {
            Readable::All
        } else {
            Readable::Nothing
        }),
        // `report_runs::get`: `reports.view`, and only one's own runs.
        Kind::ReportRun => Ok(if actor.has(Permission::ReportsView) {
            Readable::Where(Condition::all().add(report_runs::Column::UserId.eq(actor.user_id)))
        } else {
            Readable::Nothing
        }),
    }
}

/// `EXISTS (SELECT id FROM <E> WHERE id = <outer> AND <condition>)`.
fn exists_in<E: EntityTrait>(id: E::Column, outer: ColumnRef, condition: Condition) -> SimpleExpr {
    Expr::exists(
        E::find()
            .select_only()
            .column(id)
            .filter(Expr::col(id.as_column_ref()).equals(outer))
            .filter(condition)
            .into_query(),
    )
}

/// The SQL test that `outer` (a column holding an id of `kind`) names a
/// record that `condition` (from [`Readable::Where`]) selects: one
/// primary-key probe per row tested, so a paged query stays cheap.
pub fn exists(kind: Kind, condition: Condition, outer: ColumnRef) -> SimpleExpr {
    match kind {
        Kind::Customer => exists_in::<customers::Entity>(customers::Column::Id, outer, condition),
        Kind::Lead => exists_in::<leads::Entity>(leads::Column::Id, outer, condition),
        Kind::Opportunity => {
            exists_in::<opportunities::Entity>(opportunities::Column::Id, outer, condition)
        }
        Kind::Activity => exists_in::<activities::Entity>(activities::Column::Id, outer, condition),
        Kind::Order => {
            exists_in::<sales_orders::Entity>(sales_orders::Column::Id, outer, condition)
        }
        Kind::Invoice => exists_in::<invoices::Entity>(invoices::Column::Id, outer, condition),
        Kind::Shipment => exists_in::<shipments::Entity>(shipments::Column::Id, outer, condition),
        Kind::Ticket => exists_in::<tickets::Entity>(tickets::Column::Id, outer, condition),
        Kind::Product => exists_in::<products::Entity>(products::Column::Id, outer, condition),
        Kind::ReportRun => {
            exists_in::<report_runs::Entity>(report_runs::Column::Id, outer, condition)
        }
    }
}

/// Most ids [`openable`] names in one query. Past it, the query reads
/// every record of the kind the actor may open (through the scope alone)
/// and keeps the asked ones here: a report of every customer asks about
/// tens of thousands, more than a statement may bind.
const MAX_NAMED_IDS: usize = 1_000;

/// Of `ids` (of one kind, sorted, without repeats), those `condition`
/// selects.
async fn ids_where<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    ids: Vec<i64>,
    condition: Condition,
) -> Result<Vec<i64>> {
    let mut query = E::find().select_only().column(id).filter(condition);
    let named = ids.len() <= MAX_NAMED_IDS;
    if named {
        query = query.filter(id.is_in(ids.iter().copied()));
    }
    let found: Vec<i64> = query.into_tuple().all(db).await?;
    if named {
        return Ok(found);
    }
    Ok(found
        .into_iter()
        .filter(|f| ids.binary_search(f).is_ok())
        .collect())
}

/// Of `records`, those `actor` may open (one query per kind that needs one).
pub async fn openable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    records: impl IntoIterator<Item = Record>,
) -> Result<HashSet<Record>> {
    let mut by_kind: BTreeMap<Kind, Vec<i64>> = BTreeMap::new();
    for r in records {
        by_kind.entry(r.kind).or_default().push(r.id);
    }
    let mut out = HashSet::new();
    for (kind, mut ids) in by_kind {
        ids.sort_unstable();
        ids.dedup();
        let condition = match readable(db, actor, kind).await? {
            Readable::Nothing => continue,
            Readable::All => {
                out.extend(ids.into_iter().map(|id| Record { kind, id }));
                continue;
            }
            Readable::Where(condition) => condition,
        };
        let found = match kind {
            Kind::Customer => {
                ids_where::<customers::Entity>(db, customers::Column::Id, ids, condition).await?
            }
            Kind::Lead => ids_where::<leads::Entity>(db, leads::Column::Id, ids, condition).await?,
            Kind::Opportunity => {
                ids_where::<opportunities::Entity>(db, opportunities::Column::Id, ids, condition)
                    .await?
            }
            Kind::Activity => {
                ids_where::<activities::Entity>(db, activities::Column::Id, ids, condition).await?
            }
            Kind::Order => {
                ids_where::<sales_orders::Entity>(db, sales_orders::Column::Id, ids, condition)
                    .await?
            }
            Kind::Invoice => {
                ids_where::<invoices::Entity>(db, invoices::Column::Id, ids, condition).await?
            }
            Kind::Shipment => {
                ids_where::<shipments::Entity>(db, shipments::Column::Id, ids, condition).await?
            }
            Kind::Ticket => {
                ids_where::<tickets::Entity>(db, tickets::Column::Id, ids, condition).await?
            }
            Kind::Product => {
                ids_where::<products::Entity>(db, products::Column::Id, ids, condition).await?
            }
            Kind::ReportRun => {
                ids_where::<report_runs::Entity>(db, report_runs::Column::Id, ids, condition)
                    .await?
            }
        };
        out.extend(found.into_iter().map(|id| Record { kind, id }));
    }
    Ok(out)
}

/// What a derived view shows in place of the name of a record its viewer
/// may not open.
pub const WITHHELD: &str = crate::messages::RECORD_WITHHELD;

/// The one rule for rows of derived views (a board's ranking, a report,
/// an analysis) that name a record: a row whose record `actor` may not
/// open keeps its figures, which are the actor's own (a salesperson's
/// past orders of a customer since moved to someone else), but `hide`
/// replaces its name by [`WITHHELD`] and drops its link. `record` says
/// which record a row names (`None`: none, the row stays as it is).
/// Asks [`openable`] once for all rows: no query when the actor reads
/// every record of the kind, one per kind otherwise.
pub async fn withhold<T>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    rows: &mut [T],
    record: impl Fn(&T) -> Option<Record>,
    mut hide: impl FnMut(&mut T),
) -> Result<()> {
    let open = openable(db, actor, rows.iter().filter_map(&record)).await?;
    for row in rows.iter_mut() {
        if record(&*row).is_some_and(|r| !open.contains(&r)) {
            hide(row);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_their_records() {
        let cases: [(&str, Option<(Kind, i64)>); 16] = [
            ("/orders/12", Some((Kind::Order, 12))),
            ("/invoices/7", Some((Kind::Invoice, 7))),
            ("/tickets/3", Some((Kind::Ticket, 3))),
            ("/shipments/5", Some((Kind::Shipment, 5))),
            ("/opportunities/9", Some((Kind::Opportunity, 9))),
            ("/leads/4", Some((Kind::Lead, 4))),
            ("/customers/8", Some((Kind::Customer, 8))),
            (
                "/customers/8?tab=activities&activity=21",
                Some((Kind::Activity, 21)),
            ),
            ("/products/2", Some((Kind::Product, 2))),
            ("/reports/inbox/6", Some((Kind::ReportRun, 6))),
            ("/orders/12?tab=lines", Some((Kind::Order, 12))),
            ("/orders/new", None),
            ("/orders/-1", None),
            ("/orders/+1", None),
            ("https://evil.example/orders/1", None),
            ("/customers/8?tab=activities&activity=x", None),
        ];
        for (link, expected) in cases {
            let got = Record::from_link(link).map(|r| (r.kind, r.id));
            assert_eq!(got, expected, "{link}");
        }
    }

    #[test]
    fn every_kind_reads_back_from_its_stored_name() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("nope"), None);
    }
}
