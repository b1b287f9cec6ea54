//! Customers (companies and people) and the contacts of companies: create,
//! edit, archive, list within the actor's record scope, and find likely
//! duplicates before saving. Every change is audited.

mod bulk;
mod contacts;
mod create;
mod duplicates;
mod input;
mod list;
mod merge;
mod overview;
mod update;

pub use self::bulk::{bulk, check_selection, Bulk};
pub(crate) use self::contacts::insert_contact;
pub use self::contacts::{add_contact, contacts_of, remove_contact, update_contact, ContactInput};
pub use self::create::create;
pub(crate) use self::create::{insert_checked, insert_demo, insert_for_review};
pub use self::duplicates::{find_duplicates, find_same, Duplicate};
pub(crate) use self::input::optional;
pub use self::input::{check, CustomerInput};
pub use self::list::{
    list, names, names_for, pick, rows, segment_customers, segments, CustomerFilter, CustomerRow,
};
pub use self::merge::{merge, Merged, CUSTOMER_REFERENCES};
pub use self::overview::{
    abilities, detail, get, overview, owner_name, Abilities, CustomerDetail, Overview,
};
pub use self::update::{set_archived, update, NoFigures, Regroup};

use sea_orm::Condition;
use serde_json::json;

use crate::{
    access::{scope, Actor, Scope},
    entities::customers,
    Result,
};

/// The record scope for customers (also asked by the views derived from them).
pub(crate) fn scope_of(actor: &Actor) -> Result<Scope> {
    crate::access::scope::records::scope(actor, crate::access::scope::records::Kind::Customer)
}

fn in_scope(scope: Scope) -> Condition {
    scope::owned(scope, customers::Column::OwnerId)
}

fn snapshot(c: &customers::Model) -> serde_json::Value {
    json!({
        "code": c.code, "kind": c.kind, "name": c.name, "email": c.email, "phone": c.phone,
        "address": c.address, "tax_id": c.tax_id, "segment": c.segment, "tags": c.tags,
        "owner_id": c.owner_id, "credit_limit_minor": c.credit_limit_minor, "currency": c.currency,
        "payment_terms_days": c.payment_terms_days, "archived": c.archived,
    })
}
