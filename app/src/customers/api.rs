//! Server functions of the customers area; the domain checks permissions
//! and record scope.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::{
    ContactForm, ContactView, CustomerForm, CustomerSummary, CustomerView, DuplicateView,
};
use crate::{admin::types::PageView, error::AppError};

#[cfg(feature = "ssr")]
use tandem_domain::{crm::customers, sales::stats::OrderSummaries};

#[cfg(feature = "ssr")]
use crate::{
    exports::{export, PAGE},
    ssr::signed_in,
};

/// Domain records to wire types, and wire forms to domain inputs.
#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use tandem_domain::{
        crm::customers::{self, ContactInput, CustomerFilter, CustomerInput},
        entities::{contacts, customers as rows},
        money::format_minor,
    };

    use super::*;

    /// The customers list's filter; the caller sets the page.
    pub fn filter(
        search: Option<String>,
        include_archived: bool,
        segment: Option<String>,
        tag: Option<String>,
        owner_id: Option<i64>,
        sort: Option<String>,
    ) -> CustomerFilter {
        CustomerFilter {
            search,
            include_archived,
            segment,
            tag,
            owner_id,
            sort: sort.unwrap_or_default(),
            ..Default::default()
        }
    }

    fn summary(c: &rows::Model, owner: Option<String>) -> CustomerSummary {
        CustomerSummary {
            owner,
            merged_into: c.merged_into_id,
            id: c.id,
            code: c.code.clone(),
            kind: c.kind.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            segment: c.segment.clone(),
            archived: c.archived,
        }
    }

    pub fn summary_row(r: customers::CustomerRow) -> CustomerSummary {
        summary(&r.customer, r.owner)
    }

    pub fn view(d: customers::CustomerDetail) -> CustomerView {
        let c = d.customer;
        CustomerView {
            summary: summary(&c, d.owner.clone()),
            owner_id: c.owner_id,
            address: c.address,
            tax_id: c.tax_id,
            tags: c
                .tags
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            owner: d.owner,
            credit_limit: format_minor(c.credit_limit_minor),
            currency: c.currency,
            payment_terms_days: c.payment_terms_days,
            notes: c.notes,
            can_write: d.abilities.write,
            can_archive: d.abilities.archive,
        }
    }

    /// The domain input; an unreadable amount is reported together with
    /// every other field error, not on its own.
    pub fn input(form: CustomerForm) -> Result<CustomerInput, AppError> {
        let parsed = tandem_domain::money::parse_minor(&form.credit_limit, "credit_limit");
        let input = CustomerInput {
            kind: form.kind,
            name: form.name,
            email: form.email,
            phone: form.phone,
            address: form.address,
            tax_id: form.tax_id,
            segment: form.segment,
            tags: form.tags.split(',').map(str::to_owned).collect(),
            owner_id: form.owner_id.filter(|o| *o > 0),
            credit_limit_minor: *parsed.as_ref().unwrap_or(&0),
            currency: form.currency,
            payment_terms_days: form.payment_terms_days,
            notes: form.notes,
        };
        match parsed {
            Ok(_) => Ok(input),
            Err(tandem_domain::Error::Validation(mut fields)) => {
                if let Err(tandem_domain::Error::Validation(more)) =
                    tandem_domain::crm::customers::check(&input)
                {
                    fields.extend(more);
                }
                Err(AppError::from(tandem_domain::Error::Validation(fields)))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The form as a duplicate check reads it (the credit limit plays no part).
    pub fn probe(form: CustomerForm) -> Result<CustomerInput, AppError> {
        input(CustomerForm {
            credit_limit: String::new(),
            ..form
        })
    }

    pub fn duplicate(d: customers::Duplicate) -> DuplicateView {
        DuplicateView {
            id: d.id,
            code: d.code,
            name: d.name,
            reasons: d.reasons.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    pub fn contact(c: contacts::Model) -> ContactView {
        ContactView {
            id: c.id,
            name: c.name,
            title: c.title,
            email: c.email,
            phone: c.phone,
        }
    }

    pub fn contact_input(form: ContactForm) -> ContactInput {
        ContactInput {
            name: form.name,
            title: form.title,
            email: form.email,
            phone: form.phone,
        }
    }
}

crate::authz!(
    "/api/customers/list",
    Needs(CustomersRead),
    FORM,
    "include_archived=false&page=1"
);
/// Customers in the caller's scope.
#[server(endpoint = "customers/list")]
#[allow(clippy::too_many_arguments)]
pub async fn list_customers(
    search: Option<String>,
    include_archived: bool,
    segment: Option<String>,
    tag: Option<String>,
    owner_id: Option<i64>,
    sort: Option<String>,
    page: u64,
) -> Result<PageView<CustomerSummary>, AppError> {
    let filter = convert::filter(search, include_archived, segment, tag, owner_id, sort);
    customers_page(filter, page, 25).await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
async fn customers_page(
    filter: customers::CustomerFilter,
    page: u64,
    per_page: u64,
) -> Result<PageView<CustomerSummary>, AppError> {
    let state = crate::ssr::state()?;
    let filter = customers::CustomerFilter {
        page,
        per_page,
        ..filter
    };
    let found = customers::rows(&state.reader, &signed_in()?, &filter).await?;
    Ok(PageView::from_page(found, convert::summary_row))
}

crate::authz!(
    "/api/customers/export",
    Export(&[CustomersRead]),
    JSON,
    r#"{"search":null,"include_archived":false,"segment":null,"tag":null,"owner_id":null,"sort":null,"headers":[]}"#,
);
/// The customer list as CSV.
#[server(endpoint = "customers/export", input = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn export_customers(
    search: Option<String>,
    include_archived: bool,
    segment: Option<String>,
    tag: Option<String>,
    owner_id: Option<i64>,
    sort: Option<String>,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    let filter = convert::filter(search, include_archived, segment, tag, owner_id, sort);
    export(headers, |page| customers_page(filter.clone(), page, PAGE)).await
}

crate::authz!(
    "/api/customers/get",
    Needs(CustomersRead),
    FORM,
    "id=999999"
);
/// One customer.
#[server(endpoint = "customers/get")]
pub async fn get_customer(id: i64) -> Result<CustomerView, AppError> {
    let state = crate::ssr::state()?;
    let found = customers::detail(&state.db, &signed_in()?, id).await?;
    Ok(convert::view(found))
}

crate::authz!(
    "/api/customers/duplicates",
    Needs(CustomersRead),
    JSON,
    r#"{"form":{"kind":"company","name":"Acme","email":"","phone":"","address":"","tax_id":"","segment":"","tags":"","credit_limit":"","currency":"EUR","payment_terms_days":30,"notes":""},"except":null}"#,
);
/// Likely duplicates of what is being entered.
#[server(endpoint = "customers/duplicates", input = Json)]
pub async fn find_duplicates(
    form: CustomerForm,
    except: Option<i64>,
) -> Result<Vec<DuplicateView>, AppError> {
    let state = crate::ssr::state()?;
    let input = convert::probe(form)?;
    let found = customers::find_duplicates(&state.db, &signed_in()?, &input, except).await?;
    Ok(found.into_iter().map(convert::duplicate).collect())
}

crate::authz!(
    "/api/customers/create",
    Needs(CustomersWrite),
    JSON,
    r#"{"form":{"kind":"","name":"","email":"","phone":"","address":"","tax_id":"","segment":"","tags":"","credit_limit":"","currency":"","payment_terms_days":-1,"notes":""}}"#,
);
/// Creates a customer owned by the caller.
#[server(endpoint = "customers/create", input = Json)]
pub async fn create_customer(form: CustomerForm) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let input = convert::input(form)?;
    let created = customers::create(&state.db, &signed_in()?, &input).await?;
    Ok(created.id)
}

crate::authz!(
    "/api/customers/update",
    Needs(CustomersWrite),
    JSON,
    r#"{"id":999999,"form":{"kind":"company","name":"X","email":"","phone":"","address":"","tax_id":"","segment":"","tags":"","credit_limit":"","currency":"EUR","payment_terms_days":30,"notes":""}}"#,
);
/// Edits a customer.
#[server(endpoint = "customers/update", input = Json)]
pub async fn update_customer(id: i64, form: CustomerForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let input = convert::input(form)?;
    customers::update(&state.db, &signed_in()?, id, &input, &OrderSummaries).await?;
    Ok(())
}

crate::authz!(
    "/api/customers/archive",
    Needs(CustomersArchive),
    JSON,
    r#"{"id":999999,"archived":true}"#,
);
/// Archives or restores a customer.
#[server(endpoint = "customers/archive", input = Json)]
pub async fn archive_customer(id: i64, archived: bool) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(customers::set_archived(&state.db, &signed_in()?, id, archived).await?)
}

crate::authz!(
    "/api/customers/contacts",
    Needs(CustomersRead),
    FORM,
    "customer_id=999999"
);
/// A customer's contacts.
#[server(endpoint = "customers/contacts")]
pub async fn list_contacts(customer_id: i64) -> Result<Vec<ContactView>, AppError> {
    let state = crate::ssr::state()?;
    let found = customers::contacts_of(&state.db, &signed_in()?, customer_id).await?;
    Ok(found.into_iter().map(convert::contact).collect())
}

crate::authz!(
    "/api/customers/contacts/add",
    Needs(CustomersWrite),
    JSON,
    r#"{"customer_id":999999,"form":{"name":"","title":"","email":"","phone":""}}"#,
);
/// Adds a contact to a company.
#[server(endpoint = "customers/contacts/add", input = Json)]
pub async fn add_contact(customer_id: i64, form: ContactForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let input = convert::contact_input(form);
    customers::add_contact(&state.db, &signed_in()?, customer_id, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/customers/contacts/remove",
    Needs(CustomersWrite),
    JSON,
    r#"{"contact_id":999999}"#,
);
/// Removes a contact.
#[server(endpoint = "customers/contacts/remove", input = Json)]
pub async fn remove_contact(contact_id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(customers::remove_contact(&state.db, &signed_in()?, contact_id).await?)
}
