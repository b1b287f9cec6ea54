//! Likely duplicates of a customer being entered (to warn before saving)
//! and the surely-same customer (for imports), found by normalised keys.

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{
    in_scope,
    input::{optional, CustomerInput},
    scope_of,
};
use crate::{
    access::Actor,
    crm::duplicates,
    entities::customers,
    platform::normalize::{self, name_key, normalize_phone, phone_key, tax_key},
    Result,
};

/// A likely duplicate of the customer being entered.
#[derive(Clone, Debug, PartialEq)]
pub struct Duplicate {
    /// The existing customer.
    pub id: i64,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Why it matches: `email`, `phone`, `tax_id`, `name`.
    pub reasons: Vec<&'static str>,
}

/// The keys a duplicate check looks up, from an input whose lengths were
/// checked first (see [`duplicates::check_lengths`]).
struct Keys {
    email: Option<String>,
    phone: Option<String>,
    tax: Option<String>,
    name: String,
}

fn keys(input: &CustomerInput) -> Result<Keys> {
    use crate::messages::{EMAIL_INVALID, MAX_200, MAX_60, PHONE_INVALID};
    duplicates::check_lengths(&[
        ("name", input.name.as_str(), 200, MAX_200),
        ("email", input.email.as_str(), 254, EMAIL_INVALID),
        ("phone", input.phone.as_str(), 40, PHONE_INVALID),
        ("tax_id", input.tax_id.as_str(), 60, MAX_60),
    ])?;
    Ok(Keys {
        email: optional(&input.email).map(|e| e.to_lowercase()),
        phone: optional(&input.phone)
            .and_then(|p| normalize_phone(&p))
            .map(|p| phone_key(&p)),
        tax: optional(&input.tax_id)
            .map(|t| tax_key(&t))
            .filter(|t| !t.is_empty()),
        name: name_key(&input.name),
    })
}

/// Existing customers (within the actor's scope, archived included) that
/// share the input's email, phone or tax id, or have a very similar name:
/// the exact keys are looked up first, each by its own index, and come
/// first (the most keys in common first); similar names follow (the same
/// normalised name, then the most similar); ties by id; at most
/// [`duplicates::SHOWN`]. An input longer than a customer may be is
/// refused before any work.
pub async fn find_duplicates(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: &CustomerInput,
    except: Option<i64>,
) -> Result<Vec<Duplicate>> {
    use customers::Column as C;
    let scope = scope_of(actor)?;
    let keys = keys(input)?;
    let mut base = customers::Entity::find().filter(in_scope(scope));
    if let Some(id) = except {
        base = base.filter(C::Id.ne(id));
    }
    let found = duplicates::candidates(
        db,
        base,
        C::Id,
        &[
            (C::EmailKey, keys.email.as_deref()),
            (C::PhoneKey, keys.phone.as_deref()),
            (C::TaxKey, keys.tax.as_deref()),
        ],
        (C::NameKey, keys.name.as_str()),
    )
    .await?;
    // Each customer once, however many ways it was found.
    let found: std::collections::BTreeMap<i64, customers::Model> =
        found.into_iter().map(|c| (c.id, c)).collect();
    let ranked: Vec<duplicates::Ranked<Duplicate>> = found
        .into_values()
        .filter_map(|c| {
            let mut reasons = Vec::new();
            if keys.email.is_some() && c.email_key == keys.email {
                reasons.push("email");
            }
            if keys.phone.is_some() && c.phone_key == keys.phone {
                reasons.push("phone");
            }
            if keys.tax.is_some() && c.tax_key == keys.tax {
                reasons.push("tax_id");
            }
            let exact_keys = reasons.len();
            let same_name = !keys.name.is_empty() && c.name_key == keys.name;
            let similarity = normalize::similarity(&keys.name, &c.name_key);
            if same_name || similarity >= normalize::SIMILAR {
                reasons.push("name");
            }
            (!reasons.is_empty()).then_some(duplicates::Ranked {
                exact_keys,
                same_name,
                similarity,
                item: Duplicate {
                    id: c.id,
                    code: c.code,
                    name: c.name,
                    reasons,
                },
            })
        })
        .collect();
    Ok(duplicates::ranked(ranked, |a, b| a.id.cmp(&b.id)))
}

/// The existing customer (in the actor's scope, archived included) that is
/// surely the input's: the same email, phone or tax id, or the same name
/// once normalised. For imports, where a merely similar name must not
/// overwrite a record; indexed lookups only.
pub async fn find_same(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: &CustomerInput,
) -> Result<Option<i64>> {
    let scope = scope_of(actor)?;
    let keys = keys(input)?;
    let mut any = Condition::any().add(customers::Column::NameKey.eq(keys.name));
    if let Some(email) = keys.email {
        any = any.add(customers::Column::EmailKey.eq(email));
    }
    if let Some(phone) = keys.phone {
        any = any.add(customers::Column::PhoneKey.eq(phone));
    }
    if let Some(tax) = keys.tax {
        any = any.add(customers::Column::TaxKey.eq(tax));
    }
    // Every match's id, then the oldest: `ORDER BY id LIMIT 1` invites the
    // planner to walk the primary key hoping for an early match, reading
    // the whole table when there is none; this way each key's index is
    // used (an import checks every row).
    let ids: Vec<i64> = customers::Entity::find()
        .select_only()
        .column(customers::Column::Id)
        .filter(in_scope(scope))
        .filter(any)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().min())
}
