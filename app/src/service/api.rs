//! Server functions of tickets, returns, the knowledge base, the public
//! support form, ratings and the service desk set-up. Each calls one
//! domain service, which checks permission and record scope; the public
//! ones (support form, help articles, ratings) need no sign-in. What goes
//! in and out is converted in `convert`.

use leptos::prelude::*;
use server_fn::codec::Json;
#[cfg(feature = "ssr")]
use tandem_domain::{
    access::rate_limit::Public as Limit,
    service::{knowledge, returns, service_desk, support_form, ticket_page, tickets},
};

use super::types::*;
use crate::{admin::types::PageView, error::AppError};

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use chrono::{DateTime, Utc};
    use tandem_domain::{
        billing::invoices::CreditInput,
        entities::{sla_policies, tickets as rows},
        messages,
        money::format_minor,
        service::{
            sla::Clock,
            ticket_page::{PageReturn, TicketPage},
        },
        Error, FieldErrors,
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
        now: DateTime<Utc>,
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

    /// Rows shown without customer, queue and assignee names (a customer's
    /// own tickets).
    pub fn bare_rows(found: &[rows::Model], now: DateTime<Utc>) -> Vec<TicketRow> {
        found
            .iter()
            .map(|t| row(t, String::new(), None, None, now))
            .collect()
    }

    pub fn tags(text: &str) -> Vec<String> {
        text.split(',')
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// The list's filters, for one page of `per_page` rows.
    pub fn filter(query: TicketQuery, page: u64, per_page: u64) -> tickets::TicketFilter {
        tickets::TicketFilter {
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
        }
    }

    /// A ticket's page, its deadlines compared with `now`.
    pub fn ticket_view(page: TicketPage, now: DateTime<Utc>) -> TicketView {
        let TicketPage {
            detail: d,
            returns: page_returns,
            abilities,
        } = page;
        let t = &d.ticket;
        TicketView {
            row: row(
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
            response: clock(d.sla.response),
            resolution: clock(d.sla.resolution),
            comments: d
                .comments
                .iter()
                .map(|c| CommentView {
                    author: c.author_name.clone(),
                    public: c.public,
                    body: c.body.clone(),
                    at: local_time(c.created_at),
                })
                .collect(),
            history: d
                .history
                .iter()
                .map(|h| HistoryView {
                    from: h.from.clone(),
                    to: h.to.clone(),
                    by: h.by.clone().unwrap_or_default(),
                    at: local_time(h.at),
                })
                .collect(),
            returns: page_returns.into_iter().map(return_view).collect(),
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
            can_write: abilities.write,
            can_assign: abilities.assign,
            can_returns: abilities.returns,
        }
    }

    fn return_view(r: PageReturn) -> ReturnView {
        ReturnView {
            id: r.ret.id,
            number: r.ret.number,
            state: r.ret.state,
            order: r.order,
            lines: r
                .lines
                .into_iter()
                .map(|l| (l.description, l.quantity))
                .collect(),
            reason: r.ret.reason,
        }
    }

    /// The ERP panel, other tickets' deadlines compared with `now`.
    pub fn panel(p: tickets::Panel, now: DateTime<Utc>) -> PanelView {
        PanelView {
            orders: p
                .orders
                .iter()
                .map(|o| PanelOrder {
                    id: o.order.id,
                    number: o.order.number.clone(),
                    state: o.order.state.as_str().into(),
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
            tickets: bare_rows(&p.tickets, now),
        }
    }

    /// The new-ticket form as the service's input.
    pub fn ticket_input(form: TicketForm) -> tickets::TicketInput {
        tickets::TicketInput {
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
            tags: tags(&form.tags),
        }
    }

    /// The ticket's edit form as the service's input.
    pub fn ticket_update(form: TicketEdit) -> tickets::TicketUpdate {
        tickets::TicketUpdate {
            kind: form.kind,
            priority: form.priority,
            subject: form.subject,
            contact_id: None,
            order_id: form.order_id,
            shipment_id: form.shipment_id,
            tags: tags(&form.tags),
        }
    }

    pub fn queue(q: service_desk::Queue) -> QueueView {
        QueueView {
            id: q.id,
            name: q.name,
            manager: q.manager,
            auto_assign: q.auto_assign,
            members: q.members,
        }
    }

    /// The queue form as the service's input.
    pub fn queue_input(
        name: String,
        manager_id: Option<i64>,
        auto_assign: bool,
        member_ids: Vec<i64>,
    ) -> service_desk::QueueInput {
        service_desk::QueueInput {
            name,
            manager_id,
            auto_assign,
            member_ids,
        }
    }

    /// The return form: (order line, quantity text) pairs parsed, blank
    /// quantities skipped.
    pub fn return_input(
        order_id: i64,
        warehouse_id: Option<i64>,
        lines: &[(i64, String)],
        reason: String,
    ) -> Result<returns::ReturnInput, AppError> {
        let lines = crate::money::api::convert::quantities(lines, messages::QUANTITY_RANGE)?;
        Ok(returns::ReturnInput {
            order_id,
            warehouse_id,
            lines,
            reason,
        })
    }

    /// A complaint's credit: everything on the invoice not yet credited.
    pub fn credit(invoice_id: i64, reason: String) -> CreditInput {
        CreditInput {
            invoice_id,
            lines: Vec::new(),
            reason,
        }
    }

    pub fn article_row(a: knowledge::ArticleRow) -> ArticleRow {
        ArticleRow {
            id: a.id,
            title: a.title,
            category: a.category,
            language: a.language,
            published: a.published,
            excerpt: a.excerpt,
        }
    }

    pub fn article(v: knowledge::ArticleView) -> ArticleView {
        ArticleView {
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
            updated: local_time(v.article.updated_at),
        }
    }

    /// The article form as the service's input.
    pub fn article_input(form: ArticleForm) -> knowledge::ArticleInput {
        knowledge::ArticleInput {
            title: form.title,
            body: form.body,
            category: form.category,
            tags: tags(&form.tags),
            language: form.language,
            published: form.published,
        }
    }

    /// The public support form as the service's input.
    pub fn support_request(form: SupportForm) -> support_form::PublicRequest {
        support_form::PublicRequest {
            name: form.name,
            email: form.email,
            order_number: form.order_number,
            subject: form.subject,
            description: form.description,
            website: form.website,
        }
    }

    pub fn policy(p: sla_policies::Model) -> PolicyView {
        PolicyView {
            id: p.id,
            name: p.name,
            priority: p.priority,
            segment: p.segment,
            first_response_minutes: p.first_response_minutes,
            resolution_minutes: p.resolution_minutes,
        }
    }

    /// The policy form as the service's input (the key is not sent: a
    /// policy is found by priority and segment).
    pub fn policy_input(form: PolicyView) -> service_desk::PolicyInput {
        service_desk::PolicyInput {
            name: form.name,
            priority: form.priority,
            segment: form.segment,
            first_response_minutes: form.first_response_minutes,
            resolution_minutes: form.resolution_minutes,
        }
    }

    /// The calendar as its form shows it: hours as "HH:MM", one
    /// "YYYY-MM-DD name" holiday per line.
    pub fn calendar_form(c: service_desk::CalendarView) -> CalendarForm {
        let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        CalendarForm {
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
        }
    }

    /// Parses the calendar form (the reverse of [`calendar_form`]); every
    /// field that does not parse is reported. Ranges are the service's.
    pub fn calendar_input(form: CalendarForm) -> Result<service_desk::CalendarInput, AppError> {
        let mut errors = FieldErrors::new();
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
        Ok(service_desk::CalendarInput {
            name: form.name,
            utc_offset_minutes: offset,
            working_days: days,
            day_start_minute: start,
            day_end_minute: end,
            holidays,
        })
    }

    /// "HH:MM" as minutes after midnight.
    fn minutes(text: &str) -> Option<i32> {
        let (h, m) = text.trim().split_once(':')?;
        let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
        ((0..=24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
    }
}

#[cfg(feature = "ssr")]
fn actor() -> Option<tandem_domain::access::Actor> {
    crate::ssr::actor()
}

#[cfg(feature = "ssr")]
use crate::ssr::signed_in;

/// The state, once this anonymous request is counted against its client
/// address's `kind` limit (429 over it).
#[cfg(feature = "ssr")]
fn throttled(kind: Limit) -> Result<crate::ssr::AppState, AppError> {
    let state = crate::ssr::state()?;
    crate::ssr::throttle(&state, kind)?;
    Ok(state)
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
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    let filter = convert::filter(query, page, per_page);
    let found = tickets::list(&state.reader, &signed_in()?, &filter, now).await?;
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
    let state = crate::ssr::state()?;
    let found = tickets::of_customer(&state.db, &signed_in()?, customer_id).await?;
    Ok(convert::bare_rows(&found, chrono::Utc::now()))
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
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    let page = ticket_page::get(&state.db, &signed_in()?, id, now).await?;
    Ok(convert::ticket_view(page, now))
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
    let state = crate::ssr::state()?;
    let panel = tickets::panel(&state.db, &signed_in()?, id).await?;
    Ok(convert::panel(panel, chrono::Utc::now()))
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
    let state = crate::ssr::state()?;
    let input = convert::ticket_input(form);
    let created = tickets::create(&state.db, &signed_in()?, &input).await?;
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
    let state = crate::ssr::state()?;
    let input = convert::ticket_update(form);
    tickets::update(&state.db, &signed_in()?, id, &input).await?;
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
    let state = crate::ssr::state()?;
    tickets::set_status(&state.db, &signed_in()?, id, &status).await?;
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
    let state = crate::ssr::state()?;
    tickets::comment(&state.db, &signed_in()?, id, &body, public).await?;
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
    let state = crate::ssr::state()?;
    tickets::assign(&state.db, &signed_in()?, id, queue_id, assignee_id).await?;
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
    let state = crate::ssr::state()?;
    let queues = service_desk::queues(&state.db, &signed_in()?).await?;
    Ok(queues.into_iter().map(convert::queue).collect())
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
    let state = crate::ssr::state()?;
    Ok(service_desk::is_away(&state.db, &signed_in()?).await?)
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
    let state = crate::ssr::state()?;
    service_desk::set_away(&state.db, &signed_in()?, away).await?;
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
    let state = crate::ssr::state()?;
    Ok(returns::warehouses(&state.db, &signed_in()?).await?)
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
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/returns/request")?;
    let input = convert::return_input(order_id, warehouse_id, &lines, reason)?;
    returns::request(&state.db, &actor, ticket_id, &input).await?;
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
    let state = crate::ssr::state()?;
    returns::approve(&state.db, &signed_in()?, id, crate::ssr::local_today()).await?;
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
    let state = crate::ssr::state()?;
    returns::reject(&state.db, &signed_in()?, id).await?;
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
    let (state, today) = (crate::ssr::state()?, crate::ssr::local_today());
    let input = convert::credit(invoice_id, reason);
    returns::credit_complaint(&state.db, &signed_in()?, ticket_id, &input, today).await?;
    Ok(())
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
    let (state, me) = (throttled(Limit::Read)?, actor());
    let rows = knowledge::search(&state.db, me.as_ref(), &q, &category, &language, drafts).await?;
    Ok(rows.into_iter().map(convert::article_row).collect())
}

crate::authz!("/api/knowledge/categories", Public, JSON, r#"{}"#);
/// Categories of published articles. Public.
#[server(endpoint = "knowledge/categories", input = Json)]
pub async fn article_categories() -> Result<Vec<String>, AppError> {
    let state = throttled(Limit::Read)?;
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
    let state = throttled(Limit::Read)?;
    let rows = knowledge::related(&state.db, &text, 5).await?;
    Ok(rows.into_iter().map(convert::article_row).collect())
}

crate::authz!("/api/knowledge/get", Public, JSON, r#"{"id":999999}"#);
/// One article: published for anyone, drafts with `knowledge.read`.
#[server(endpoint = "knowledge/get", input = Json)]
pub async fn get_article(id: i64) -> Result<ArticleView, AppError> {
    let state = throttled(Limit::Read)?;
    let article = knowledge::get(&state.db, crate::ssr::actor().as_ref(), id).await?;
    Ok(convert::article(article))
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
    let state = crate::ssr::state()?;
    let input = convert::article_input(form);
    let saved = knowledge::save(&state.db, &signed_in()?, id, &input).await?;
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
    let state = throttled(Limit::Submit)?;
    let request = convert::support_request(form);
    Ok(support_form::submit(&state.db, &request).await?)
}

crate::authz!("/api/rate/get", Public, JSON, r#"{"token":"nope"}"#);
/// The rating page's ticket (number, subject). Public, by one-time link.
#[server(endpoint = "rate/get", input = Json)]
pub async fn rating_form(token: String) -> Result<(String, String), AppError> {
    let state = throttled(Limit::Read)?;
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
    let state = throttled(Limit::Submit)?;
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
    let state = crate::ssr::state()?;
    let policies = service_desk::policies(&state.db, &signed_in()?).await?;
    Ok(policies.into_iter().map(convert::policy).collect())
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
    let state = crate::ssr::state()?;
    let input = convert::policy_input(form);
    service_desk::save_policy(&state.db, &signed_in()?, &input).await?;
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
    let state = crate::ssr::state()?;
    let input = convert::queue_input(name, manager_id, auto_assign, member_ids);
    service_desk::save_queue(&state.db, &signed_in()?, id, &input).await?;
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
    let state = crate::ssr::state()?;
    Ok(service_desk::agents(&state.db, &signed_in()?).await?)
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
    let state = crate::ssr::state()?;
    let calendar = service_desk::calendar(&state.db, &signed_in()?).await?;
    Ok(convert::calendar_form(calendar))
}

crate::authz!(
    "/api/service/save_calendar",
    Needs(TicketsConfigure),
    JSON,
    r#"{"form":{"name":"","utc_offset_minutes":"x","working_days":[],"start":"","end":"","holidays":""}}"#,
);
/// Saves the working calendar. The permission is asked before the form is
/// parsed (the service asks it again), so a caller without it is refused
/// (401/403) rather than shown the form's errors.
#[server(endpoint = "service/save_calendar", input = Json)]
pub async fn save_calendar(form: CalendarForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/service/save_calendar")?;
    let input = convert::calendar_input(form)?;
    service_desk::save_calendar(&state.db, &actor, &input).await?;
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
    let state = crate::ssr::state()?;
    match tickets::open_count(&state.db, &signed_in()?, customer_id).await {
        Ok(n) => Ok(Some(n)),
        Err(tandem_domain::Error::Forbidden) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
