//! Customers (companies and people) and the contacts of companies: create,
//! edit, archive, list within the actor's record scope, and find likely
//! duplicates before saving. Every change is audited.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::json;

use crate::{
    auth::{policy, Actor, Permission, Scope},
    entities::{contacts, customers, users},
    services::{
        audit::{self, Entry, Who},
        duplicates,
        normalize::{self, name_key, normalize_phone, phone_key, tax_key},
        page::{paginate_after, Page},
        scope,
        timeline::{self, Event},
        users::validate_email,
    },
    Error, FieldErrors, Result,
};

/// What a customer form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerInput {
    /// `company` or `person`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Postal address.
    pub address: String,
    /// Tax id.
    pub tax_id: String,
    /// Segment.
    pub segment: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Owning sales user (defaults to the actor).
    pub owner_id: Option<i64>,
    /// Credit limit in minor units.
    pub credit_limit_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Payment terms in days.
    pub payment_terms_days: i32,
    /// Notes.
    pub notes: String,
}

/// A validated customer, with its normalised keys.
#[derive(Clone, Debug)]
struct Valid {
    kind: &'static str,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    address: String,
    tax_id: Option<String>,
    segment: String,
    tags: String,
    credit_limit_minor: i64,
    currency: String,
    payment_terms_days: i32,
    notes: String,
}

pub(crate) fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Longest postal address, in characters.
const MAX_ADDRESS: usize = 1000;
/// Longest notes, in characters.
const MAX_NOTES: usize = 10_000;

/// Checks every field and reports all problems at once.
fn validate(input: &CustomerInput) -> Result<Valid> {
    let mut errors = FieldErrors::new();
    let kind = match input.kind.trim() {
        "company" => "company",
        "person" => "person",
        _ => {
            errors.insert("kind".into(), crate::messages::CUSTOMER_KIND.into());
            "company"
        }
    };
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), crate::messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), crate::messages::MAX_200.into());
    }
    let email = match optional(&input.email) {
        Some(email) => match validate_email(&email) {
            Ok(email) => Some(email),
            Err(_) => {
                errors.insert("email".into(), crate::messages::EMAIL_INVALID.into());
                None
            }
        },
        None => None,
    };
    let phone = match optional(&input.phone) {
        Some(phone) => match normalize_phone(&phone) {
            Some(phone) => Some(phone),
            None => {
                errors.insert("phone".into(), crate::messages::PHONE_INVALID.into());
                None
            }
        },
        None => None,
    };
    let tax_id = optional(&input.tax_id);
    if tax_id.as_ref().is_some_and(|t| t.chars().count() > 60) {
        errors.insert("tax_id".into(), crate::messages::MAX_60.into());
    }
    let currency =
        crate::services::normalize::currency_code(&input.currency).unwrap_or_else(|| {
            errors.insert("currency".into(), crate::messages::CURRENCY_INVALID.into());
            String::new()
        });
    if input.credit_limit_minor < 0 {
        errors.insert("credit_limit".into(), crate::messages::NOT_NEGATIVE.into());
    }
    if !(0..=365).contains(&input.payment_terms_days) {
        errors.insert(
            "payment_terms_days".into(),
            crate::messages::TERMS_RANGE.into(),
        );
    }
    if input.segment.trim().chars().count() > 60 {
        errors.insert("segment".into(), crate::messages::MAX_60.into());
    }
    let mut tags: Vec<String> = input
        .tags
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    if tags
        .iter()
        .any(|t| t.contains(',') || t.chars().count() > 40)
    {
        errors.insert("tags".into(), crate::messages::TAG_INVALID.into());
    }
    if input.address.trim().chars().count() > MAX_ADDRESS {
        errors.insert("address".into(), crate::messages::MAX_1000.into());
    }
    if input.notes.trim().chars().count() > MAX_NOTES {
        errors.insert("notes".into(), crate::messages::TOO_LONG.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(Valid {
        kind,
        name,
        email,
        phone,
        address: input.address.trim().to_owned(),
        tax_id,
        segment: input.segment.trim().to_owned(),
        tags: tags.join(","),
        credit_limit_minor: input.credit_limit_minor,
        currency,
        payment_terms_days: input.payment_terms_days,
        notes: input.notes.trim().to_owned(),
    })
}

/// Checks a customer's fields without saving, reporting every problem.
pub fn check(input: &CustomerInput) -> Result<()> {
    validate(input).map(|_| ())
}

/// The record scope for customers (also asked by the views derived from them).
pub(crate) fn scope_of(actor: Option<&Actor>) -> Result<Scope> {
    policy::scope(
        actor,
        Permission::CustomersRead,
        Permission::CustomersReadAll,
    )
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

async fn check_owner(db: &impl ConnectionTrait, owner: Option<i64>) -> Result<()> {
    if let Some(owner) = owner {
        let exists = users::Entity::find_by_id(owner)
            .one(db)
            .await?
            .is_some_and(|u| u.active);
        if !exists {
            return Err(Error::field("owner_id", crate::messages::OWNER_INVALID));
        }
    }
    Ok(())
}

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
    actor: Option<&Actor>,
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
    actor: Option<&Actor>,
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

/// Creates a customer owned by `input.owner_id` (or the actor). Needs
/// `customers.write`; assigning another owner needs `customers.read_all`.
/// The code is `CUS-` and the id, unique under concurrency.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    input: &CustomerInput,
) -> Result<customers::Model> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    let valid = validate(input)?;
    let owner = input.owner_id.unwrap_or(actor.user_id);
    if owner != actor.user_id && !actor.has(Permission::CustomersReadAll) {
        return Err(Error::Forbidden);
    }
    let txn = db.begin().await?;
    check_owner(&txn, Some(owner)).await?;
    let created = insert(&txn, &valid, Some(owner), Who::Actor(actor)).await?;
    txn.commit().await?;
    Ok(created)
}

/// Validates and inserts a customer for `owner` inside the caller's
/// transaction (lead conversion); the caller has checked permissions.
pub(crate) async fn insert_checked(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    input: &CustomerInput,
    owner: i64,
) -> Result<customers::Model> {
    let valid = validate(input)?;
    check_owner(txn, Some(owner)).await?;
    insert(txn, &valid, Some(owner), Who::Actor(actor)).await
}

/// Inserts a validated customer, gives it its code and audits it, inside
/// the caller's transaction.
async fn insert(
    txn: &impl ConnectionTrait,
    valid: &Valid,
    owner: Option<i64>,
    who: Who<'_>,
) -> Result<customers::Model> {
    let now = Utc::now();
    // A unique placeholder until the id is known; the code is derived from the id.
    let placeholder = format!("TMP-{}", uuid::Uuid::new_v4().simple());
    let row = customers::ActiveModel {
        code: Set(placeholder),
        owner_id: Set(owner),
        archived: Set(false),
        created_at: Set(now),
        ..apply(<customers::ActiveModel as Default>::default(), valid, now)
    };
    let id = customers::Entity::insert(row)
        .exec(txn)
        .await?
        .last_insert_id;
    let mut model: customers::ActiveModel = customers::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound)?
        .into();
    model.code = Set(format!("CUS-{id:06}"));
    let created = model.update(txn).await?;
    audit::record(
        txn,
        who,
        Entry::new("customer.created", "customer", Some(id.to_string())).after(snapshot(&created)),
    )
    .await?;
    Ok(created)
}

/// Creates a customer nobody owns yet, from the public support form,
/// tagged `to-review` so that sales can review it (no permission check:
/// the form is public; the caller validated the requester).
pub(crate) async fn insert_for_review(
    txn: &impl ConnectionTrait,
    input: &CustomerInput,
) -> Result<customers::Model> {
    let valid = validate(input)?;
    insert(txn, &valid, None, Who::System).await
}

/// Creates demo customers for `owner` (no permission check; `seed-demo` only).
pub(crate) async fn insert_demo(
    txn: &impl ConnectionTrait,
    owner: i64,
    input: &CustomerInput,
    contacts: &[ContactInput],
) -> Result<()> {
    let valid = validate(input)?;
    let created = insert(txn, &valid, Some(owner), Who::System).await?;
    let now = Utc::now();
    for contact in contacts {
        let (name, title, email, phone) = validate_contact(contact)?;
        let row = contacts::ActiveModel {
            customer_id: Set(created.id),
            name: Set(name),
            title: Set(title),
            email: Set(email),
            phone: Set(phone),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        contacts::Entity::insert(row)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

fn apply(
    mut model: customers::ActiveModel,
    valid: &Valid,
    now: chrono::DateTime<Utc>,
) -> customers::ActiveModel {
    model.kind = Set(valid.kind.to_owned());
    model.name = Set(valid.name.clone());
    model.name_key = Set(name_key(&valid.name));
    model.email = Set(valid.email.clone());
    model.email_key = Set(valid.email.as_ref().map(|e| e.to_lowercase()));
    model.phone = Set(valid.phone.clone());
    model.phone_key = Set(valid.phone.as_deref().map(phone_key));
    model.address = Set(valid.address.clone());
    model.tax_id = Set(valid.tax_id.clone());
    model.tax_key = Set(valid.tax_id.as_deref().map(tax_key));
    model.segment = Set(valid.segment.clone());
    model.tags = Set(valid.tags.clone());
    model.credit_limit_minor = Set(valid.credit_limit_minor);
    model.currency = Set(valid.currency.clone());
    model.payment_terms_days = Set(valid.payment_terms_days);
    model.notes = Set(valid.notes.clone());
    model.updated_at = Set(now);
    model
}

/// What the actor may do to customers in scope, for the UI's buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Abilities {
    /// See customers at all.
    pub read: bool,
    /// Merge duplicates.
    pub merge: bool,
    /// Edit customers and their contacts.
    pub write: bool,
    /// Archive and restore customers.
    pub archive: bool,
}

/// The actor's abilities on customers, from the same policy the writes use.
pub fn abilities(actor: Option<&Actor>) -> Abilities {
    Abilities {
        read: scope_of(actor).is_ok(),
        merge: policy::require(actor, Permission::CustomersMerge).is_ok(),
        write: policy::require(actor, Permission::CustomersWrite).is_ok(),
        archive: policy::require(actor, Permission::CustomersArchive).is_ok(),
    }
}

/// One customer within the actor's scope (out of scope is "not found").
pub async fn get(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<customers::Model> {
    let scope = scope_of(actor)?;
    customers::Entity::find_by_id(id)
        .filter(in_scope(scope))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Edits a customer. Needs `customers.write` and the customer in scope.
pub async fn update(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
    input: &CustomerInput,
) -> Result<customers::Model> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    let valid = validate(input)?;
    let txn = db.begin().await?;
    let before = get(&txn, Some(actor), id).await?;
    let owner = input.owner_id.or(before.owner_id);
    if owner != before.owner_id && !actor.has(Permission::CustomersReadAll) {
        return Err(Error::Forbidden);
    }
    check_owner(&txn, owner).await?;
    let mut model = apply(before.clone().into(), &valid, Utc::now());
    model.owner_id = Set(owner);
    // The order summary counts orders under their customer's segment.
    let counted = if valid.segment != before.segment {
        Some(crate::services::stats::Snapshot::of_customer(&txn, id).await?)
    } else {
        None
    };
    let after = model.update(&txn).await?;
    if let Some(counted) = counted {
        counted.apply(&txn).await?;
    }
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("customer.updated", "customer", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Archives or restores a customer. Needs `customers.archive` and the customer in scope.
pub async fn set_archived(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    id: i64,
    archived: bool,
) -> Result<()> {
    let actor = policy::require(actor, Permission::CustomersArchive)?;
    let txn = db.begin().await?;
    let before = get(&txn, Some(actor), id).await?;
    if before.archived == archived {
        return Ok(());
    }
    let mut model: customers::ActiveModel = before.into();
    model.archived = Set(archived);
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            if archived {
                "customer.archived"
            } else {
                "customer.restored"
            },
            "customer",
            Some(id.to_string()),
        )
        .before(json!({ "archived": !archived }))
        .after(json!({ "archived": archived })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Filters for the customers list.
#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    /// Part of the name, code, email or phone.
    pub search: Option<String>,
    /// Include archived customers.
    pub include_archived: bool,
    /// Only this segment.
    pub segment: Option<String>,
    /// Only customers of this owner.
    pub owner_id: Option<i64>,
    /// Only customers with this tag.
    pub tag: Option<String>,
    /// `name` (default), `-name`, `code`, `-created`, `created`.
    pub sort: String,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page (capped at 100).
    pub per_page: u64,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// Customers in the actor's scope matching the filter, by name.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    filter: &CustomerFilter,
) -> Result<Page<customers::Model>> {
    let scope = scope_of(actor)?;
    let mut condition = in_scope(scope);
    if !filter.include_archived {
        condition = condition.add(customers::Column::Archived.eq(false));
    }
    // A tag or segment is at most 40 or 60 characters; a longer filter matches nothing.
    let longer = |text: &Option<String>, max: usize| {
        text.as_deref()
            .is_some_and(|t| t.trim().chars().count() > max)
    };
    if longer(&filter.tag, 40) {
        return Err(Error::field("tag", crate::messages::TAG_INVALID));
    }
    if longer(&filter.segment, 60) {
        return Err(Error::field("segment", crate::messages::MAX_60));
    }
    if let Some(text) = scope::search_text(filter.search.as_deref())? {
        // Prefixes, as index ranges: the name (normalised), the code, the
        // email and the phone's digits.
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let mut any = Condition::any()
            .add(scope::prefix(customers::Column::NameKey, &name_key(&text)))
            .add(scope::prefix(customers::Column::Code, &text.to_uppercase()))
            .add(scope::prefix(customers::Column::EmailKey, &text));
        if digits.len() >= 3 {
            any = any.add(scope::prefix(customers::Column::PhoneKey, &digits));
        }
        condition = condition.add(any);
    }
    if let Some(segment) = filter.segment.as_deref().filter(|s| !s.is_empty()) {
        condition = condition.add(customers::Column::Segment.eq(segment));
    }
    if let Some(owner) = filter.owner_id {
        condition = condition.add(customers::Column::OwnerId.eq(owner));
    }
    if let Some(tag) = filter
        .tag
        .as_deref()
        .map(|t| t.trim().to_lowercase().replace(['\\', '%', '_', ','], ""))
        .filter(|t| !t.is_empty())
    {
        condition = condition.add(
            Condition::any()
                .add(customers::Column::Tags.eq(tag.clone()))
                .add(customers::Column::Tags.starts_with(format!("{tag},")))
                .add(customers::Column::Tags.ends_with(format!(",{tag}")))
                .add(customers::Column::Tags.contains(format!(",{tag},"))),
        );
    }
    use customers::Column as C;
    let query = customers::Entity::find().filter(condition);
    let query = match filter.sort.as_str() {
        "-name" => query.order_by_desc(C::NameKey).order_by_desc(C::Id),
        "code" => query.order_by_asc(C::Code),
        "created" => query.order_by_asc(C::CreatedAt).order_by_asc(C::Id),
        "-created" => query.order_by_desc(C::CreatedAt).order_by_desc(C::Id),
        _ => query.order_by_asc(C::NameKey).order_by_asc(C::Id),
    };
    paginate_after(
        db,
        query,
        C::Id,
        filter.after,
        filter.page,
        filter.per_page,
        100,
    )
    .await
}

/// What a contact form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactInput {
    /// Name.
    pub name: String,
    /// Job title.
    pub title: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
}

fn validate_contact(
    input: &ContactInput,
) -> Result<(String, String, Option<String>, Option<String>)> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), crate::messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), crate::messages::MAX_200.into());
    }
    if input.title.trim().chars().count() > 100 {
        errors.insert("title".into(), crate::messages::MAX_100.into());
    }
    let email = optional(&input.email).and_then(|e| match validate_email(&e) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.insert("email".into(), crate::messages::EMAIL_INVALID.into());
            None
        }
    });
    let phone = optional(&input.phone).and_then(|p| match normalize_phone(&p) {
        Some(p) => Some(p),
        None => {
            errors.insert("phone".into(), crate::messages::PHONE_INVALID.into());
            None
        }
    });
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok((name, input.title.trim().to_owned(), email, phone))
}

/// The contacts of a customer in scope, by name.
pub async fn contacts_of(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    customer_id: i64,
) -> Result<Vec<contacts::Model>> {
    get(db, actor, customer_id).await?;
    Ok(contacts::Entity::find()
        .filter(contacts::Column::CustomerId.eq(customer_id))
        .order_by_asc(contacts::Column::Name)
        .all(db)
        .await?)
}

/// Adds a contact to a company customer. Needs `customers.write`.
pub async fn add_contact(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    customer_id: i64,
    input: &ContactInput,
) -> Result<contacts::Model> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    validate_contact(input)?;
    let txn = db.begin().await?;
    let created = insert_contact(&txn, actor, customer_id, input).await?;
    txn.commit().await?;
    Ok(created)
}

/// Inserts a contact of a company in the actor's scope, inside the
/// caller's transaction, audited.
pub(crate) async fn insert_contact(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
    input: &ContactInput,
) -> Result<contacts::Model> {
    let (name, title, email, phone) = validate_contact(input)?;
    let customer = get(txn, Some(actor), customer_id).await?;
    if customer.kind != "company" {
        return Err(Error::field(
            "customer",
            crate::messages::CONTACTS_COMPANY_ONLY,
        ));
    }
    let now = Utc::now();
    let row = contacts::ActiveModel {
        customer_id: Set(customer_id),
        name: Set(name),
        title: Set(title),
        email: Set(email),
        phone: Set(phone),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let id = contacts::Entity::insert(row)
        .exec(txn)
        .await?
        .last_insert_id;
    let created = contacts::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound)?;
    audit::record(
        txn,
        Who::Actor(actor),
        Entry::new("contact.created", "customer", Some(customer_id.to_string()))
            .after(json!({ "contact_id": id, "name": created.name, "email": created.email, "phone": created.phone })),
    )
    .await?;
    Ok(created)
}

/// Changes a contact of a customer in scope. Needs `customers.write`.
pub async fn update_contact(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    contact_id: i64,
    input: &ContactInput,
) -> Result<contacts::Model> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    let (name, title, email, phone) = validate_contact(input)?;
    let txn = db.begin().await?;
    let contact = contacts::Entity::find_by_id(contact_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    get(&txn, Some(actor), contact.customer_id).await?;
    let before = json!({ "name": contact.name, "title": contact.title, "email": contact.email, "phone": contact.phone });
    let customer_id = contact.customer_id;
    let mut row: contacts::ActiveModel = contact.into();
    row.name = Set(name);
    row.title = Set(title);
    row.email = Set(email);
    row.phone = Set(phone);
    row.updated_at = Set(Utc::now());
    let updated = row.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("contact.updated", "customer", Some(customer_id.to_string()))
            .before(before)
            .after(json!({ "contact_id": contact_id, "name": updated.name, "title": updated.title, "email": updated.email, "phone": updated.phone })),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Removes a contact. Needs `customers.write`.
pub async fn remove_contact(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    contact_id: i64,
) -> Result<()> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    let txn = db.begin().await?;
    let contact = contacts::Entity::find_by_id(contact_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    get(&txn, Some(actor), contact.customer_id).await?;
    contacts::Entity::delete_by_id(contact_id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "contact.removed",
            "customer",
            Some(contact.customer_id.to_string()),
        )
        .before(json!({ "contact_id": contact_id, "name": contact.name, "email": contact.email })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The name of a customer's owner, for display.
pub async fn owner_name(
    db: &impl ConnectionTrait,
    customer: &customers::Model,
) -> Result<Option<String>> {
    let Some(owner) = customer.owner_id else {
        return Ok(None);
    };
    Ok(users::Entity::find_by_id(owner)
        .one(db)
        .await?
        .map(|u| u.name))
}

/// Rejects an empty or oversized bulk selection.
pub fn check_selection(ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Err(Error::field("selection", crate::messages::SELECT_SOME));
    }
    if ids.len() > 500 {
        return Err(Error::field("selection", crate::messages::TOO_MANY));
    }
    Ok(())
}

/// What a bulk action on customers does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bulk {
    /// Give them to this owner (needs `customers.read_all`).
    Reassign(i64),
    /// Add this tag.
    AddTag(String),
    /// Archive them (needs `customers.archive`).
    Archive,
}

/// Applies a bulk action to customers in the actor's scope, all or none,
/// each change audited. Returns how many changed.
pub async fn bulk(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    ids: &[i64],
    action: &Bulk,
) -> Result<u64> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    check_selection(ids)?;
    let txn = db.begin().await?;
    let owner = match action {
        Bulk::Reassign(owner) => {
            Some(scope::assignee(&txn, actor, Some(*owner), Permission::CustomersReadAll).await?)
        }
        Bulk::Archive => {
            policy::require(Some(actor), Permission::CustomersArchive)?;
            None
        }
        Bulk::AddTag(tag) => {
            let tag = tag.trim();
            if tag.is_empty() || tag.contains(',') || tag.chars().count() > 40 {
                return Err(Error::field("tag", crate::messages::TAG_INVALID));
            }
            None
        }
    };
    let mut changed = 0;
    let now = Utc::now();
    for id in ids {
        let before = get(&txn, Some(actor), *id).await?;
        let mut model: customers::ActiveModel = before.clone().into();
        let (verb, from, to) = match action {
            Bulk::Reassign(_) => {
                if before.owner_id == owner {
                    continue;
                }
                model.owner_id = Set(owner);
                (
                    "customer.reassigned",
                    json!({ "owner_id": before.owner_id }),
                    json!({ "owner_id": owner }),
                )
            }
            Bulk::AddTag(tag) => {
                let tag = tag.trim().to_lowercase();
                let mut tags: Vec<String> = before
                    .tags
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect();
                if tags.contains(&tag) {
                    continue;
                }
                tags.push(tag);
                tags.sort();
                let joined = tags.join(",");
                model.tags = Set(joined.clone());
                (
                    "customer.tagged",
                    json!({ "tags": before.tags }),
                    json!({ "tags": joined }),
                )
            }
            Bulk::Archive => {
                if before.archived {
                    continue;
                }
                model.archived = Set(true);
                (
                    "customer.archived",
                    json!({ "archived": false }),
                    json!({ "archived": true }),
                )
            }
        };
        model.updated_at = Set(now);
        model.update(&txn).await?;
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new(verb, "customer", Some(id.to_string()))
                .before(from)
                .after(to),
        )
        .await?;
        changed += 1;
    }
    txn.commit().await?;
    Ok(changed)
}

/// Every table that points at a customer, as (table, column). Merging moves
/// each of their rows to the survivor; a module that adds a table referring
/// to customers (orders, invoices, tickets) adds it here.
pub const CUSTOMER_REFERENCES: &[(&str, &str)] = &[
    ("contacts", "customer_id"),
    ("opportunities", "customer_id"),
    ("activities", "customer_id"),
    ("leads", "customer_id"),
    ("timeline_events", "customer_id"),
    ("sales_orders", "customer_id"),
    ("invoices", "customer_id"),
    ("payments", "customer_id"),
    ("credit_notes", "customer_id"),
    ("customer_credits", "customer_id"),
];

/// What a merge moved, per referring table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// (table, ids of the rows moved to the survivor).
    pub moved: Vec<(String, Vec<i64>)>,
}

/// Merges `duplicate` into `survivor`: every row of every table in
/// [`CUSTOMER_REFERENCES`] moves to the survivor, the survivor keeps its
/// own facts and gains the duplicate's missing ones (email, phone, tax id,
/// address) and tags, and the duplicate is archived and marked as merged.
/// One transaction, audited with the ids of everything that moved.
pub async fn merge(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    survivor: i64,
    duplicate: i64,
) -> Result<Merged> {
    use sea_orm::{
        sea_query::{Alias, Expr, Query},
        FromQueryResult, StatementBuilder,
    };
    let actor = policy::require(actor, Permission::CustomersMerge)?;
    if survivor == duplicate {
        return Err(Error::field("duplicate", crate::messages::MERGE_SAME));
    }
    let txn = db.begin().await?;
    let keep = get(&txn, Some(actor), survivor).await?;
    let gone = get(&txn, Some(actor), duplicate).await?;
    if keep.merged_into_id.is_some() || gone.merged_into_id.is_some() {
        return Err(Error::Conflict(crate::messages::MERGE_MERGED.into()));
    }
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
    }
    let backend = txn.get_database_backend();
    // The duplicate's orders move to the survivor's segment in the summary.
    let counted = crate::services::stats::Snapshot::of_customer(&txn, duplicate).await?;
    let mut merged = Merged::default();
    for (table, column) in CUSTOMER_REFERENCES {
        let select = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new(*table))
            .and_where(Expr::col(Alias::new(*column)).eq(duplicate))
            .to_owned();
        let ids: Vec<i64> = Row::find_by_statement(StatementBuilder::build(&select, &backend))
            .all(&txn)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let update = Query::update()
            .table(Alias::new(*table))
            .value(Alias::new(*column), survivor)
            .and_where(Expr::col(Alias::new(*column)).eq(duplicate))
            .to_owned();
        txn.execute(StatementBuilder::build(&update, &backend))
            .await?;
        merged.moved.push(((*table).to_owned(), ids));
    }
    let mut tags: Vec<&str> = keep
        .tags
        .split(',')
        .chain(gone.tags.split(','))
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    let now = Utc::now();
    let mut model: customers::ActiveModel = keep.clone().into();
    if keep.email.is_none() && gone.email.is_some() {
        model.email = Set(gone.email.clone());
        model.email_key = Set(gone.email_key.clone());
    }
    if keep.phone.is_none() && gone.phone.is_some() {
        model.phone = Set(gone.phone.clone());
        model.phone_key = Set(gone.phone_key.clone());
    }
    if keep.tax_id.is_none() && gone.tax_id.is_some() {
        model.tax_id = Set(gone.tax_id.clone());
        model.tax_key = Set(gone.tax_key.clone());
    }
    if keep.address.is_empty() {
        model.address = Set(gone.address.clone());
    }
    model.tags = Set(tags.join(","));
    model.updated_at = Set(now);
    let after = model.update(&txn).await?;
    let mut loser: customers::ActiveModel = gone.clone().into();
    loser.archived = Set(true);
    loser.merged_into_id = Set(Some(survivor));
    loser.updated_at = Set(now);
    loser.update(&txn).await?;
    counted.apply(&txn).await?;
    let moved: serde_json::Map<String, serde_json::Value> = merged
        .moved
        .iter()
        .map(|(t, ids)| (t.clone(), json!(ids)))
        .collect();
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("customer.merged", "customer", Some(survivor.to_string()))
            .before(json!({ "survivor": snapshot(&keep), "duplicate": snapshot(&gone), "duplicate_id": duplicate }))
            .after(json!({ "survivor": snapshot(&after), "moved": moved })),
    )
    .await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: survivor,
            kind: "customer.merged",
            summary: format!("{} ({})", gone.name, gone.code),
            link: format!("/customers/{duplicate}"),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(merged)
}

/// The figures in a customer page's header, each within the viewer's scope
/// of its area (a figure the viewer may not see is `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    /// Contacts.
    pub contacts: u64,
    /// Open opportunities.
    pub open_opportunities: Option<u64>,
    /// Σ amount of open opportunities, minor units.
    pub pipeline_minor: Option<i64>,
    /// Σ amount of won opportunities, minor units.
    pub won_minor: Option<i64>,
    /// Open activities.
    pub open_activities: Option<u64>,
}

/// The customer page's header figures.
pub async fn overview(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<Overview> {
    use sea_orm::PaginatorTrait;

    use crate::entities::{activities, opportunities};
    get(db, actor, id).await?;
    let contacts = contacts::Entity::find()
        .filter(contacts::Column::CustomerId.eq(id))
        .count(db)
        .await?;
    let mut out = Overview {
        contacts,
        ..Default::default()
    };
    if let Ok(scope) = crate::services::opportunities::scope_of(actor) {
        let stages = crate::services::pipeline::all(db).await?;
        let rows: Vec<(i64, i64)> = opportunities::Entity::find()
            .select_only()
            .column(opportunities::Column::StageId)
            .column(opportunities::Column::AmountMinor)
            .filter(opportunities::Column::CustomerId.eq(id))
            .filter(scope::owned(scope, opportunities::Column::OwnerId))
            .into_tuple()
            .all(db)
            .await?;
        let (mut open, mut pipeline, mut won) = (0, 0, 0);
        for (stage, amount) in rows {
            match stages.iter().find(|s| s.id == stage) {
                Some(s) if s.is_won => won += amount,
                Some(s) if s.is_lost => {}
                _ => {
                    open += 1;
                    pipeline += amount;
                }
            }
        }
        out.open_opportunities = Some(open);
        out.pipeline_minor = Some(pipeline);
        out.won_minor = Some(won);
    }
    if let Ok(scope) = policy::scope(
        actor,
        Permission::ActivitiesRead,
        Permission::ActivitiesReadAll,
    ) {
        out.open_activities = Some(
            activities::Entity::find()
                .filter(activities::Column::CustomerId.eq(id))
                .filter(activities::Column::DoneAt.is_null())
                .filter(scope::owned(scope, activities::Column::OwnerId))
                .count(db)
                .await?,
        );
    }
    Ok(out)
}

/// Customers' names by id, for labelling rows the caller may already see.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>> {
    super::lookup::text_by_id::<customers::Entity>(
        db,
        ids,
        customers::Column::Id,
        customers::Column::Name,
    )
    .await
}

/// The segment of each of `ids`.
pub async fn segments(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>> {
    super::lookup::text_by_id::<customers::Entity>(
        db,
        ids,
        customers::Column::Id,
        customers::Column::Segment,
    )
    .await
}
