//! `/admin/users/new` and `/admin/users/:id`: create and edit a user.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{api, types::UserInput, AdminTabs, UserState};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        id_param,
    },
    i18n::*,
    messages::localize,
};

/// Check boxes for the roles a user holds (`user` `None` on a new user's
/// form). A role the signed-in user may not give or take, as the domain
/// says, stays visible but disabled, with the reason as its title and under
/// the boxes, so the form offers exactly what a save accepts.
#[component]
fn RolePicker(selected: RwSignal<Vec<i64>>, user: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let roles = Resource::new(|| (), move |_| api::role_choices(user));
    view! {
        <fieldset class="field checks">
            <legend>{t!(i18n, admin.roles)}</legend>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    roles
                        .get()
                        .map(|result| {
                            result
                                .map(|list| {
                                    let locale = i18n.get_locale();
                                    let mut reasons: Vec<String> = Vec::new();
                                    for reason in list
                                        .iter()
                                        .filter_map(|role| role.withheld.as_deref())
                                    {
                                        let reason = localize(reason, locale);
                                        if !reasons.contains(&reason) {
                                            reasons.push(reason);
                                        }
                                    }
                                    let boxes = list
                                        .into_iter()
                                        .map(|role| {
                                            let id = role.id;
                                            let input_id = format!("role-{id}");
                                            let withheld = role
                                                .withheld
                                                .as_deref()
                                                .map(|reason| localize(reason, locale));
                                            let disabled = withheld.is_some();
                                            view! {
                                                <div class="check" title=withheld>
                                                    <input
                                                        type="checkbox"
                                                        id=input_id.clone()
                                                        disabled=disabled
                                                        prop:checked=move || selected.read().contains(&id)
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            selected
                                                                .update(|ids| {
                                                                    ids.retain(|r| *r != id);
                                                                    if on {
                                                                        ids.push(id);
                                                                    }
                                                                });
                                                        }
                                                    />
                                                    <label for=input_id>{role.name}</label>
                                                </div>
                                            }
                                        })
                                        .collect_view();
                                    let hint = (!reasons.is_empty())
                                        .then(|| {
                                            view! {
                                                <p class="muted small" data-testid="withheld-hint">
                                                    {t!(i18n, admin.withheld_hint)}
                                                    " "
                                                    {reasons.join(" ")}
                                                </p>
                                            }
                                        });
                                    view! {
                                        {boxes}
                                        {hint}
                                    }
                                })
                        })
                }}
            </Transition>
        </fieldset>
    }
}

/// Shows a generated password once, with a warning that it will not be shown again.
#[component]
fn GeneratedPassword(password: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice" role="status" data-testid="generated-password">
            <p>{t!(i18n, admin.generated_password)}</p>
            <p>
                <code class="secret">{password}</code>
            </p>
            <p class="small muted">{t!(i18n, admin.shown_once)}</p>
        </div>
    }
}

/// Creating a user.
#[component]
pub fn NewUserPage() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<i64>::new());
    let create = ServerAction::<api::CreateUser>::new();
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let password = password.get_untracked();
        create.dispatch(api::CreateUser {
            input: UserInput {
                email: email.get_untracked(),
                name: name.get_untracked(),
                password: (!password.is_empty()).then_some(password),
                role_ids: roles.get_untracked(),
            },
        });
    };
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, admin.new_user).to_owned()
        }) />
        <div class="page narrow-wide">
            <header class="page-header">
                <h1>{t!(i18n, admin.new_user)}</h1>
            </header>
            <AdminTabs current="users" />
            {move || match create.value().get() {
                Some(Ok(created)) => {
                    view! {
                        <div class="card" data-testid="user-created">
                            <p>{t!(i18n, admin.user_created)}</p>
                            {created
                                .generated_password
                                .map(|p| view! { <GeneratedPassword password=p /> })}
                            <a class="btn btn-primary" href=format!("/admin/users/{}", created.id)>
                                {t!(i18n, admin.open_user)}
                            </a>
                        </div>
                    }
                        .into_any()
                }
                _ => {
                    view! {
                        <form class="card" on:submit=submit>
                            <div class="field">
                                <label for="new-email">{t!(i18n, admin.email)}</label>
                                <input
                                    id="new-email"
                                    class="input"
                                    type="email"
                                    required
                                    prop:value=email
                                    on:input=move |ev| email.set(event_target_value(&ev))
                                />
                                <FieldError errors field="email" />
                            </div>
                            <div class="field">
                                <label for="new-name">{t!(i18n, admin.name)}</label>
                                <input
                                    id="new-name"
                                    class="input"
                                    type="text"
                                    required
                                    prop:value=name
                                    on:input=move |ev| name.set(event_target_value(&ev))
                                />
                                <FieldError errors field="name" />
                            </div>
                            <div class="field">
                                <label for="new-password">
                                    {t!(i18n, admin.password_optional)}
                                </label>
                                <input
                                    id="new-password"
                                    class="input"
                                    type="password"
                                    autocomplete="new-password"
                                    prop:value=password
                                    on:input=move |ev| password.set(event_target_value(&ev))
                                />
                                <p class="muted small">{t!(i18n, admin.password_hint)}</p>
                                <FieldError errors field="password" />
                            </div>
                            <RolePicker selected=roles user=None />
                            <FieldError errors field="roles" />
                            <FormErrors errors field="form" />
                            <button
                                type="submit"
                                class="btn btn-primary"
                                disabled=move || create.pending().get()
                            >
                                {t!(i18n, admin.create_user)}
                            </button>
                        </form>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// Editing a user: details and roles, active state, password reset.
#[component]
pub fn UserEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let update = ServerAction::<api::UpdateUser>::new();
    let set_active = ServerAction::<api::SetUserActive>::new();
    let reset = ServerAction::<api::ResetUserPassword>::new();
    let user = Resource::new(
        move || (id(), update.version().get(), set_active.version().get()),
        |(id, _, _)| api::get_user(id),
    );
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<i64>::new());
    let new_password = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(u)) = user.get() {
            email.set(u.email.clone());
            name.set(u.name.clone());
            roles.set(u.roles.iter().map(|(id, _)| *id).collect());
        }
    });
    let errors = Signal::derive(move || update.value().get().and_then(Result::err));
    let active_errors = Signal::derive(move || set_active.value().get().and_then(Result::err));
    let reset_errors = Signal::derive(move || reset.value().get().and_then(Result::err));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        update.dispatch(api::UpdateUser {
            id: id(),
            input: UserInput {
                email: email.get_untracked(),
                name: name.get_untracked(),
                password: None,
                role_ids: roles.get_untracked(),
            },
        });
    };
    let do_reset = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let password = new_password.get_untracked();
        reset.dispatch(api::ResetUserPassword {
            id: id(),
            password: (!password.is_empty()).then_some(password),
        });
        new_password.set(String::new());
    };
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, admin.edit_user).to_owned()
        }) />
        <div class="page">
            <AdminTabs current="users" />
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    user.get()
                        .map(|result| {
                            result
                                .map(|u| {
                                    let active = u.active;
                                    view! {
                                        <header class="page-header">
                                            <h1 data-testid="user-name">{u.name.clone()}</h1>
                                            <p>
                                                <UserState active=u.active locked=u.locked />
                                            </p>
                                        </header>
                                        <div class="grid grid-main-side">
                                            <form class="card" on:submit=save>
                                                <h2 class="card-title">{t!(i18n, admin.details)}</h2>
                                                <div class="field">
                                                    <label for="edit-email">{t!(i18n, admin.email)}</label>
                                                    <input
                                                        id="edit-email"
                                                        class="input"
                                                        type="email"
                                                        required
                                                        prop:value=email
                                                        on:input=move |ev| email.set(event_target_value(&ev))
                                                    />
                                                    <FieldError errors field="email" />
                                                </div>
                                                <div class="field">
                                                    <label for="edit-name">{t!(i18n, admin.name)}</label>
                                                    <input
                                                        id="edit-name"
                                                        class="input"
                                                        type="text"
                                                        required
                                                        prop:value=name
                                                        on:input=move |ev| name.set(event_target_value(&ev))
                                                    />
                                                    <FieldError errors field="name" />
                                                </div>
                                                <RolePicker selected=roles user=Some(u.id) />
                                                <FormErrors errors field="form" />
                                                <Show when=move || {
                                                    matches!(update.value().get(), Some(Ok(())))
                                                }>
                                                    <p class="notice" role="status">
                                                        {t!(i18n, common.saved)}
                                                    </p>
                                                </Show>
                                                <button type="submit" class="btn btn-primary">
                                                    {t!(i18n, common.save)}
                                                </button>
                                            </form>
                                            <div class="stack">
                                                <section class="card">
                                                    <h2 class="card-title">{t!(i18n, admin.access)}</h2>
                                                    <FormErrors errors=active_errors field="form" />
                                                    <button
                                                        type="button"
                                                        class=if active {
                                                            "btn btn-danger"
                                                        } else {
                                                            "btn btn-secondary"
                                                        }
                                                        on:click=move |_| {
                                                            set_active
                                                                .dispatch(api::SetUserActive {
                                                                    id: id(),
                                                                    active: !active,
                                                                });
                                                        }
                                                    >
                                                        {if active {
                                                            t_string!(i18n, admin.deactivate)
                                                        } else {
                                                            t_string!(i18n, admin.reactivate)
                                                        }}
                                                    </button>
                                                </section>
                                                <form class="card" on:submit=do_reset>
                                                    <h2 class="card-title">{t!(i18n, admin.reset_password)}</h2>
                                                    <div class="field">
                                                        <label for="reset-password">
                                                            {t!(i18n, admin.password_optional)}
                                                        </label>
                                                        <input
                                                            id="reset-password"
                                                            class="input"
                                                            type="password"
                                                            autocomplete="new-password"
                                                            prop:value=new_password
                                                            on:input=move |ev| new_password.set(event_target_value(&ev))
                                                        />
                                                        <FieldError errors=reset_errors field="password" />
                                                    </div>
                                                    <FormErrors errors=reset_errors field="form" />
                                                    {move || {
                                                        reset
                                                            .value()
                                                            .get()
                                                            .and_then(Result::ok)
                                                            .map(|done| match done.generated_password {
                                                                Some(p) => {
                                                                    view! { <GeneratedPassword password=p /> }.into_any()
                                                                }
                                                                None => {
                                                                    view! {
                                                                        <p class="notice" role="status">
                                                                            {t!(i18n, common.saved)}
                                                                        </p>
                                                                    }
                                                                        .into_any()
                                                                }
                                                            })
                                                    }}
                                                    <button type="submit" class="btn btn-secondary">
                                                        {t!(i18n, admin.reset_password)}
                                                    </button>
                                                </form>
                                            </div>
                                        </div>
                                    }
                                })
                        })
                }}
            </Transition>
        </div>
    }
}
