//! `/admin/integrations`: API tokens (everyone's with `admin.integrations`,
//! one's own with `admin.own_tokens`), webhook endpoints and the health of
//! the integrations; `/admin/integrations/webhooks/:id`: an endpoint's
//! delivery log with replay; `/admin/data`: a backup download and the full
//! export of each kind of data.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use super::{types::PageView, AdminTabs};
use crate::{
    auth::use_me,
    components::{
        forms::{FieldError, FormErrors},
        Pager,
    },
    crm::types::Choice,
    error::AppError,
    i18n::*,
    messages::localize,
};

#[cfg(feature = "ssr")]
use tandem_domain::{access::api_tokens, integration::backup, integration::webhooks};

#[cfg(feature = "ssr")]
use crate::ssr::signed_in;

/// A token as the list shows it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    /// Key.
    pub id: i64,
    /// The owner's email.
    pub owner: String,
    /// Its name.
    pub name: String,
    /// `tdm_<prefix>_…`.
    pub prefix: String,
    /// Granted permission codes.
    pub permissions: Vec<String>,
    /// Created (local time).
    pub created_at: String,
    /// Expiry (local time).
    pub expires_at: Option<String>,
    /// Last request (local time).
    pub last_used_at: Option<String>,
    /// Revoked.
    pub revoked: bool,
}

/// The tokens section's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensView {
    /// Tokens, newest first.
    pub tokens: Vec<TokenView>,
    /// Users a token may be made for (only with `admin.integrations`).
    pub owners: Vec<Choice>,
    /// The permission codes the signed-in user holds.
    pub permissions: Vec<String>,
}

/// The token form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenForm {
    /// A name.
    pub name: String,
    /// The owner; none is oneself.
    pub user_id: Option<i64>,
    /// Chosen permission codes.
    pub permissions: Vec<String>,
    /// Last day it works (`YYYY-MM-DD`), or empty.
    pub expires_on: String,
}

/// An endpoint as the list shows it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Address.
    pub url: String,
    /// Event types (`*` is all).
    pub event_types: Vec<String>,
    /// Deliveries are made.
    pub active: bool,
    /// Waiting.
    pub pending: u64,
    /// Given up.
    pub failed: u64,
    /// Made.
    pub delivered: u64,
    /// Last HTTP status.
    pub last_status_code: Option<i32>,
    /// Last attempt (local time).
    pub last_attempt_at: Option<String>,
    /// Last attempt failed, or deliveries were given up.
    pub failing: bool,
}

/// Outbox and delivery figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthView {
    /// Events not yet handed to endpoints.
    pub outbox_backlog: u64,
    /// Deliveries waiting.
    pub pending: u64,
    /// Deliveries given up.
    pub failed: u64,
    /// The oldest waiting delivery (local time).
    pub oldest_pending: Option<String>,
    /// Failing endpoints' names.
    pub failing: Vec<(i64, String)>,
    /// The last imports: kind, file, status, bad rows, started (local time).
    pub imports: Vec<ImportLine>,
}

/// One recent import, for the health box.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLine {
    /// Kind code.
    pub kind: String,
    /// File name.
    pub file_name: String,
    /// `dry_run` or `import`.
    pub mode: String,
    /// `running`, `done`, `rolled_back`, `failed`.
    pub status: String,
    /// Rows.
    pub total: u64,
    /// Bad rows.
    pub failed: u64,
    /// Started (local time).
    pub started_at: String,
}

/// The webhooks section's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksView {
    /// Endpoints, newest first.
    pub endpoints: Vec<EndpointView>,
    /// Every event type.
    pub event_types: Vec<String>,
    /// Health.
    pub health: HealthView,
}

/// The endpoint form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointForm {
    /// Name.
    pub name: String,
    /// Address.
    pub url: String,
    /// Event types.
    pub event_types: Vec<String>,
    /// Deliveries are made.
    pub active: bool,
}

/// A delivery log row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    /// Key.
    pub id: i64,
    /// Event id.
    pub event_id: i64,
    /// Event type.
    pub event_type: String,
    /// pending, delivered, failed.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// Last HTTP status.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed, in a few words ("HTTP 503", "timed
    /// out"); never what the endpoint answered.
    pub last_error: String,
    /// Last attempt (local time).
    pub last_attempt_at: Option<String>,
    /// Next attempt (local time), for pending ones.
    pub next_attempt_at: Option<String>,
}

/// The delivery log page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveriesView {
    /// The endpoint.
    pub endpoint: EndpointView,
    /// A page of its deliveries.
    pub page: PageView<DeliveryView>,
}

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::{integration::import, parse::Form};

    use super::*;
    use crate::ssr::local_time;

    fn choices(list: Vec<(i64, String)>) -> Vec<Choice> {
        list.into_iter()
            .map(|(id, name)| Choice { id, name })
            .collect()
    }

    pub fn tokens(o: api_tokens::Overview) -> TokensView {
        TokensView {
            tokens: o.tokens.into_iter().map(token).collect(),
            owners: choices(o.owners),
            permissions: o.permissions,
        }
    }

    fn token(t: api_tokens::Token) -> TokenView {
        TokenView {
            id: t.id,
            owner: t.user_email,
            name: t.name,
            prefix: t.prefix,
            permissions: t.permissions,
            created_at: local_time(t.created_at),
            expires_at: t.expires_at.map(local_time),
            last_used_at: t.last_used_at.map(local_time),
            revoked: t.revoked_at.is_some(),
        }
    }

    /// The token form as the domain takes it; the last day it works must
    /// read YYYY-MM-DD (it expires when that day ends, UTC).
    pub fn token_input(form: TokenForm) -> Result<api_tokens::TokenInput, AppError> {
        let mut read = Form::new();
        let last_day = read.date("expires_at", &form.expires_on);
        read.finish(())?;
        let expires_at = last_day
            .and_then(|d| d.succ_opt())
            .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc());
        Ok(api_tokens::TokenInput {
            user_id: form.user_id,
            name: form.name,
            permissions: Some(form.permissions),
            expires_at,
        })
    }

    pub fn webhooks(o: webhooks::Overview) -> WebhooksView {
        WebhooksView {
            endpoints: o.endpoints.into_iter().map(endpoint).collect(),
            event_types: webhooks::EVENT_TYPES
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
            health: HealthView {
                outbox_backlog: o.health.outbox_backlog,
                pending: o.health.pending,
                failed: o.health.failed,
                oldest_pending: o.health.oldest_pending.map(local_time),
                failing: o.health.failing_endpoints,
                imports: o.imports.into_iter().map(import_line).collect(),
            },
        }
    }

    fn import_line(r: import::Run) -> ImportLine {
        ImportLine {
            kind: r.kind,
            file_name: r.file_name,
            mode: r.mode,
            status: r.status,
            total: r.total,
            failed: r.failed,
            started_at: local_time(r.started_at),
        }
    }

    fn endpoint(e: webhooks::Endpoint) -> EndpointView {
        EndpointView {
            id: e.id,
            name: e.name,
            url: e.url,
            event_types: e.event_types,
            active: e.active,
            pending: e.pending,
            failed: e.failed,
            delivered: e.delivered,
            last_status_code: e.last_status_code,
            last_attempt_at: e.last_attempt_at.map(local_time),
            failing: e.failing,
        }
    }

    /// A page of an endpoint's delivery log, 50 a page.
    pub fn log_query(endpoint_id: i64, status: Option<String>, page: u64) -> webhooks::LogQuery {
        webhooks::LogQuery {
            endpoint_id,
            status,
            page,
            per_page: 50,
        }
    }

    pub fn deliveries(log: webhooks::DeliveryLog) -> DeliveriesView {
        DeliveriesView {
            endpoint: endpoint(log.endpoint),
            page: PageView::from_page(log.page, delivery),
        }
    }

    fn delivery(d: webhooks::Delivery) -> DeliveryView {
        DeliveryView {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            next_attempt_at: (d.status == webhooks::PENDING).then(|| local_time(d.next_attempt_at)),
            status: d.status,
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_error: d.last_error,
            last_attempt_at: d.last_attempt_at.map(local_time),
        }
    }

    pub fn input(form: EndpointForm) -> webhooks::EndpointInput {
        webhooks::EndpointInput {
            name: form.name,
            url: form.url,
            event_types: form.event_types,
            active: form.active,
        }
    }
}

crate::authz!(
    "/api/admin/tokens/list",
    AnyOf(&[AdminIntegrations, AdminOwnTokens]),
    JSON,
    r#"{}"#
);
/// API tokens the user may see.
#[server(endpoint = "admin/tokens/list", input = Json)]
pub async fn list_tokens() -> Result<TokensView, AppError> {
    let state = crate::ssr::state()?;
    let overview = api_tokens::overview(&state.db, &signed_in()?).await?;
    Ok(convert::tokens(overview))
}

crate::authz!(
    "/api/admin/tokens/create",
    AnyOf(&[AdminIntegrations, AdminOwnTokens]),
    JSON,
    r#"{"form":{"name":"","user_id":null,"permissions":[],"expires_on":""}}"#,
);
/// Creates a token; returns it whole, once.
#[server(endpoint = "admin/tokens/create", input = Json)]
pub async fn create_token(form: TokenForm) -> Result<String, AppError> {
    let state = crate::ssr::state()?;
    let input = convert::token_input(form)?;
    let now = chrono::Utc::now();
    let created = api_tokens::create(&state.db, &signed_in()?, &input, now).await?;
    Ok(created.secret)
}

crate::authz!(
    "/api/admin/tokens/revoke",
    AnyOf(&[AdminIntegrations, AdminOwnTokens]),
    JSON,
    r#"{"id":999999}"#,
);
/// Revokes a token (its next request is refused).
#[server(endpoint = "admin/tokens/revoke", input = Json)]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    api_tokens::revoke(&state.db, &signed_in()?, id, chrono::Utc::now()).await?;
    Ok(())
}

crate::authz!(
    "/api/admin/webhooks/list",
    Needs(AdminIntegrations),
    JSON,
    r#"{}"#
);
/// Webhook endpoints, event types and health.
#[server(endpoint = "admin/webhooks/list", input = Json)]
pub async fn list_webhooks() -> Result<WebhooksView, AppError> {
    let state = crate::ssr::state()?;
    let overview = webhooks::overview(&state.db, &signed_in()?).await?;
    Ok(convert::webhooks(overview))
}

crate::authz!(
    "/api/admin/webhooks/create",
    Needs(AdminIntegrations),
    JSON,
    r#"{"form":{"name":"","url":"","event_types":[],"active":true}}"#,
);
/// Registers an endpoint; returns its signing secret, once.
#[server(endpoint = "admin/webhooks/create", input = Json)]
pub async fn create_webhook(form: EndpointForm) -> Result<String, AppError> {
    let state = crate::ssr::state()?;
    let input = convert::input(form);
    let targets = &state.webhook_targets;
    let now = chrono::Utc::now();
    let created = webhooks::create(&state.db, &signed_in()?, &input, targets, now).await?;
    Ok(created.secret)
}

crate::authz!(
    "/api/admin/webhooks/update",
    Needs(AdminIntegrations),
    JSON,
    r#"{"id":999999,"form":{"name":"X","url":"https://example.com/x","event_types":["*"],"active":false}}"#,
);
/// Changes an endpoint (name, address, event types, active).
#[server(endpoint = "admin/webhooks/update", input = Json)]
pub async fn update_webhook(id: i64, form: EndpointForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let input = convert::input(form);
    let targets = &state.webhook_targets;
    let now = chrono::Utc::now();
    webhooks::update(&state.db, &signed_in()?, id, &input, targets, now).await?;
    Ok(())
}

crate::authz!(
    "/api/admin/webhooks/rotate",
    Needs(AdminIntegrations),
    JSON,
    r#"{"id":999999}"#
);
/// Gives an endpoint a new signing secret; returns it, once.
#[server(endpoint = "admin/webhooks/rotate", input = Json)]
pub async fn rotate_webhook_secret(id: i64) -> Result<String, AppError> {
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    Ok(webhooks::rotate_secret(&state.db, &signed_in()?, id, now).await?)
}

crate::authz!(
    "/api/admin/webhooks/delete",
    Needs(AdminIntegrations),
    JSON,
    r#"{"id":999999}"#
);
/// Removes an endpoint and its log.
#[server(endpoint = "admin/webhooks/delete", input = Json)]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(webhooks::delete(&state.db, &signed_in()?, id).await?)
}

crate::authz!(
    "/api/admin/webhooks/deliveries",
    Needs(AdminIntegrations),
    JSON,
    r#"{"endpoint_id":999999,"status":null,"page":1}"#,
);
/// An endpoint's delivery log, newest first, 50 a page.
#[server(endpoint = "admin/webhooks/deliveries", input = Json)]
pub async fn webhook_deliveries(
    endpoint_id: i64,
    status: Option<String>,
    page: u64,
) -> Result<DeliveriesView, AppError> {
    let state = crate::ssr::state()?;
    let query = convert::log_query(endpoint_id, status, page);
    let log = webhooks::delivery_log(&state.reader, &signed_in()?, &query).await?;
    Ok(convert::deliveries(log))
}

crate::authz!(
    "/api/admin/webhooks/replay",
    Needs(AdminIntegrations),
    JSON,
    r#"{"id":999999}"#
);
/// Sends a delivery again, now.
#[server(endpoint = "admin/webhooks/replay", input = Json)]
pub async fn replay_delivery(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    webhooks::replay(&state.db, &signed_in()?, id, chrono::Utc::now()).await?;
    Ok(())
}

crate::authz!("/api/admin/data/kinds", Needs(AdminBackups), JSON, r#"{}"#);
/// The kinds of data the admin page exports in full.
#[server(endpoint = "admin/data/kinds", input = Json)]
pub async fn data_kinds() -> Result<Vec<String>, AppError> {
    let state = crate::ssr::state()?;
    Ok(backup::export_kinds(&state.reader, &signed_in()?).await?)
}

/// A secret shown once, with the warning to copy it now.
#[component]
fn ShownOnce(label: String, secret: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice notice-success" role="status">
            <p>
                <strong>{label}</strong>
            </p>
            <p>
                <code class="secret" data-testid="secret">
                    {secret}
                </code>
            </p>
            <p class="muted small">{t!(i18n, intg.shown_once)}</p>
        </div>
    }
}

/// `/admin/integrations`.
#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    let admin = me.as_ref().is_some_and(|m| m.can("admin.integrations"));
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, intg.title).to_owned()) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, intg.title)}</h1>
            </header>
            <AdminTabs current="integrations" />
            <p class="muted">
                {t!(i18n, intg.help)} " " <a href="/api/v1/docs/">{t!(i18n, intg.api_docs)}</a>
            </p>
            <Tokens />
            {admin.then(|| view! { <Webhooks /> })}
        </div>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let data = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let name = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let revoke_errors = Signal::derive(move || revoke.value().get().and_then(Result::err));
    let secret = move || create.value().get().and_then(Result::ok);
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            expires.set(String::new());
            chosen.set(BTreeSet::new());
        }
    });
    view! {
        <section class="card" aria-labelledby="tokens-title">
            <h2 class="card-title" id="tokens-title">
                {t!(i18n, intg.tokens)}
            </h2>
            <p class="muted small">{t!(i18n, intg.tokens_help)}</p>
            {move || {
                secret()
                    .map(|s| {
                        view! {
                            <ShownOnce
                                label=t_string!(i18n, intg.new_token_is).to_owned()
                                secret=s
                            />
                        }
                    })
            }}
            <FormErrors errors=revoke_errors field="form" />
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    data.get()
                        .map(|result| {
                            result
                                .map(|d| {
                                    let owners = d.owners.clone();
                                    let permissions = d.permissions.clone();
                                    view! {
                                        <div class="table-wrap">
                                            <table class="table" data-testid="tokens">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{t!(i18n, admin.name)}</th>
                                                        <th scope="col">{t!(i18n, intg.owner)}</th>
                                                        <th scope="col">{t!(i18n, intg.prefix)}</th>
                                                        <th scope="col">{t!(i18n, admin.permissions)}</th>
                                                        <th scope="col">{t!(i18n, intg.expires)}</th>
                                                        <th scope="col">{t!(i18n, intg.last_used)}</th>
                                                        <th scope="col">
                                                            <span class="visually-hidden">
                                                                {t!(i18n, admin.action)}
                                                            </span>
                                                        </th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {d
                                                        .tokens
                                                        .into_iter()
                                                        .map(|t| {
                                                            let id = t.id;
                                                            let label = format!(
                                                                "{} {}",
                                                                t_string!(i18n, intg.revoke),
                                                                t.name,
                                                            );
                                                            view! {
                                                                <tr>
                                                                    <td>{t.name.clone()}</td>
                                                                    <td>{t.owner}</td>
                                                                    <td>
                                                                        <code>{format!("tdm_{}_…", t.prefix)}</code>
                                                                    </td>
                                                                    <td class="small">{t.permissions.join(", ")}</td>
                                                                    <td>{t.expires_at.unwrap_or_else(|| "—".to_owned())}</td>
                                                                    <td>
                                                                        {t.last_used_at.unwrap_or_else(|| "—".to_owned())}
                                                                    </td>
                                                                    <td>
                                                                        {if t.revoked {
                                                                            view! {
                                                                                <span class="badge badge-danger">
                                                                                    {t!(i18n, intg.revoked)}
                                                                                </span>
                                                                            }
                                                                                .into_any()
                                                                        } else {
                                                                            view! {
                                                                                <button
                                                                                    type="button"
                                                                                    class="btn btn-secondary btn-small"
                                                                                    aria-label=label
                                                                                    on:click=move |_| {
                                                                                        revoke.dispatch(RevokeToken { id });
                                                                                    }
                                                                                >
                                                                                    {t!(i18n, intg.revoke)}
                                                                                </button>
                                                                            }
                                                                                .into_any()
                                                                        }}
                                                                    </td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        <form
                                            novalidate
                                            on:submit=move |ev| {
                                                ev.prevent_default();
                                                create
                                                    .dispatch(CreateToken {
                                                        form: TokenForm {
                                                            name: name.get_untracked(),
                                                            user_id: owner.get_untracked().parse().ok(),
                                                            permissions: chosen.get_untracked().into_iter().collect(),
                                                            expires_on: expires.get_untracked(),
                                                        },
                                                    });
                                            }
                                        >
                                            <h3>{t!(i18n, intg.new_token)}</h3>
                                            <div class="field">
                                                <label for="token-name">{t!(i18n, admin.name)}</label>
                                                <input
                                                    id="token-name"
                                                    class="input"
                                                    type="text"
                                                    maxlength="100"
                                                    prop:value=move || name.get()
                                                    on:input=move |ev| name.set(event_target_value(&ev))
                                                />
                                                <FieldError errors field="name" />
                                            </div>
                                            {(!owners.is_empty())
                                                .then(|| {
                                                    view! {
                                                        <div class="field">
                                                            <label for="token-owner">{t!(i18n, intg.owner)}</label>
                                                            <select
                                                                id="token-owner"
                                                                class="select"
                                                                on:change=move |ev| owner.set(event_target_value(&ev))
                                                            >
                                                                <option value="">{t!(i18n, intg.myself)}</option>
                                                                {owners
                                                                    .into_iter()
                                                                    .map(|u| {
                                                                        view! { <option value=u.id.to_string()>{u.name}</option> }
                                                                    })
                                                                    .collect_view()}
                                                            </select>
                                                            <FieldError errors field="user_id" />
                                                        </div>
                                                    }
                                                })}
                                            <fieldset class="matrix-area">
                                                <legend>{t!(i18n, admin.permissions)}</legend>
                                                <CheckList prefix="token-perm" codes=permissions chosen />
                                                <FieldError errors field="permissions" />
                                            </fieldset>
                                            <div class="field">
                                                <label for="token-expires">
                                                    {t!(i18n, intg.expires_on)}
                                                </label>
                                                <input
                                                    id="token-expires"
                                                    class="input"
                                                    type="date"
                                                    prop:value=move || expires.get()
                                                    on:input=move |ev| expires.set(event_target_value(&ev))
                                                />
                                                <FieldError errors field="expires_at" />
                                            </div>
                                            <FormErrors errors field="form" />
                                            <button type="submit" class="btn btn-primary">
                                                {t!(i18n, intg.create_token)}
                                            </button>
                                        </form>
                                    }
                                })
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn Webhooks() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateWebhook>::new();
    let update = ServerAction::<UpdateWebhook>::new();
    let rotate = ServerAction::<RotateWebhookSecret>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    let data = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                rotate.version().get(),
                delete.version().get(),
            )
        },
        |_| list_webhooks(),
    );
    let confirming = RwSignal::new(None::<i64>);
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let action_errors = Signal::derive(move || {
        update
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| rotate.value().get().and_then(Result::err))
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            url.set(String::new());
            chosen.set(BTreeSet::new());
        }
    });
    let created_secret = move || create.value().get().and_then(Result::ok);
    let rotated_secret = move || rotate.value().get().and_then(Result::ok);
    view! {
        <section class="card" aria-labelledby="webhooks-title">
            <h2 class="card-title" id="webhooks-title">
                {t!(i18n, intg.webhooks)}
            </h2>
            <p class="muted small">{t!(i18n, intg.webhooks_help)}</p>
            {move || {
                created_secret()
                    .map(|s| {
                        view! {
                            <ShownOnce
                                label=t_string!(i18n, intg.signing_secret_is).to_owned()
                                secret=s
                            />
                        }
                    })
            }}
            {move || {
                rotated_secret()
                    .map(|s| {
                        view! {
                            <ShownOnce
                                label=t_string!(i18n, intg.new_secret_is).to_owned()
                                secret=s
                            />
                        }
                    })
            }}
            <FormErrors errors=action_errors field="form" />
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    data.get()
                        .map(|result| {
                            result
                                .map(|d| {
                                    let types = d.event_types.clone();
                                    let h = d.health.clone();
                                    view! {
                                        <div class="health" data-testid="integration-health">
                                            <h3>{t!(i18n, intg.health)}</h3>
                                            <dl class="facts">
                                                <dt>{t!(i18n, intg.outbox_backlog)}</dt>
                                                <dd data-testid="outbox-backlog">{h.outbox_backlog}</dd>
                                                <dt>{t!(i18n, intg.pending)}</dt>
                                                <dd>{h.pending}</dd>
                                                <dt>{t!(i18n, intg.failed)}</dt>
                                                <dd>{h.failed}</dd>
                                                <dt>{t!(i18n, intg.oldest_pending)}</dt>
                                                <dd>
                                                    {h.oldest_pending.unwrap_or_else(|| "—".to_owned())}
                                                </dd>
                                                <dt>{t!(i18n, intg.failing)}</dt>
                                                <dd>
                                                    {if h.failing.is_empty() {
                                                        view! {
                                                            <span class="badge badge-success">
                                                                {t!(i18n, intg.none_failing)}
                                                            </span>
                                                        }
                                                            .into_any()
                                                    } else {
                                                        h.failing
                                                            .into_iter()
                                                            .map(|(id, name)| {
                                                                view! {
                                                                    <a
                                                                        class="badge badge-danger"
                                                                        href=format!("/admin/integrations/webhooks/{id}")
                                                                    >
                                                                        {name}
                                                                    </a>
                                                                    " "
                                                                }
                                                            })
                                                            .collect_view()
                                                            .into_any()
                                                    }}
                                                </dd>
                                                <dt>{t!(i18n, intg.imports)}</dt>
                                                <dd>
                                                    {if h.imports.is_empty() {
                                                        view! { <span>"—"</span> }.into_any()
                                                    } else {
                                                        view! {
                                                            <ul class="plain-list small">
                                                                {h
                                                                    .imports
                                                                    .into_iter()
                                                                    .map(|i| {
                                                                        view! {
                                                                            <li>
                                                                                {i.started_at} " · " {i.kind} " · " {i.file_name} " · "
                                                                                {i.mode} " · " {i.status} " · " {i.total} " / ✗"
                                                                                {i.failed}
                                                                            </li>
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </ul>
                                                        }
                                                            .into_any()
                                                    }}
                                                </dd>
                                            </dl>
                                        </div>
                                        <div class="table-wrap">
                                            <table class="table" data-testid="webhooks">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{t!(i18n, admin.name)}</th>
                                                        <th scope="col">{t!(i18n, intg.url)}</th>
                                                        <th scope="col">{t!(i18n, intg.events)}</th>
                                                        <th scope="col">{t!(i18n, admin.state)}</th>
                                                        <th scope="col">{t!(i18n, intg.deliveries)}</th>
                                                        <th scope="col">{t!(i18n, intg.last_attempt)}</th>
                                                        <th scope="col">
                                                            <span class="visually-hidden">
                                                                {t!(i18n, admin.action)}
                                                            </span>
                                                        </th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {d
                                                        .endpoints
                                                        .into_iter()
                                                        .map(|e| {
                                                            let id = e.id;
                                                            let flipped = EndpointForm {
                                                                name: e.name.clone(),
                                                                url: e.url.clone(),
                                                                event_types: e.event_types.clone(),
                                                                active: !e.active,
                                                            };
                                                            view! {
                                                                <tr>
                                                                    <td>
                                                                        <a href=format!(
                                                                            "/admin/integrations/webhooks/{id}",
                                                                        )>{e.name.clone()}</a>
                                                                    </td>
                                                                    <td class="small break">{e.url.clone()}</td>
                                                                    <td class="small">{e.event_types.join(", ")}</td>
                                                                    <td>
                                                                        {if !e.active {
                                                                            view! { <span class="badge">{t!(i18n, intg.paused)}</span> }
                                                                                .into_any()
                                                                        } else if e.failing {
                                                                            view! {
                                                                                <span class="badge badge-danger">
                                                                                    {t!(i18n, intg.failing_one)}
                                                                                </span>
                                                                            }
                                                                                .into_any()
                                                                        } else {
                                                                            view! {
                                                                                <span class="badge badge-success">
                                                                                    {t!(i18n, admin.active)}
                                                                                </span>
                                                                            }
                                                                                .into_any()
                                                                        }}
                                                                    </td>
                                                                    <td class="small">
                                                                        {format!("{} / {} / {}", e.delivered, e.pending, e.failed)}
                                                                    </td>
                                                                    <td class="small">
                                                                        {e
                                                                            .last_attempt_at
                                                                            .clone()
                                                                            .unwrap_or_else(|| "—".to_owned())} " "
                                                                        {e
                                                                            .last_status_code
                                                                            .map(|c| format!("({c})"))
                                                                            .unwrap_or_default()}
                                                                    </td>
                                                                    <td class="row-actions">
                                                                        <button
                                                                            type="button"
                                                                            class="btn btn-secondary btn-small"
                                                                            on:click=move |_| {
                                                                                update
                                                                                    .dispatch(UpdateWebhook {
                                                                                        id,
                                                                                        form: flipped.clone(),
                                                                                    });
                                                                            }
                                                                        >
                                                                            {if e.active {
                                                                                t!(i18n, intg.pause).into_any()
                                                                            } else {
                                                                                t!(i18n, intg.resume).into_any()
                                                                            }}
                                                                        </button>
                                                                        <button
                                                                            type="button"
                                                                            class="btn btn-secondary btn-small"
                                                                            on:click=move |_| {
                                                                                rotate.dispatch(RotateWebhookSecret { id });
                                                                            }
                                                                        >
                                                                            {t!(i18n, intg.rotate)}
                                                                        </button>
                                                                        {move || {
                                                                            if confirming.get() == Some(id) {
                                                                                view! {
                                                                                    <span class="small">{t!(i18n, intg.confirm_delete)}</span>
                                                                                    <button
                                                                                        type="button"
                                                                                        class="btn btn-danger btn-small"
                                                                                        on:click=move |_| {
                                                                                            confirming.set(None);
                                                                                            delete.dispatch(DeleteWebhook { id });
                                                                                        }
                                                                                    >
                                                                                        {t!(i18n, intg.delete)}
                                                                                    </button>
                                                                                    <button
                                                                                        type="button"
                                                                                        class="btn btn-secondary btn-small"
                                                                                        on:click=move |_| confirming.set(None)
                                                                                    >
                                                                                        {t!(i18n, common.cancel)}
                                                                                    </button>
                                                                                }
                                                                                    .into_any()
                                                                            } else {
                                                                                view! {
                                                                                    <button
                                                                                        type="button"
                                                                                        class="btn btn-danger btn-small"
                                                                                        on:click=move |_| confirming.set(Some(id))
                                                                                    >
                                                                                        {t!(i18n, intg.delete)}
                                                                                    </button>
                                                                                }
                                                                                    .into_any()
                                                                            }
                                                                        }}
                                                                    </td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        <p class="muted small">
                                            {t!(i18n, intg.deliveries_legend)}
                                        </p>
                                        <form
                                            novalidate
                                            on:submit=move |ev| {
                                                ev.prevent_default();
                                                create
                                                    .dispatch(CreateWebhook {
                                                        form: EndpointForm {
                                                            name: name.get_untracked(),
                                                            url: url.get_untracked(),
                                                            event_types: chosen.get_untracked().into_iter().collect(),
                                                            active: true,
                                                        },
                                                    });
                                            }
                                        >
                                            <h3>{t!(i18n, intg.new_webhook)}</h3>
                                            <div class="field">
                                                <label for="hook-name">{t!(i18n, admin.name)}</label>
                                                <input
                                                    id="hook-name"
                                                    class="input"
                                                    type="text"
                                                    maxlength="100"
                                                    prop:value=move || name.get()
                                                    on:input=move |ev| name.set(event_target_value(&ev))
                                                />
                                                <FieldError errors field="name" />
                                            </div>
                                            <div class="field">
                                                <label for="hook-url">{t!(i18n, intg.url)}</label>
                                                <input
                                                    id="hook-url"
                                                    class="input"
                                                    type="url"
                                                    inputmode="url"
                                                    placeholder="https://"
                                                    prop:value=move || url.get()
                                                    on:input=move |ev| url.set(event_target_value(&ev))
                                                />
                                                <FieldError errors field="url" />
                                            </div>
                                            <fieldset class="matrix-area">
                                                <legend>{t!(i18n, intg.events)}</legend>
                                                <CheckList
                                                    prefix="hook-event"
                                                    codes=std::iter::once("*".to_owned()).chain(types).collect()
                                                    chosen
                                                />
                                                <FieldError errors field="event_types" />
                                            </fieldset>
                                            <FormErrors errors field="form" />
                                            <button type="submit" class="btn btn-primary">
                                                {t!(i18n, intg.create_webhook)}
                                            </button>
                                        </form>
                                    }
                                })
                        })
                }}
            </Transition>
        </section>
    }
}

/// One check box per code, bound to the set of chosen codes; `*` reads
/// "all events".
#[component]
fn CheckList(
    /// Prefix of each box's id.
    prefix: &'static str,
    /// The codes, in order.
    codes: Vec<String>,
    /// The codes ticked.
    chosen: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    codes
        .into_iter()
        .map(|code| {
            let id = format!("{prefix}-{}", code.replace(['.', '*'], "-"));
            let on = {
                let code = code.clone();
                move || chosen.read().contains(&code)
            };
            let toggle = code.clone();
            let label = if code == "*" {
                t!(i18n, intg.all_events).into_any()
            } else {
                view! { <code>{code}</code> }.into_any()
            };
            view! {
                <div class="check">
                    <input
                        type="checkbox"
                        id=id.clone()
                        prop:checked=on
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            let code = toggle.clone();
                            chosen
                                .update(|set| {
                                    if checked {
                                        set.insert(code);
                                    } else {
                                        set.remove(&code);
                                    }
                                });
                        }
                    />
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view()
}

/// `/admin/integrations/webhooks/:id`: the delivery log.
#[component]
pub fn WebhookLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let status = move || query.read().get("status").filter(|s| !s.is_empty());
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
    };
    let replay = ServerAction::<ReplayDelivery>::new();
    let data = Resource::new(
        move || (id(), status(), page(), replay.version().get()),
        |(endpoint_id, status, page, _)| webhook_deliveries(endpoint_id, status, page),
    );
    let replay_errors = Signal::derive(move || replay.value().get().and_then(Result::err));
    let link = move |target: u64| {
        let mut href = format!("/admin/integrations/webhooks/{}?page={target}", id());
        if let Some(s) = status() {
            href.push_str(&format!("&status={s}"));
        }
        href
    };
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, intg.delivery_log).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, intg.delivery_log)}</h1>
            </header>
            <AdminTabs current="integrations" />
            <p>
                <a href="/admin/integrations">{t!(i18n, intg.back)}</a>
            </p>
            <form method="GET" action="" class="filters">
                <div class="field">
                    <label for="log-status">{t!(i18n, admin.state)}</label>
                    <select id="log-status" class="select" name="status">
                        <option value="" selected=move || status().is_none()>
                            {t!(i18n, intg.any_status)}
                        </option>
                        <option
                            value="pending"
                            selected=move || status().as_deref() == Some("pending")
                        >
                            {t!(i18n, intg.pending)}
                        </option>
                        <option
                            value="delivered"
                            selected=move || status().as_deref() == Some("delivered")
                        >
                            {t!(i18n, intg.delivered)}
                        </option>
                        <option
                            value="failed"
                            selected=move || status().as_deref() == Some("failed")
                        >
                            {t!(i18n, intg.failed)}
                        </option>
                    </select>
                </div>
                <button type="submit" class="btn btn-secondary">
                    {t!(i18n, admin.apply)}
                </button>
            </form>
            <FormErrors errors=replay_errors field="form" />
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    data.get()
                        .map(|result| {
                            result
                                .map(|d| {
                                    let pages = d.page.pages();
                                    let current = d.page.page;
                                    view! {
                                        <h2>{d.endpoint.name.clone()}</h2>
                                        <p class="muted small break">{d.endpoint.url.clone()}</p>
                                        <div class="table-wrap">
                                            <table class="table" data-testid="deliveries">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{t!(i18n, intg.event)}</th>
                                                        <th scope="col">{t!(i18n, admin.state)}</th>
                                                        <th scope="col">{t!(i18n, intg.attempts)}</th>
                                                        <th scope="col">{t!(i18n, intg.response)}</th>
                                                        <th scope="col">{t!(i18n, intg.last_attempt)}</th>
                                                        <th scope="col">{t!(i18n, intg.next_attempt)}</th>
                                                        <th scope="col">
                                                            <span class="visually-hidden">
                                                                {t!(i18n, admin.action)}
                                                            </span>
                                                        </th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {d
                                                        .page
                                                        .items
                                                        .into_iter()
                                                        .map(|row| {
                                                            let id = row.id;
                                                            let badge = match row.status.as_str() {
                                                                "delivered" => "badge badge-success",
                                                                "failed" => "badge badge-danger",
                                                                _ => "badge badge-warning",
                                                            };
                                                            let status_text = match row.status.as_str() {
                                                                "delivered" => t_string!(i18n, intg.delivered),
                                                                "failed" => t_string!(i18n, intg.failed),
                                                                _ => t_string!(i18n, intg.pending),
                                                            };
                                                            let code = row
                                                                .last_status_code
                                                                .map(|c| c.to_string())
                                                                .unwrap_or_default();
                                                            let reason = row.last_error;
                                                            let response = move || {
                                                                if reason.is_empty() {
                                                                    code.clone()
                                                                } else {
                                                                    localize(&reason, i18n.get_locale())
                                                                }
                                                            };
                                                            // The short reason, translated; a row
                                                            // without one shows its status.
                                                            view! {
                                                                <tr>
                                                                    <td>
                                                                        <code>{row.event_type}</code>
                                                                        " #"
                                                                        {row.event_id}
                                                                    </td>
                                                                    <td>
                                                                        <span class=badge>{status_text}</span>
                                                                    </td>
                                                                    <td>{row.attempts}</td>
                                                                    <td class="small break" data-testid="reason">
                                                                        {response}
                                                                    </td>
                                                                    <td class="small">
                                                                        {row.last_attempt_at.unwrap_or_else(|| "—".to_owned())}
                                                                    </td>
                                                                    <td class="small">
                                                                        {row.next_attempt_at.unwrap_or_else(|| "—".to_owned())}
                                                                    </td>
                                                                    <td>
                                                                        <button
                                                                            type="button"
                                                                            class="btn btn-secondary btn-small"
                                                                            on:click=move |_| {
                                                                                replay.dispatch(ReplayDelivery { id });
                                                                            }
                                                                        >
                                                                            {t!(i18n, intg.replay)}
                                                                        </button>
                                                                    </td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        <Pager
                                            page=current
                                            pages
                                            link=move |target: u64| link(target)
                                        />
                                    }
                                })
                        })
                }}
            </Transition>
        </div>
    }
}

/// `/admin/data`: a backup download and every kind of data in full.
#[component]
pub fn DataPage() -> impl IntoView {
    let i18n = use_i18n();
    let kinds = Resource::new(|| (), |_| data_kinds());
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, intg.data).to_owned()) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, intg.data)}</h1>
            </header>
            <AdminTabs current="data" />
            <section class="card" aria-labelledby="backup-title">
                <h2 class="card-title" id="backup-title">
                    {t!(i18n, intg.backup)}
                </h2>
                <p class="muted small">{t!(i18n, intg.backup_help)}</p>
                <a class="btn btn-primary" href="/admin/files/backup" download rel="external">
                    {t!(i18n, intg.download_backup)}
                </a>
            </section>
            <section class="card" aria-labelledby="export-title">
                <h2 class="card-title" id="export-title">
                    {t!(i18n, intg.full_export)}
                </h2>
                <p class="muted small">{t!(i18n, intg.full_export_help)}</p>
                <Transition fallback=move || {
                    view! { <p class="muted">{t!(i18n, common.loading)}</p> }
                }>
                    {move || {
                        kinds
                            .get()
                            .map(|result| {
                                result
                                    .map(|list| {
                                        view! {
                                            <ul class="export-kinds" data-testid="export-kinds">
                                                {list
                                                    .into_iter()
                                                    .map(|kind| {
                                                        view! {
                                                            <li>
                                                                <a
                                                                    href=format!("/admin/files/export/{kind}")
                                                                    download
                                                                    rel="external"
                                                                >
                                                                    {kind.clone()}
                                                                    ".csv"
                                                                </a>
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        }
                                    })
                            })
                    }}
                </Transition>
            </section>
        </div>
    }
}
