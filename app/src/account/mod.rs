//! `/account`: change one's password, see and end one's other sessions.

pub mod api;
pub mod types;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    auth::use_me,
    components::{
        forms::{FieldError, FormErrors},
        loading, Col, DateTime, ListTable,
    },
    i18n::*,
};

/// The account page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, account.title).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, account.title)}</h1>
                <p class="lead">{me.map(|m| format!("{} · {}", m.name, m.email))}</p>
            </header>
            <div class="grid grid-main-side">
                <Sessions />
                <ChangePassword />
            </div>
        </div>
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let change = ServerAction::<api::ChangePassword>::new();
    let errors = Signal::derive(move || change.value().get().and_then(Result::err));
    let done = move || matches!(change.value().get(), Some(Ok(())));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change.dispatch(api::ChangePassword {
            current: current.get_untracked(),
            new: new.get_untracked(),
        });
    };
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title" class="card-title">
                {t!(i18n, account.change_password)}
            </h2>
            <form on:submit=submit>
                <div class="field">
                    <label for="current-password">{t!(i18n, account.current_password)}</label>
                    <input
                        id="current-password"
                        class="input"
                        type="password"
                        autocomplete="current-password"
                        required
                        prop:value=current
                        on:input=move |ev| current.set(event_target_value(&ev))
                    />
                    <FieldError errors field="current_password" />
                </div>
                <div class="field">
                    <label for="new-password">{t!(i18n, account.new_password)}</label>
                    <input
                        id="new-password"
                        class="input"
                        type="password"
                        autocomplete="new-password"
                        required
                        minlength="10"
                        prop:value=new
                        on:input=move |ev| new.set(event_target_value(&ev))
                    />
                    <p class="muted small">{t!(i18n, account.password_rules)}</p>
                    <FieldError errors field="new_password" />
                </div>
                <FormErrors errors field="form" />
                <Show when=done>
                    <p class="notice" role="status">
                        {t!(i18n, account.password_changed)}
                    </p>
                </Show>
                <button
                    type="submit"
                    class="btn btn-primary"
                    disabled=move || change.pending().get()
                >
                    {t!(i18n, account.save_password)}
                </button>
            </form>
        </section>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let i18n = use_i18n();
    let end = ServerAction::<api::EndSession>::new();
    let sessions = Resource::new(move || end.version().get(), |_| api::my_sessions());
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title" class="card-title">
                {t!(i18n, account.sessions)}
            </h2>
            <Transition fallback=loading>
                {move || {
                    sessions
                        .get()
                        .map(|result| match result {
                            Ok(rows) => {
                                view! {
                                    <ListTable head=view! {
                                        <Col>{t!(i18n, account.signed_in)}</Col>
                                        <Col>{t!(i18n, account.last_seen)}</Col>
                                        <Col>{t!(i18n, account.from)}</Col>
                                        <Col>
                                            <span class="visually-hidden">
                                                {t!(i18n, common.actions)}
                                            </span>
                                        </Col>
                                    }>
                                        {rows
                                            .into_iter()
                                            .map(|s| {
                                                let handle = s.handle.clone();
                                                view! {
                                                    <tr data-testid="session-row">
                                                        <td>
                                                            <DateTime at=s.created_at.clone() />
                                                        </td>
                                                        <td>
                                                            <DateTime at=s.last_seen_at.clone() />
                                                        </td>
                                                        <td class="small">
                                                            {s.client_addr.clone().unwrap_or_default()} " "
                                                            <span class="muted">
                                                                {s.user_agent.clone().unwrap_or_default()}
                                                            </span>
                                                        </td>
                                                        <td>
                                                            {if s.current {
                                                                view! {
                                                                    <span class="badge badge-success">
                                                                        {t!(i18n, account.this_session)}
                                                                    </span>
                                                                }
                                                                    .into_any()
                                                            } else {
                                                                view! {
                                                                    <button
                                                                        type="button"
                                                                        class="btn btn-secondary"
                                                                        on:click=move |_| {
                                                                            end.dispatch(api::EndSession {
                                                                                handle: handle.clone(),
                                                                            });
                                                                        }
                                                                    >
                                                                        {t!(i18n, account.end_session)}
                                                                    </button>
                                                                }
                                                                    .into_any()
                                                            }}
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </ListTable>
                                }
                                    .into_any()
                            }
                            Err(_) => {
                                view! { <p class="field-error">{t!(i18n, errors.internal)}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}
