//! Server functions of the customers area; the domain checks permissions
//! and record scope.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::{
    ContactForm, ContactView, CustomerForm, CustomerSummary, CustomerView, DuplicateView,
};
use crate::{admin::types::PageView, error::AppError};

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::{
        crm::customers::{ContactInput, CustomerInput},
        entities::{contacts, customers},
    };

    use super::*;

    pub fn summary(
        c: &customers::Model,
        owners: &std::collections::HashMap<i64, String>,
    ) -> CustomerSummary {
        CustomerSummary {
            owner: c.owner_id.and_then(|o| owners.get(&o).cloned()),
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
    customers_page(
        search,
        include_archived,
        segment,
        tag,
        owner_id,
        sort,
        page,
        25,
    )
    .await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
async fn customers_page(
    search: Option<String>,
    include_archived: bool,
    segment: Option<String>,
    tag: Option<String>,
    owner_id: Option<i64>,
    sort: Option<String>,
    page: u64,
    per_page: u64,
) -> Result<PageView<CustomerSummary>, AppError> {
    use tandem_domain::{access::users::names as user_names, crm::customers};
    let state = crate::ssr::state()?;
    let filter = customers::CustomerFilter {
        search,
        include_archived,
        segment,
        tag,
        owner_id,
        sort: sort.unwrap_or_default(),
        page,
        per_page,
        after: None,
    };
    let found = customers::list(&state.reader, crate::ssr::actor().as_ref(), &filter).await?;
    let owners = user_names(&state.reader, found.items.iter().filter_map(|c| c.owner_id)).await?;
    Ok(PageView::from_page(found, |c| {
        convert::summary(&c, &owners)
    }))
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
    crate::exports::export(headers, |page| {
        customers_page(
            search.clone(),
            include_archived,
            segment.clone(),
            tag.clone(),
            owner_id,
            sort.clone(),
            page,
            crate::exports::PAGE,
        )
    })
    .await
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
    use tandem_domain::crm::customers;
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    let c = customers::get(&state.db, actor.as_ref(), id).await?;
    let owner = customers::owner_name(&state.db, &c).await?;
    let abilities = customers::abilities(actor.as_ref());
    let owners: std::collections::HashMap<i64, String> =
        c.owner_id.zip(owner.clone()).into_iter().collect();
    Ok(CustomerView {
        summary: convert::summary(&c, &owners),
        owner_id: c.owner_id,
        address: c.address,
        tax_id: c.tax_id,
        tags: c
            .tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        owner,
        credit_limit: tandem_domain::money::format_minor(c.credit_limit_minor),
        currency: c.currency,
        payment_terms_days: c.payment_terms_days,
        notes: c.notes,
        can_write: abilities.write,
        can_archive: abilities.archive,
    })
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
    let input = convert::input(CustomerForm {
        credit_limit: String::new(),
        ..form
    })?;
    let found = tandem_domain::crm::customers::find_duplicates(
        &state.db,
        crate::ssr::actor().as_ref(),
        &input,
        except,
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|d| DuplicateView {
            id: d.id,
            code: d.code,
            name: d.name,
            reasons: d.reasons.iter().map(|r| (*r).to_owned()).collect(),
        })
        .collect())
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
    Ok(
        tandem_domain::crm::customers::create(&state.db, crate::ssr::actor().as_ref(), &input)
            .await?
            .id,
    )
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
    tandem_domain::crm::customers::update(
        &state.db,
        crate::ssr::actor().as_ref(),
        id,
        &input,
        &tandem_domain::sales::stats::OrderSummaries,
    )
    .await?;
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
    Ok(tandem_domain::crm::customers::set_archived(
        &state.db,
        crate::ssr::actor().as_ref(),
        id,
        archived,
    )
    .await?)
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
    let found = tandem_domain::crm::customers::contacts_of(
        &state.db,
        crate::ssr::actor().as_ref(),
        customer_id,
    )
    .await?;
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
    tandem_domain::crm::customers::add_contact(
        &state.db,
        crate::ssr::actor().as_ref(),
        customer_id,
        &input,
    )
    .await?;
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
    Ok(tandem_domain::crm::customers::remove_contact(
        &state.db,
        crate::ssr::actor().as_ref(),
        contact_id,
    )
    .await?)
}
