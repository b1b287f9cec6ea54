//! `/admin/import`: upload a CSV file, map its columns to fields (the last
//! mapping of the kind is offered again), choose what duplicates do, then a
//! dry run (nothing is kept; every bad row is listed, with an error file)
//! and the import, with a progress bar while it runs.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use super::AdminTabs;
use crate::{error::AppError, i18n::*, messages::localize};

#[cfg(feature = "ssr")]
use tandem_domain::integration::import;

#[cfg(feature = "ssr")]
use crate::ssr::signed_in;

/// A field a column can fill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldView {
    /// Its key.
    pub key: String,
    /// A row must have it.
    pub required: bool,
}

/// An uploaded file, as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadView {
    /// Key.
    pub id: i64,
    /// Its name.
    pub file_name: String,
    /// `utf-8` or `gbk`.
    pub encoding: String,
    /// Data rows.
    pub rows: u64,
    /// The header row.
    pub headers: Vec<String>,
    /// The first rows.
    pub sample: Vec<Vec<String>>,
}

/// A bad row's problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The line in the file.
    pub line: u64,
    /// What is wrong (field: message; …), in English as stored.
    pub problems: Vec<(String, String)>,
}

/// A run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    /// Key.
    pub id: i64,
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
    /// Rows done so far.
    pub done: u64,
    /// Created.
    pub created: u64,
    /// Updated.
    pub updated: u64,
    /// Skipped duplicates.
    pub skipped: u64,
    /// Bad rows.
    pub failed: u64,
    /// Started (local time).
    pub started_at: String,
    /// The first bad rows (the error file has all).
    pub problems: Vec<RowProblem>,
}

/// The page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupView {
    /// The kind's fields.
    pub fields: Vec<FieldView>,
    /// The upload to map, if any.
    pub upload: Option<UploadView>,
    /// The mapping offered (remembered, or by header names).
    pub mapping: BTreeMap<String, String>,
    /// Recent runs.
    pub runs: Vec<RunView>,
}

/// What the mapping form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportForm {
    /// The upload.
    pub upload_id: i64,
    /// Kind code.
    pub kind: String,
    /// Field key → header.
    pub mapping: BTreeMap<String, String>,
    /// `skip`, `update` or `create`.
    pub duplicates: String,
    /// Keep the good rows even when some are bad.
    pub skip_bad: bool,
    /// Check only.
    pub dry_run: bool,
}

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::integration::import::{self, Kind};

    use super::*;

    /// Bad rows shown on the page.
    const SHOWN_PROBLEMS: usize = 100;
    /// Rows of an upload shown as its sample.
    const SAMPLE_ROWS: usize = 5;

    /// The kind the page asks for; customers when the code is unknown.
    pub fn page_kind(code: &str) -> Kind {
        Kind::from_code(code).unwrap_or(Kind::Customers)
    }

    pub fn setup(s: import::Setup) -> SetupView {
        SetupView {
            fields: s
                .kind
                .fields()
                .iter()
                .map(|f| FieldView {
                    key: f.key.to_owned(),
                    required: f.required,
                })
                .collect(),
            upload: s.upload.map(upload),
            mapping: s.mapping,
            runs: s.runs.into_iter().map(|r| run(r, Vec::new())).collect(),
        }
    }

    fn upload(u: import::Upload) -> UploadView {
        UploadView {
            id: u.id,
            file_name: u.file_name,
            encoding: u.parsed.encoding.to_owned(),
            rows: u.parsed.rows.len() as u64,
            sample: u.parsed.rows.iter().take(SAMPLE_ROWS).cloned().collect(),
            headers: u.parsed.headers,
        }
    }

    /// The mapping form as the domain takes it: the upload and how to run
    /// it (an unknown kind is a field error; unmapped fields are dropped).
    pub fn options(form: ImportForm) -> Result<(i64, import::Options), AppError> {
        let kind = Kind::from_code(&form.kind).ok_or_else(|| {
            AppError::Validation([("kind".to_owned(), "customers".to_owned())].into())
        })?;
        let options = import::Options {
            kind,
            mapping: form
                .mapping
                .into_iter()
                .filter(|(_, header)| !header.is_empty())
                .collect(),
            duplicates: import::Duplicates::from_code(&form.duplicates).unwrap_or_default(),
            skip_bad: form.skip_bad,
            dry_run: form.dry_run,
        };
        Ok((form.upload_id, options))
    }

    /// A run with the first bad rows of its error file (none unless a row
    /// was bad).
    pub fn status((r, errors): (import::Run, String)) -> RunView {
        let problems = if r.failed > 0 {
            problems(&errors)
        } else {
            Vec::new()
        };
        run(r, problems)
    }

    fn run(r: import::Run, problems: Vec<RowProblem>) -> RunView {
        let done = if r.status == "running" {
            import::progress(r.id).map_or(0, |(done, _)| done)
        } else {
            r.total
        };
        RunView {
            id: r.id,
            kind: r.kind,
            file_name: r.file_name,
            mode: r.mode,
            status: r.status,
            total: r.total,
            done,
            created: r.created,
            updated: r.updated,
            skipped: r.skipped,
            failed: r.failed,
            started_at: crate::ssr::local_time(r.started_at),
            problems,
        }
    }

    /// The error file's first rows, grouped by line.
    fn problems(csv: &str) -> Vec<RowProblem> {
        let mut out: Vec<RowProblem> = Vec::new();
        for e in import::problems_in(csv, SHOWN_PROBLEMS) {
            match out.last_mut() {
                Some(last) if last.line == e.line => last.problems.push((e.field, e.message)),
                _ => out.push(RowProblem {
                    line: e.line,
                    problems: vec![(e.field, e.message)],
                }),
            }
        }
        out
    }
}

crate::authz!(
    "/api/admin/import/setup",
    Needs(AdminImport),
    JSON,
    r#"{"upload":null,"kind":"customers"}"#,
);
/// The import page's data for `kind` and an upload.
#[server(endpoint = "admin/import/setup", input = Json)]
pub async fn import_setup(upload: Option<i64>, kind: String) -> Result<SetupView, AppError> {
    let state = crate::ssr::state()?;
    let kind = convert::page_kind(&kind);
    let setup = import::setup(&state.reader, &signed_in()?, kind, upload).await?;
    Ok(convert::setup(setup))
}

crate::authz!(
    "/api/admin/import/start",
    Needs(AdminImport),
    JSON,
    r#"{"form":{"upload_id":999999,"kind":"customers","mapping":{},"duplicates":"skip","skip_bad":false,"dry_run":true}}"#,
);
/// Starts a dry run or an import of an upload; returns the run's id. The
/// rows are worked through in the background.
#[server(endpoint = "admin/import/start", input = Json)]
pub async fn start_import(form: ImportForm) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/admin/import/start")?;
    let (upload_id, options) = convert::options(form)?;
    Ok(import::launch(&state.db, &actor, upload_id, options).await?)
}

crate::authz!(
    "/api/admin/import/status",
    AnyOf(&[AdminImport, AdminIntegrations]),
    JSON,
    r#"{"run_id":999999}"#,
);
/// A run with its progress and first bad rows.
#[server(endpoint = "admin/import/status", input = Json)]
pub async fn import_status(run_id: i64) -> Result<RunView, AppError> {
    let state = crate::ssr::state()?;
    let found = import::run_with_errors(&state.reader, &signed_in()?, run_id).await?;
    Ok(convert::status(found))
}

fn kind_name(code: &str, i18n: leptos_i18n::I18nContext<Locale>) -> &'static str {
    match code {
        "contacts" => t_string!(i18n, imp.k_contacts),
        "leads" => t_string!(i18n, imp.k_leads),
        "products" => t_string!(i18n, imp.k_products),
        "opening_stock" => t_string!(i18n, imp.k_opening_stock),
        "supplier_prices" => t_string!(i18n, imp.k_supplier_prices),
        _ => t_string!(i18n, imp.k_customers),
    }
}

fn field_name(key: &str, i18n: leptos_i18n::I18nContext<Locale>) -> &'static str {
    match key {
        "name" => t_string!(i18n, imp.f_name),
        "kind" => t_string!(i18n, imp.f_kind),
        "email" => t_string!(i18n, imp.f_email),
        "phone" => t_string!(i18n, imp.f_phone),
        "address" => t_string!(i18n, imp.f_address),
        "tax_id" => t_string!(i18n, imp.f_tax_id),
        "segment" => t_string!(i18n, imp.f_segment),
        "tags" => t_string!(i18n, imp.f_tags),
        "owner_email" => t_string!(i18n, imp.f_owner_email),
        "credit_limit" => t_string!(i18n, imp.f_credit_limit),
        "currency" => t_string!(i18n, imp.f_currency),
        "payment_terms_days" => t_string!(i18n, imp.f_payment_terms_days),
        "notes" => t_string!(i18n, imp.f_notes),
        "customer_code" => t_string!(i18n, imp.f_customer_code),
        "title" => t_string!(i18n, imp.f_title),
        "company" => t_string!(i18n, imp.f_company),
        "source" => t_string!(i18n, imp.f_source),
        "sku" => t_string!(i18n, imp.f_sku),
        "description" => t_string!(i18n, imp.f_description),
        "category" => t_string!(i18n, imp.f_category),
        "unit" => t_string!(i18n, imp.f_unit),
        "list_price" => t_string!(i18n, imp.f_list_price),
        "cost_price" => t_string!(i18n, imp.f_cost_price),
        "tax_rate" => t_string!(i18n, imp.f_tax_rate),
        "barcode" => t_string!(i18n, imp.f_barcode),
        "active" => t_string!(i18n, imp.f_active),
        "warehouse" => t_string!(i18n, imp.f_warehouse),
        "quantity" => t_string!(i18n, imp.f_quantity),
        "supplier" => t_string!(i18n, imp.f_supplier),
        "price" => t_string!(i18n, imp.f_price),
        "min_quantity" => t_string!(i18n, imp.f_min_quantity),
        _ => t_string!(i18n, imp.f_row),
    }
}

const KINDS: [&str; 6] = [
    "customers",
    "contacts",
    "leads",
    "products",
    "opening_stock",
    "supplier_prices",
];

/// `/admin/import`.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let kind = move || {
        query
            .read()
            .get("kind")
            .filter(|k| KINDS.contains(&k.as_str()))
            .unwrap_or_else(|| "customers".to_owned())
    };
    let upload = move || {
        query
            .read()
            .get("upload")
            .and_then(|u| u.parse::<i64>().ok())
    };
    let failed = move || query.read().get("failed");
    let start = ServerAction::<StartImport>::new();
    let setup = Resource::new(
        move || (upload(), kind(), start.version().get()),
        |(u, k, _)| import_setup(u, k),
    );
    let start_errors = Signal::derive(move || start.value().get().and_then(Result::err));
    let run_id = Signal::derive(move || start.value().get().and_then(Result::ok));
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, imp.title).to_owned()) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, imp.title)}</h1>
            </header>
            <AdminTabs current="import" />
            <p class="muted">{t!(i18n, imp.help)}</p>
            {move || {
                failed()
                    .map(|reason| {
                        view! {
                            <div
                                class="notice notice-warning"
                                role="alert"
                                data-testid="upload-failed"
                            >
                                {match reason.as_str() {
                                    "encoding" => t_string!(i18n, imp.failed_encoding),
                                    "empty" => t_string!(i18n, imp.failed_empty),
                                    "missing" => t_string!(i18n, imp.failed_missing),
                                    "large" => t_string!(i18n, imp.failed_large),
                                    _ => t_string!(i18n, imp.failed_unreadable),
                                }}
                            </div>
                        }
                    })
            }}
            <form
                class="card"
                method="post"
                action="/admin/files/import"
                enctype="multipart/form-data"
            >
                <h2 class="card-title">{t!(i18n, imp.step_upload)}</h2>
                <div class="field">
                    <label for="import-kind">{t!(i18n, imp.kind)}</label>
                    <select id="import-kind" class="select" name="kind">
                        {KINDS
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k selected=move || kind() == k>
                                        {move || kind_name(k, i18n)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="import-file">{t!(i18n, imp.file)}</label>
                    <input
                        id="import-file"
                        class="input"
                        type="file"
                        name="file"
                        accept=".csv,.txt,text/csv"
                        required
                    />
                    <p class="muted small">{t!(i18n, imp.file_help)}</p>
                </div>
                <button type="submit" class="btn btn-primary">
                    {t!(i18n, imp.upload)}
                </button>
            </form>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    setup
                        .get()
                        .map(|result| {
                            result
                                .map(|s| {
                                    let runs = s.runs.clone();
                                    view! {
                                        {s
                                            .upload
                                            .clone()
                                            .map(|u| {
                                                view! {
                                                    <MappingForm
                                                        upload=u
                                                        fields=s.fields.clone()
                                                        mapping=s.mapping.clone()
                                                        kind=kind()
                                                        start
                                                    />
                                                }
                                            })}
                                        <FormErrorsOf errors=start_errors />
                                        {move || {
                                            run_id.get().map(|id| view! { <RunProgress run_id=id /> })
                                        }}
                                        <RecentRuns runs />
                                    }
                                })
                        })
                }}
            </Transition>
        </div>
    }
}

/// Every error of the start request: each mapping field's, or the form's.
#[component]
fn FormErrorsOf(#[prop(into)] errors: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        errors.get().map(|e| {
            let locale = i18n.get_locale();
            let lines: Vec<String> = match &e {
                AppError::Validation(fields) => fields
                    .iter()
                    .map(|(field, message)| {
                        let key = field.strip_prefix("mapping.").unwrap_or(field);
                        format!("{}: {}", field_name(key, i18n), localize(message, locale))
                    })
                    .collect(),
                other => vec![crate::components::forms::describe(other, i18n).unwrap_or_default()],
            };
            view! {
                <div class="notice notice-warning" role="alert" data-testid="start-errors">
                    {lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                </div>
            }
        })
    }
}

#[component]
fn MappingForm(
    upload: UploadView,
    fields: Vec<FieldView>,
    mapping: BTreeMap<String, String>,
    kind: String,
    start: ServerAction<StartImport>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(mapping);
    let duplicates = RwSignal::new("skip".to_owned());
    let skip_bad = RwSignal::new(false);
    let headers = upload.headers.clone();
    let upload_id = upload.id;
    let submit = move |dry_run: bool| {
        start.dispatch(StartImport {
            form: ImportForm {
                upload_id,
                kind: kind.clone(),
                mapping: chosen.get_untracked(),
                duplicates: duplicates.get_untracked(),
                skip_bad: skip_bad.get_untracked(),
                dry_run,
            },
        });
    };
    let submit_dry = submit.clone();
    view! {
        <form class="card" novalidate on:submit=move |ev| ev.prevent_default()>
            <h2 class="card-title">{t!(i18n, imp.step_map)}</h2>
            <p class="muted small" data-testid="upload-summary">
                {upload.file_name.clone()}
                " · "
                {upload.rows}
                " "
                {t!(i18n, imp.rows)}
                " · "
                {upload.encoding.to_uppercase()}
            </p>
            <div class="table-wrap">
                <table class="table small">
                    <caption class="visually-hidden">{t!(i18n, imp.sample)}</caption>
                    <thead>
                        <tr>
                            {upload
                                .headers
                                .iter()
                                .map(|h| view! { <th scope="col">{h.clone()}</th> })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {upload
                            .sample
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <tr>
                                        {row
                                            .into_iter()
                                            .map(|c| view! { <td>{c}</td> })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="form-grid">
                {fields
                    .into_iter()
                    .map(|f| {
                        let id = format!("map-{}", f.key);
                        let key = f.key.clone();
                        let current = {
                            let key = key.clone();
                            move || chosen.read().get(&key).cloned().unwrap_or_default()
                        };
                        let headers = headers.clone();
                        view! {
                            <div class="field">
                                <label for=id
                                    .clone()>
                                    {field_name(&f.key, i18n)} {f.required.then_some(" *")}
                                </label>
                                <select
                                    id=id
                                    class="select"
                                    data-field=f.key.clone()
                                    on:change=move |ev| {
                                        let value = event_target_value(&ev);
                                        let key = key.clone();
                                        chosen
                                            .update(|m| {
                                                if value.is_empty() {
                                                    m.remove(&key);
                                                } else {
                                                    m.insert(key, value);
                                                }
                                            });
                                    }
                                >
                                    <option
                                        value=""
                                        selected={
                                            let current = current.clone();
                                            move || current().is_empty()
                                        }
                                    >
                                        {t!(i18n, imp.not_imported)}
                                    </option>
                                    {headers
                                        .into_iter()
                                        .map(|h| {
                                            let selected = {
                                                let h = h.clone();
                                                let current = current.clone();
                                                move || current() == h
                                            };
                                            view! {
                                                <option value=h.clone() selected=selected>
                                                    {h.clone()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="field">
                <label for="import-duplicates">{t!(i18n, imp.duplicates)}</label>
                <select
                    id="import-duplicates"
                    class="select"
                    on:change=move |ev| duplicates.set(event_target_value(&ev))
                >
                    <option value="skip">{t!(i18n, imp.dup_skip)}</option>
                    <option value="update">{t!(i18n, imp.dup_update)}</option>
                    <option value="create">{t!(i18n, imp.dup_create)}</option>
                </select>
            </div>
            <div class="check">
                <input
                    type="checkbox"
                    id="import-skip-bad"
                    prop:checked=move || skip_bad.get()
                    on:change=move |ev| skip_bad.set(event_target_checked(&ev))
                />
                <label for="import-skip-bad">{t!(i18n, imp.skip_bad)}</label>
            </div>
            <div class="row-actions">
                <button
                    type="button"
                    class="btn btn-secondary"
                    disabled=move || start.pending().get()
                    on:click=move |_| submit_dry(true)
                >
                    {t!(i18n, imp.dry_run)}
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    disabled=move || start.pending().get()
                    on:click=move |_| submit(false)
                >
                    {t!(i18n, imp.run)}
                </button>
            </div>
        </form>
    }
}

#[component]
fn RunProgress(run_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0_u32);
    let status = Resource::new(move || refresh.get(), move |_| import_status(run_id));
    Effect::new(move |_| {
        if status
            .get()
            .and_then(Result::ok)
            .is_some_and(|r| r.status == "running")
        {
            set_timeout(
                move || refresh.update(|n| *n += 1),
                std::time::Duration::from_millis(700),
            );
        }
    });
    view! {
        <section class="card" aria-live="polite" data-testid="import-run">
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    status
                        .get()
                        .map(|result| {
                            result
                                .map(|r| {
                                    let heading = match (r.mode.as_str(), r.status.as_str()) {
                                        (_, "running") => t_string!(i18n, imp.running),
                                        ("dry_run", _) => t_string!(i18n, imp.dry_done),
                                        (_, "done") => t_string!(i18n, imp.imported),
                                        (_, "rolled_back") => t_string!(i18n, imp.rolled_back),
                                        _ => t_string!(i18n, imp.run_failed),
                                    };
                                    let error_link = (r.failed > 0 && r.status != "running")
                                        .then(|| {
                                            view! {
                                                <p>
                                                    <a
                                                        href=format!("/admin/files/import-errors/{}", r.id)
                                                        download
                                                        rel="external"
                                                    >
                                                        {t!(i18n, imp.error_file)}
                                                    </a>
                                                </p>
                                            }
                                        });
                                    view! {
                                        <h2 class="card-title" data-testid="run-heading">
                                            {heading}
                                        </h2>
                                        <label for="import-progress">
                                            {t!(i18n, imp.progress)}
                                        </label>
                                        <progress
                                            id="import-progress"
                                            max=r.total.max(1)
                                            value=r.done
                                        >
                                            {r.done}
                                            " / "
                                            {r.total}
                                        </progress>
                                        <p class="muted small">
                                            {r.done} " / " {r.total} " " {t!(i18n, imp.rows)}
                                        </p>
                                        <dl class="facts" data-testid="run-counts">
                                            <dt>{t!(i18n, imp.created)}</dt>
                                            <dd data-count="created">{r.created}</dd>
                                            <dt>{t!(i18n, imp.updated)}</dt>
                                            <dd data-count="updated">{r.updated}</dd>
                                            <dt>{t!(i18n, imp.skipped)}</dt>
                                            <dd data-count="skipped">{r.skipped}</dd>
                                            <dt>{t!(i18n, imp.failed)}</dt>
                                            <dd data-count="failed">{r.failed}</dd>
                                        </dl>
                                        {error_link}
                                        {(!r.problems.is_empty())
                                            .then(|| {
                                                view! {
                                                    <div class="table-wrap">
                                                        <table class="table small" data-testid="problems">
                                                            <thead>
                                                                <tr>
                                                                    <th scope="col">{t!(i18n, imp.line)}</th>
                                                                    <th scope="col">{t!(i18n, imp.problem)}</th>
                                                                </tr>
                                                            </thead>
                                                            <tbody>
                                                                {r
                                                                    .problems
                                                                    .into_iter()
                                                                    .map(|p| {
                                                                        view! {
                                                                            <tr>
                                                                                <td>{p.line}</td>
                                                                                <td>
                                                                                    {move || {
                                                                                        let locale = i18n.get_locale();
                                                                                        p.problems
                                                                                            .iter()
                                                                                            .map(|(f, m)| {
                                                                                                format!("{}: {}", field_name(f, i18n), localize(m, locale))
                                                                                            })
                                                                                            .collect::<Vec<_>>()
                                                                                            .join("; ")
                                                                                    }}
                                                                                </td>
                                                                            </tr>
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </tbody>
                                                        </table>
                                                    </div>
                                                }
                                            })}
                                    }
                                })
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn RecentRuns(runs: Vec<RunView>) -> impl IntoView {
    let i18n = use_i18n();
    (!runs.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2 class="card-title">{t!(i18n, imp.recent)}</h2>
                <div class="table-wrap">
                    <table class="table small" data-testid="import-runs">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, imp.kind)}</th>
                                <th scope="col">{t!(i18n, imp.file)}</th>
                                <th scope="col">{t!(i18n, imp.state)}</th>
                                <th scope="col">{t!(i18n, imp.counts)}</th>
                                <th scope="col">{t!(i18n, imp.started)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {runs
                                .into_iter()
                                .map(|r| {
                                    let state = match (r.mode.as_str(), r.status.as_str()) {
                                        (_, "running") => t_string!(i18n, imp.running),
                                        ("dry_run", _) => t_string!(i18n, imp.dry_done),
                                        (_, "done") => t_string!(i18n, imp.imported),
                                        (_, "rolled_back") => t_string!(i18n, imp.rolled_back),
                                        _ => t_string!(i18n, imp.run_failed),
                                    };
                                    view! {
                                        <tr>
                                            <td>{kind_name(&r.kind, i18n)}</td>
                                            <td class="break">{r.file_name}</td>
                                            <td>{state}</td>
                                            <td>
                                                {format!(
                                                    "+{} ~{} ={} ✗{}",
                                                    r.created,
                                                    r.updated,
                                                    r.skipped,
                                                    r.failed,
                                                )}
                                            </td>
                                            <td>{r.started_at}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="muted small">{t!(i18n, imp.counts_legend)}</p>
            </section>
        }
    })
}
