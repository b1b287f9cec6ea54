//! Server functions of tickets, returns, the knowledge base, the public
//! support form, ratings and the service desk set-up. Each calls one
//! domain service, which checks permission and record scope; the public
//! ones (support form, help articles, ratings) need no sign-in.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::*;
use crate::{admin::types::PageView, error::AppError};

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use tandem_domain::{
        entities::tickets as rows,
        {service::sla::Clock, service::tickets},
    };

    use super::*;
    use crate::ssr::local_time;

    /// Working seconds as "3 h 20 min" ("-" when late).
    pub fn duration(seconds: i64) -> String {
        let sign = if seconds < 0 { "-" } else { "" };
        let minutes = seconds.abs() / 60;
        match (minutes / 60, minutes % 60) {
            (0, m) => format!("{sign}{m} min"),
            (h, 0) => format!("{sign}{h} h"),
            (h, m) => format!("{sign}{h} h {m} min"),
        }
    }

    pub fn clock(clock: Option<Clock>) -> ClockView {
        match clock {
            None => ClockView {
                state: "none".into(),
                ..Default::default()
            },
            Some(c @ Clock::Running { due, left }) => ClockView {
                state: "running".into(),
                at: local_time(due),
                left: duration(left),
                breached: c.breached(),
            },
            Some(c @ Clock::Paused { left }) => ClockView {
                state: "paused".into(),
                at: String::new(),
                left: duration(left),
                breached: c.breached(),
            },
            Some(c @ Clock::Met { at, .. }) => ClockView {
                state: "met".into(),
                at: local_time(at),
                left: String::new(),
                breached: c.breached(),
            },
        }
    }

    pub fn row(
        t: &rows::Model,
        customer: String,
        queue: Option<String>,
        assignee: Option<String>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> TicketRow {
        let due = match (t.first_response_due, t.resolution_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        TicketRow {
            id: t.id,
            number: t.number.clone(),
            subject: t.subject.clone(),
            customer_id: t.customer_id,
            customer,
            status: t.status.clone(),
            priority: t.priority.clone(),
            kind: t.kind.clone(),
            channel: t.channel.clone(),
            queue: queue.unwrap_or_default(),
            assignee: assignee.unwrap_or_default(),
            due: due.map(local_time).unwrap_or_default(),
            breached: due.is_some_and(|d| d < now) && tickets::ACTIVE.contains(&t.status.as_str()),
            created: local_time(t.created_at),
        }
    }

    pub fn tags(text: &str) -> Vec<String> {
        text.split(',')
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect()
    }
}

#[cfg(feature = "ssr")]
fn actor() -> Option<tandem_domain::access::Actor> {
    crate::ssr::actor()
}

crate::authz!(
    "/api/tickets/list",
    AnyOf(&[TicketsRead, TicketsReadAll]),
    JSON,
    r#"{"query":{"view":"all","status":"","priority":"","kind":"","channel":"","queue":null,"customer":null,"q":"","page":1}}"#,
);
/// Tickets in scope, by view and filters.
#[server(endpoint = "tickets/list", input = Json)]
pub async fn list_tickets(query: TicketQuery) -> Result<PageView<TicketRow>, AppError> {
    let page = query.page;
    tickets_page(query, page, 50).await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
async fn tickets_page(
    query: TicketQuery,
    page: u64,
    per_page: u64,
) -> Result<PageView<TicketRow>, AppError> {
    use tandem_domain::service::tickets;
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    let found = tickets::list(
        &state.reader,
        actor().as_ref(),
        &tickets::TicketFilter {
            view: query.view,
            status: query.status,
            priority: query.priority,
            kind: query.kind,
            channel: query.channel,
            queue_id: query.queue,
            customer_id: query.customer,
            q: Some(query.q),
            page: page.max(1),
            per_page,
            after: None,
        },
        now,
    )
    .await?;
    Ok(PageView::from_page(found, |r| {
        convert::row(&r.ticket, r.customer, r.queue, r.assignee, now)
    }))
}

crate::authz!(
    "/api/tickets/export",
    Export(&[TicketsRead, TicketsReadAll]),
    JSON,
    r#"{"query":{"view":"all","status":"","priority":"","kind":"","channel":"","queue":null,"customer":null,"q":"","page":1},"headers":[]}"#,
);
/// The ticket list as CSV.
#[server(endpoint = "tickets/export", input = Json)]
pub async fn export_tickets(
    query: TicketQuery,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    crate::exports::export(headers, |page| {
        tickets_page(query.clone(), page, crate::exports::PAGE)
    })
    .await
}

crate::authz!(
    "/api/tickets/of_customer",
    AnyOf(&[TicketsRead, TicketsReadAll]),
    JSON,
    r#"{"customer_id":999999}"#,
);
/// A customer's tickets (the customer page's tab).
#[server(endpoint = "tickets/of_customer", input = Json)]
pub async fn customer_tickets(customer_id: i64) -> Result<Vec<TicketRow>, AppError> {
    use tandem_domain::service::tickets;
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    let found = tickets::of_customer(&state.db, actor().as_ref(), customer_id).await?;
    Ok(found
        .iter()
        .map(|t| convert::row(t, String::new(), None, None, now))
        .collect())
}

crate::authz!(
    "/api/tickets/get",
    AnyOf(&[TicketsRead, TicketsReadAll]),
    JSON,
    r#"{"id":999999}"#
);
/// One ticket with comments, history, clocks, returns.
#[server(endpoint = "tickets/get", input = Json)]
pub async fn get_ticket(id: i64) -> Result<TicketView, AppError> {
    use tandem_domain::{
        access::Permission,
        money::format_minor,
        {service::returns, service::tickets},
    };
    let state = crate::ssr::state()?;
    let actor = actor();
    let now = chrono::Utc::now();
    let d = tickets::get(&state.db, actor.as_ref(), id, now).await?;
    let lines = returns::lines_of_ticket(&state.db, actor.as_ref(), id).await?;
    let can = |p| actor.as_ref().is_some_and(|a| a.has(p));
    let t = &d.ticket;
    let mut return_views = Vec::new();
    for r in &d.returns {
        return_views.push(ReturnView {
            id: r.id,
            number: r.number.clone(),
            state: r.state.clone(),
            order: returns::order_number(&state.db, r.order_id).await?,
            lines: lines
                .get(&r.id)
                .map(|ls| {
                    ls.iter()
                        .map(|l| (l.description.clone(), l.quantity))
                        .collect()
                })
                .unwrap_or_default(),
            reason: r.reason.clone(),
        });
    }
    Ok(TicketView {
        row: convert::row(
            t,
            d.customer.1.clone(),
            d.queue.clone(),
            d.assignee.clone(),
            now,
        ),
        description: t.description.clone(),
        requester: t.requester_name.clone(),
        requester_email: t.requester_email.clone(),
        contact: d.contact.clone().unwrap_or_default(),
        customer_code: d.customer.0.clone(),
        order: t
            .order_id
            .zip(d.order.clone())
            .map(|(id, (n, s))| (id, n, s)),
        shipment: t
            .shipment_id
            .zip(d.shipment.clone())
            .map(|(id, (n, c, tr))| (id, n, c, tr)),
        tags: t.tags.clone(),
        queue_id: t.queue_id,
        assignee_id: t.assignee_id,
        policy: d
            .sla
            .policy
            .as_ref()
            .map(|p| p.0.clone())
            .unwrap_or_default(),
        response: convert::clock(d.sla.response),
        resolution: convert::clock(d.sla.resolution),
        comments: d
            .comments
            .iter()
            .map(|c| CommentView {
                author: c.author_name.clone(),
                public: c.public,
                body: c.body.clone(),
                at: crate::ssr::local_time(c.created_at),
            })
            .collect(),
        history: d
            .history
            .iter()
            .map(|h| HistoryView {
                from: h.from.clone(),
                to: h.to.clone(),
                by: h.by.clone().unwrap_or_default(),
                at: crate::ssr::local_time(h.at),
            })
            .collect(),
        returns: return_views,
        credit_notes: d
            .credit_notes
            .iter()
            .map(|(invoice, number, total, currency)| {
                (
                    *invoice,
                    number.clone(),
                    format!("{} {currency}", format_minor(*total)),
                )
            })
            .collect(),
        rating: t.rating,
        rating_comment: t.rating_comment.clone(),
        rating_link: t
            .rating_token
            .as_deref()
            .map(tickets::rating_link)
            .unwrap_or_default(),
        can_write: can(Permission::TicketsWrite),
        can_assign: can(Permission::TicketsAssign),
        can_returns: can(Permission::TicketsReturns),
    })
}

crate::authz!(
    "/api/tickets/panel",
    AnyOf(&[TicketsRead, TicketsReadAll]),
    JSON,
    r#"{"id":999999}"#,
);
/// The ERP panel of a ticket.
#[server(endpoint = "tickets/panel", input = Json)]
pub async fn ticket_panel(id: i64) -> Result<PanelView, AppError> {
    use tandem_domain::{money::format_minor, service::tickets};
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    let p = tickets::panel(&state.db, actor().as_ref(), id).await?;
    Ok(PanelView {
        orders: p
            .orders
            .iter()
            .map(|o| PanelOrder {
                id: o.order.id,
                number: o.order.number.clone(),
                state: o.order.state.clone(),
                date: o.order.created_at.date_naive().to_string(),
                total: format_minor(o.order.total_minor),
                currency: o.order.currency.clone(),
                lines: o
                    .lines
                    .iter()
                    .map(|l| PanelLine {
                        line_id: l.line_id,
                        description: l.description.clone(),
                        quantity: l.quantity,
                        shipped: l.shipped,
                        invoiced: l.invoiced,
                        returned: l.returned,
                    })
                    .collect(),
            })
            .collect(),
        shipments: p
            .shipments
            .iter()
            .map(|(s, order)| PanelShipment {
                id: s.id,
                number: s.number.clone(),
                order: order.clone(),
                state: s.state.clone(),
                carrier: s.carrier.clone(),
                tracking: s.tracking.clone(),
            })
            .collect(),
        invoices: p
            .invoices
            .iter()
            .map(|(i, owed)| PanelInvoice {
                id: i.id,
                number: i.number.clone(),
                state: i.state.clone(),
                total: format_minor(i.total_minor),
                owed: format_minor(*owed),
                currency: i.currency.clone(),
                due: i.due_date.to_string(),
            })
            .collect(),
        tickets: p
            .tickets
            .iter()
            .map(|t| convert::row(t, String::new(), None, None, now))
            .collect(),
    })
}

crate::authz!(
    "/api/tickets/create",
    Needs(TicketsWrite),
    JSON,
    r#"{"form":{"customer_id":null,"requester_name":"","requester_email":"","kind":"question","channel":"phone","priority":"normal","subject":"","description":"","queue_id":null,"tags":""}}"#,
);
/// Creates a ticket; returns its id.
#[server(endpoint = "tickets/create", input = Json)]
pub async fn create_ticket(form: TicketForm) -> Result<i64, AppError> {
    use tandem_domain::service::tickets;
    let state = crate::ssr::state()?;
    let created = tickets::create(
        &state.db,
        actor().as_ref(),
        &tickets::TicketInput {
            customer_id: form.customer_id,
            contact_id: None,
            requester_name: form.requester_name,
            requester_email: form.requester_email,
            order_id: None,
            shipment_id: None,
            kind: form.kind,
            channel: form.channel,
            subject: form.subject,
            description: form.description,
            priority: form.priority,
            queue_id: form.queue_id,
            assignee_id: None,
            tags: convert::tags(&form.tags),
        },
    )
    .await?;
    Ok(created.id)
}

crate::authz!(
    "/api/tickets/update",
    Needs(TicketsWrite),
    JSON,
    r#"{"id":999999,"form":{"kind":"question","priority":"normal","subject":"x","order_id":null,"shipment_id":null,"tags":""}}"#,
);
/// Edits kind, priority, subject, order, shipment and tags.
#[server(endpoint = "tickets/update", input = Json)]
pub async fn update_ticket(id: i64, form: TicketEdit) -> Result<(), AppError> {
    use tandem_domain::service::tickets;
    let state = crate::ssr::state()?;
    tickets::update(
        &state.db,
        actor().as_ref(),
        id,
        &tickets::TicketUpdate {
            kind: form.kind,
            priority: form.priority,
            subject: form.subject,
            contact_id: None,
            order_id: form.order_id,
            shipment_id: form.shipment_id,
            tags: convert::tags(&form.tags),
        },
    )
    .await?;
    Ok(())
}

crate::authz!(
    "/api/tickets/status",
    Needs(TicketsWrite),
    JSON,
    r#"{"id":999999,"status":"open"}"#
);
/// Moves a ticket to a status.
#[server(endpoint = "tickets/status", input = Json)]
pub async fn set_ticket_status(id: i64, status: String) -> Result<(), AppError> {
    use tandem_domain::service::tickets;
    let state = crate::ssr::state()?;
    tickets::set_status(&state.db, actor().as_ref(), id, &status).await?;
    Ok(())
}

crate::authz!(
    "/api/tickets/comment",
    Needs(TicketsWrite),
    JSON,
    r#"{"id":999999,"body":"x","public":true}"#,
);
/// Replies or notes.
#[server(endpoint = "tickets/comment", input = Json)]
pub async fn comment_ticket(id: i64, body: String, public: bool) -> Result<(), AppError> {
    use tandem_domain::service::tickets;
    let state = crate::ssr::state()?;
    tickets::comment(&state.db, actor().as_ref(), id, &body, public).await?;
    Ok(())
}

crate::authz!(
    "/api/tickets/assign",
    Needs(TicketsAssign),
    JSON,
    r#"{"id":999999,"queue_id":null,"assignee_id":null}"#,
);
/// Sets queue and assignee.
#[server(endpoint = "tickets/assign", input = Json)]
pub async fn assign_ticket(
    id: i64,
    queue_id: Option<i64>,
    assignee_id: Option<i64>,
) -> Result<(), AppError> {
    use tandem_domain::service::tickets;
    let state = crate::ssr::state()?;
    tickets::assign(&state.db, actor().as_ref(), id, queue_id, assignee_id).await?;
    Ok(())
}

crate::authz!(
    "/api/tickets/queues",
    AnyOf(&[TicketsRead, TicketsReadAll, TicketsConfigure]),
    JSON,
    r#"{}"#,
);
/// Queues with their members. Needs a ticket permission.
#[server(endpoint = "tickets/queues", input = Json)]
pub async fn list_queues() -> Result<Vec<QueueView>, AppError> {
    use tandem_domain::service::service_desk;
    let state = crate::ssr::state()?;
    Ok(service_desk::queues(&state.db, actor().as_ref())
        .await?
        .into_iter()
        .map(|q| QueueView {
            id: q.id,
            name: q.name,
            manager: q.manager,
            auto_assign: q.auto_assign,
            members: q.members,
        })
        .collect())
}

crate::authz!(
    "/api/tickets/away",
    AnyOf(&[TicketsRead, TicketsReadAll, TicketsConfigure]),
    JSON,
    r#"{}"#,
);
/// Whether the signed-in agent is away. Needs a ticket permission.
#[server(endpoint = "tickets/away", input = Json)]
pub async fn am_away() -> Result<bool, AppError> {
    use tandem_domain::service::service_desk;
    let state = crate::ssr::state()?;
    Ok(service_desk::is_away(&state.db, actor().as_ref()).await?)
}

crate::authz!(
    "/api/tickets/set_away",
    AnyOf(&[TicketsRead, TicketsReadAll, TicketsConfigure]),
    JSON,
    r#"{"away":false}"#,
);
/// Marks the signed-in agent away or back. Needs a ticket permission.
#[server(endpoint = "tickets/set_away", input = Json)]
pub async fn set_away(away: bool) -> Result<(), AppError> {
    use tandem_domain::service::service_desk;
    let state = crate::ssr::state()?;
    service_desk::set_away(&state.db, actor().as_ref(), away).await?;
    Ok(())
}

crate::authz!(
    "/api/returns/warehouses",
    Needs(TicketsWrite),
    JSON,
    r#"{}"#
);
/// Warehouses goods can come back to.
#[server(endpoint = "returns/warehouses", input = Json)]
pub async fn return_warehouses() -> Result<Vec<(i64, String)>, AppError> {
    use tandem_domain::service::returns;
    let state = crate::ssr::state()?;
    Ok(returns::warehouses(&state.db, actor().as_ref()).await?)
}

crate::authz!(
    "/api/returns/request",
    Needs(TicketsWrite),
    JSON,
    r#"{"ticket_id":999999,"order_id":999999,"warehouse_id":null,"lines":[],"reason":""}"#,
);
/// Requests a return of order lines.
#[server(endpoint = "returns/request", input = Json)]
pub async fn request_return(
    ticket_id: i64,
    order_id: i64,
    warehouse_id: Option<i64>,
    lines: Vec<(i64, String)>,
    reason: String,
) -> Result<(), AppError> {
    use tandem_domain::{
        access::{policy, Permission},
        messages,
        service::returns,
    };
    let state = crate::ssr::state()?;
    let actor = actor();
    policy::require(actor.as_ref(), Permission::TicketsWrite)?;
    let lines = crate::money::api::convert::quantities(&lines, messages::QUANTITY_RANGE)?;
    returns::request(
        &state.db,
        actor.as_ref(),
        ticket_id,
        &returns::ReturnInput {
            order_id,
            warehouse_id,
            lines,
            reason,
        },
    )
    .await?;
    Ok(())
}

crate::authz!(
    "/api/returns/approve",
    Needs(TicketsReturns),
    JSON,
    r#"{"id":999999}"#
);
/// Approves a return: stock back, credit notes.
#[server(endpoint = "returns/approve", input = Json)]
pub async fn approve_return(id: i64) -> Result<(), AppError> {
    use tandem_domain::service::returns;
    let state = crate::ssr::state()?;
    returns::approve(&state.db, actor().as_ref(), id, crate::ssr::local_today()).await?;
    Ok(())
}

crate::authz!(
    "/api/returns/reject",
    Needs(TicketsReturns),
    JSON,
    r#"{"id":999999}"#
);
/// Rejects a return.
#[server(endpoint = "returns/reject", input = Json)]
pub async fn reject_return(id: i64) -> Result<(), AppError> {
    use tandem_domain::service::returns;
    let state = crate::ssr::state()?;
    returns::reject(&state.db, actor().as_ref(), id).await?;
    Ok(())
}

crate::authz!(
    "/api/returns/credit",
    Needs(TicketsReturns),
    JSON,
    r#"{"ticket_id":999999,"invoice_id":999999,"reason":"x"}"#,
);
/// Credits a complaint on an invoice (everything not yet credited).
#[server(endpoint = "returns/credit", input = Json)]
pub async fn credit_complaint(
    ticket_id: i64,
    invoice_id: i64,
    reason: String,
) -> Result<(), AppError> {
    use tandem_domain::{billing::invoices::CreditInput, service::returns};
    let state = crate::ssr::state()?;
    returns::credit_complaint(
        &state.db,
        actor().as_ref(),
        ticket_id,
        &CreditInput {
            invoice_id,
            lines: Vec::new(),
            reason,
        },
        crate::ssr::local_today(),
    )
    .await?;
    Ok(())
}

#[cfg(feature = "ssr")]
fn article_row(a: tandem_domain::service::knowledge::ArticleRow) -> ArticleRow {
    ArticleRow {
        id: a.id,
        title: a.title,
        category: a.category,
        language: a.language,
        published: a.published,
        excerpt: a.excerpt,
    }
}

crate::authz!(
    "/api/knowledge/search",
    Public,
    JSON,
    r#"{"q":"","category":"","language":"","drafts":false}"#,
);
/// Searches articles: published ones for anyone; drafts too with
/// `knowledge.read` when asked.
#[server(endpoint = "knowledge/search", input = Json)]
pub async fn search_articles(
    q: String,
    category: String,
    language: String,
    drafts: bool,
) -> Result<Vec<ArticleRow>, AppError> {
    use tandem_domain::{access::rate_limit::Public, service::knowledge};
    let state = crate::ssr::state()?;
    crate::ssr::throttle(&state, Public::Read)?;
    Ok(knowledge::search(
        &state.db,
        actor().as_ref(),
        &q,
        &category,
        &language,
        drafts,
    )
    .await?
    .into_iter()
    .map(article_row)
    .collect())
}

crate::authz!("/api/knowledge/categories", Public, JSON, r#"{}"#);
/// Categories of published articles. Public.
#[server(endpoint = "knowledge/categories", input = Json)]
pub async fn article_categories() -> Result<Vec<String>, AppError> {
    use tandem_domain::{access::rate_limit::Public, service::knowledge};
    let state = crate::ssr::state()?;
    crate::ssr::throttle(&state, Public::Read)?;
    Ok(knowledge::categories(&state.db, false).await?)
}

crate::authz!(
    "/api/knowledge/related",
    Public,
    JSON,
    r#"{"text":"return goods"}"#
);
/// Published articles related to a text. Public (the support form uses it).
#[server(endpoint = "knowledge/related", input = Json)]
pub async fn related_articles(text: String) -> Result<Vec<ArticleRow>, AppError> {
    use tandem_domain::{access::rate_limit::Public, service::knowledge};
    let state = crate::ssr::state()?;
    crate::ssr::throttle(&state, Public::Read)?;
    Ok(knowledge::related(&state.db, &text, 5)
        .await?
        .into_iter()
        .map(article_row)
        .collect())
}

crate::authz!("/api/knowledge/get", Public, JSON, r#"{"id":999999}"#);
/// One article: published for anyone, drafts with `knowledge.read`.
#[server(endpoint = "knowledge/get", input = Json)]
pub async fn get_article(id: i64) -> Result<ArticleView, AppError> {
    use tandem_domain::{access::rate_limit::Public, service::knowledge};
    let state = crate::ssr::state()?;
    crate::ssr::throttle(&state, Public::Read)?;
    let v = knowledge::get(&state.db, actor().as_ref(), id).await?;
    Ok(ArticleView {
        id: v.article.id,
        form: ArticleForm {
            title: v.article.title,
            body: v.article.body,
            category: v.article.category,
            tags: v.article.tags,
            language: v.article.language,
            published: v.article.published,
        },
        html: v.html,
        updated: crate::ssr::local_time(v.article.updated_at),
    })
}

crate::authz!(
    "/api/knowledge/save",
    Needs(KnowledgeWrite),
    JSON,
    r#"{"id":null,"form":{"title":"","body":"","category":"","tags":"","language":"en","published":false}}"#,
);
/// Writes an article; returns its id.
#[server(endpoint = "knowledge/save", input = Json)]
pub async fn save_article(id: Option<i64>, form: ArticleForm) -> Result<i64, AppError> {
    use tandem_domain::service::knowledge;
    let state = crate::ssr::state()?;
    let saved = knowledge::save(
        &state.db,
        actor().as_ref(),
        id,
        &knowledge::ArticleInput {
            title: form.title,
            body: form.body,
            category: form.category,
            tags: convert::tags(&form.tags),
            language: form.language,
            published: form.published,
        },
    )
    .await?;
    Ok(saved.id)
}

crate::authz!(
    "/api/support/submit",
    Public,
    JSON,
    r#"{"form":{"name":"","email":"","order_number":"","subject":"","description":"","website":"bot"}}"#,
);
/// The public support form; returns the ticket number. No sign-in; rate
/// limited per client address.
#[server(endpoint = "support/submit", input = Json)]
pub async fn submit_support(form: SupportForm) -> Result<String, AppError> {
    use tandem_domain::{access::rate_limit::Public, service::support_form};
    let state = crate::ssr::state()?;
    crate::ssr::throttle(&state, Public::Submit)?;
    Ok(support_form::submit(
        &state.db,
        &support_form::PublicRequest {
            name: form.name,
            email: form.email,
            order_number: form.order_number,
            subject: form.subject,
            description: form.description,
            website: form.website,
        },
    )
    .await?)
}

crate::authz!("/api/rate/get", Public, JSON, r#"{"token":"nope"}"#);
/// The rating page's ticket (number, subject). Public, by one-time link.
#[server(endpoint = "rate/get", input = Json)]
pub async fn rating_form(token: String) -> Result<(String, String), AppError> {
    use tandem_domain::{access::rate_limit::Public, service::tickets};
    let state = crate::ssr::state()?;
    crate::ssr::throttle(&state, Public::Read)?;
    Ok(tickets::rating_form(&state.db, &token).await?)
}

crate::authz!(
    "/api/rate/submit",
    Public,
    JSON,
    r#"{"token":"nope","score":5,"comment":""}"#
);
/// Records a rating. Public, by one-time link.
#[server(endpoint = "rate/submit", input = Json)]
pub async fn rate_ticket(token: String, score: i32, comment: String) -> Result<(), AppError> {
    use tandem_domain::{access::rate_limit::Public, service::tickets};
    let state = crate::ssr::state()?;
    crate::ssr::throttle(&state, Public::Submit)?;
    tickets::rate(&state.db, &token, score, &comment).await?;
    Ok(())
}

crate::authz!(
    "/api/service/policies",
    AnyOf(&[TicketsRead, TicketsReadAll, TicketsConfigure]),
    JSON,
    r#"{}"#,
);
/// SLA policies. Needs a ticket permission.
#[server(endpoint = "service/policies", input = Json)]
pub async fn list_policies() -> Result<Vec<PolicyView>, AppError> {
    use tandem_domain::service::service_desk;
    let state = crate::ssr::state()?;
    Ok(service_desk::policies(&state.db, actor().as_ref())
        .await?
        .into_iter()
        .map(|p| PolicyView {
            id: p.id,
            name: p.name,
            priority: p.priority,
            segment: p.segment,
            first_response_minutes: p.first_response_minutes,
            resolution_minutes: p.resolution_minutes,
        })
        .collect())
}

crate::authz!(
    "/api/service/save_policy",
    Needs(TicketsConfigure),
    JSON,
    r#"{"form":{"id":0,"name":"","priority":"normal","segment":"","first_response_minutes":0,"resolution_minutes":0}}"#,
);
/// Saves the policy of a priority and segment.
#[server(endpoint = "service/save_policy", input = Json)]
pub async fn save_policy(form: PolicyView) -> Result<(), AppError> {
    use tandem_domain::service::service_desk;
    let state = crate::ssr::state()?;
    service_desk::save_policy(
        &state.db,
        actor().as_ref(),
        &service_desk::PolicyInput {
            name: form.name,
            priority: form.priority,
            segment: form.segment,
            first_response_minutes: form.first_response_minutes,
            resolution_minutes: form.resolution_minutes,
        },
    )
    .await?;
    Ok(())
}

crate::authz!(
    "/api/service/save_queue",
    Needs(TicketsConfigure),
    JSON,
    r#"{"id":null,"name":"","manager_id":null,"auto_assign":false,"member_ids":[]}"#,
);
/// Creates or rewrites a queue.
#[server(endpoint = "service/save_queue", input = Json)]
pub async fn save_queue(
    id: Option<i64>,
    name: String,
    manager_id: Option<i64>,
    auto_assign: bool,
    member_ids: Vec<i64>,
) -> Result<(), AppError> {
    use tandem_domain::service::service_desk;
    let state = crate::ssr::state()?;
    service_desk::save_queue(
        &state.db,
        actor().as_ref(),
        id,
        &service_desk::QueueInput {
            name,
            manager_id,
            auto_assign,
            member_ids,
        },
    )
    .await?;
    Ok(())
}

crate::authz!(
    "/api/service/agents",
    AnyOf(&[TicketsConfigure, TicketsAssign]),
    JSON,
    r#"{}"#
);
/// Agents who may be put in queues: active users holding `tickets.write`.
#[server(endpoint = "service/agents", input = Json)]
pub async fn list_agents() -> Result<Vec<(i64, String)>, AppError> {
    use tandem_domain::service::service_desk;
    let state = crate::ssr::state()?;
    Ok(service_desk::agents(&state.db, actor().as_ref()).await?)
}

crate::authz!(
    "/api/service/calendar",
    AnyOf(&[TicketsRead, TicketsReadAll, TicketsConfigure]),
    JSON,
    r#"{}"#,
);
/// The working calendar. Needs a ticket permission.
#[server(endpoint = "service/calendar", input = Json)]
pub async fn get_calendar() -> Result<CalendarForm, AppError> {
    use tandem_domain::service::service_desk;
    let state = crate::ssr::state()?;
    let c = service_desk::calendar(&state.db, actor().as_ref()).await?;
    let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    Ok(CalendarForm {
        name: c.name,
        utc_offset_minutes: c.calendar.utc_offset_minutes.to_string(),
        working_days: c.calendar.working_days.to_vec(),
        start: hm(c.calendar.day_start_minute),
        end: hm(c.calendar.day_end_minute),
        holidays: c
            .holidays
            .iter()
            .map(|(d, n)| format!("{d} {n}"))
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

crate::authz!(
    "/api/service/save_calendar",
    Needs(TicketsConfigure),
    JSON,
    r#"{"form":{"name":"","utc_offset_minutes":"x","working_days":[],"start":"","end":"","holidays":""}}"#,
);
/// Saves the working calendar.
#[server(endpoint = "service/save_calendar", input = Json)]
pub async fn save_calendar(form: CalendarForm) -> Result<(), AppError> {
    use tandem_domain::{
        access::{policy, Permission},
        messages,
        service::service_desk,
        Error, FieldErrors,
    };
    let state = crate::ssr::state()?;
    let actor = actor();
    policy::require(actor.as_ref(), Permission::TicketsConfigure)?;
    let mut errors = FieldErrors::new();
    let minutes = |text: &str| -> Option<i32> {
        let (h, m) = text.trim().split_once(':')?;
        let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
        ((0..=24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
    };
    let start = minutes(&form.start).unwrap_or_else(|| {
        errors.insert("day_start_minute".into(), messages::HOURS_INVALID.into());
        0
    });
    let end = minutes(&form.end).unwrap_or_else(|| {
        errors.insert("day_end_minute".into(), messages::HOURS_INVALID.into());
        0
    });
    let offset = form
        .utc_offset_minutes
        .trim()
        .parse::<i32>()
        .unwrap_or_else(|_| {
            errors.insert("utc_offset_minutes".into(), messages::OFFSET_INVALID.into());
            0
        });
    let mut holidays = Vec::new();
    for (i, line) in form
        .holidays
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let (day, name) = line.split_once(' ').unwrap_or((line, ""));
        match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(d) => holidays.push((d, name.trim().to_owned())),
            Err(_) => {
                errors.insert(format!("holidays.{i}"), messages::DATE_INVALID.into());
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors).into());
    }
    let mut days = [false; 7];
    for (i, on) in form.working_days.iter().take(7).enumerate() {
        days[i] = *on;
    }
    service_desk::save_calendar(
        &state.db,
        actor.as_ref(),
        &service_desk::CalendarInput {
            name: form.name,
            utc_offset_minutes: offset,
            working_days: days,
            day_start_minute: start,
            day_end_minute: end,
            holidays,
        },
    )
    .await?;
    Ok(())
}

crate::authz!(
    "/api/tickets/open_count",
    SignedIn,
    JSON,
    r#"{"customer_id":999999}"#
);
/// Open tickets of a customer in the reader's scope (none without a
/// ticket permission).
#[server(endpoint = "tickets/open_count", input = Json)]
pub async fn open_ticket_count(customer_id: i64) -> Result<Option<u64>, AppError> {
    use tandem_domain::{service::tickets, Error};
    let state = crate::ssr::state()?;
    match tickets::open_count(&state.db, actor().as_ref(), customer_id).await {
        Ok(n) => Ok(Some(n)),
        Err(Error::Forbidden) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
