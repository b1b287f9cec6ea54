//! The customer form: what it sends, its validation into a customer ready
//! to save, and the check of the owner it names.

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::{
    access::users::validate_email, entities::users, platform::normalize::normalize_phone, Error,
    FieldErrors, Result,
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
pub(super) struct Valid {
    pub(super) kind: &'static str,
    pub(super) name: String,
    pub(super) email: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) address: String,
    pub(super) tax_id: Option<String>,
    pub(super) segment: String,
    pub(super) tags: String,
    pub(super) credit_limit_minor: i64,
    pub(super) currency: String,
    pub(super) payment_terms_days: i32,
    pub(super) notes: String,
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
pub(super) fn validate(input: &CustomerInput) -> Result<Valid> {
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
        crate::platform::normalize::currency_code(&input.currency).unwrap_or_else(|| {
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

pub(super) async fn check_owner(db: &impl ConnectionTrait, owner: Option<i64>) -> Result<()> {
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
