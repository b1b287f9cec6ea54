//! `/admin/roles/:id`: rename, the permission matrix, holders, delete.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;

use super::{
    api,
    types::{PermissionView, RoleInput},
    AdminTabs,
};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        id_param,
    },
    i18n::*,
    messages::localize,
};

/// Editing one role.
#[component]
pub fn RoleEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let rename = ServerAction::<api::UpdateRole>::new();
    let save_matrix = ServerAction::<api::SetRolePermissions>::new();
    let delete = ServerAction::<api::DeleteRole>::new();
    let role = Resource::new(
        move || (id(), rename.version().get(), save_matrix.version().get()),
        |(id, _, _)| api::get_role(id),
    );
    // What the signed-in user may change on this role, judged afresh after each save.
    let catalogue = Resource::new(
        move || (id(), save_matrix.version().get()),
        |(id, _)| api::permission_catalogue(Some(id)),
    );
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let granted = RwSignal::new(BTreeSet::<String>::new());
    Effect::new(move |_| {
        if let Some(Ok(detail)) = role.get() {
            name.set(detail.role.name.clone());
            description.set(detail.role.description.clone());
            granted.set(detail.role.permissions.iter().cloned().collect());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            let _ = window().location().set_href("/admin/roles");
        }
    });
    let rename_errors = Signal::derive(move || rename.value().get().and_then(Result::err));
    let matrix_errors = Signal::derive(move || save_matrix.value().get().and_then(Result::err));
    let delete_errors = Signal::derive(move || delete.value().get().and_then(Result::err));
    let confirm_delete = RwSignal::new(false);
    let on_rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        rename.dispatch(api::UpdateRole {
            id: id(),
            input: RoleInput {
                name: name.get_untracked(),
                description: description.get_untracked(),
            },
        });
    };
    let on_matrix = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save_matrix.dispatch(api::SetRolePermissions {
            id: id(),
            permissions: granted.get_untracked().into_iter().collect(),
        });
    };
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, admin.edit_role).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1 data-testid="role-name">{move || name.get()}</h1>
            </header>
            <AdminTabs current="roles" />
            <div class="grid grid-main-side">
                <form class="card" on:submit=on_matrix data-testid="permission-matrix">
                    <h2 class="card-title">{t!(i18n, admin.permissions)}</h2>
                    <Transition fallback=move || {
                        view! { <p class="muted">{t!(i18n, common.loading)}</p> }
                    }>
                        {move || {
                            catalogue
                                .get()
                                .map(|result| result.map(|all| view! { <Matrix all granted /> }))
                        }}
                    </Transition>
                    <FormErrors errors=matrix_errors field="form" />
                    <Show when=move || matches!(save_matrix.value().get(), Some(Ok(())))>
                        <p class="notice" role="status">
                            {t!(i18n, common.saved)}
                        </p>
                    </Show>
                    <button type="submit" class="btn btn-primary">
                        {t!(i18n, admin.save_permissions)}
                    </button>
                </form>
                <div class="stack">
                    <form class="card" on:submit=on_rename>
                        <h2 class="card-title">{t!(i18n, admin.details)}</h2>
                        <div class="field">
                            <label for="edit-role-name">{t!(i18n, admin.name)}</label>
                            <input
                                id="edit-role-name"
                                class="input"
                                type="text"
                                required
                                prop:value=name
                                on:input=move |ev| name.set(event_target_value(&ev))
                            />
                            <FieldError errors=rename_errors field="name" />
                        </div>
                        <div class="field">
                            <label for="edit-role-description">{t!(i18n, admin.description)}</label>
                            <textarea
                                id="edit-role-description"
                                class="textarea"
                                prop:value=description
                                on:input=move |ev| description.set(event_target_value(&ev))
                            ></textarea>
                        </div>
                        <FormErrors errors=rename_errors field="form" />
                        <button type="submit" class="btn btn-secondary">
                            {t!(i18n, common.save)}
                        </button>
                    </form>
                    <section class="card">
                        <h2 class="card-title">{t!(i18n, admin.holders)}</h2>
                        <Transition>
                            {move || {
                                role.get()
                                    .map(|result| {
                                        result
                                            .map(|detail| {
                                                view! {
                                                    <ul class="plain-list">
                                                        {detail
                                                            .holders
                                                            .into_iter()
                                                            .map(|h| {
                                                                view! {
                                                                    <li>
                                                                        <a href=format!("/admin/users/{}", h.id)>{h.name}</a>
                                                                        " "
                                                                        <span class="muted small">{h.email}</span>
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
                    <section class="card">
                        <h2 class="card-title">{t!(i18n, admin.delete_role)}</h2>
                        <FormErrors errors=delete_errors field="form" />
                        {move || {
                            if confirm_delete.get() {
                                view! {
                                    <p>{t!(i18n, admin.confirm_delete)}</p>
                                    <button
                                        type="button"
                                        class="btn btn-danger"
                                        on:click=move |_| {
                                            delete.dispatch(api::DeleteRole { id: id() });
                                        }
                                    >
                                        {t!(i18n, admin.delete_role)}
                                    </button>
                                    " "
                                    <button
                                        type="button"
                                        class="btn btn-secondary"
                                        on:click=move |_| confirm_delete.set(false)
                                    >
                                        {t!(i18n, common.cancel)}
                                    </button>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <button
                                        type="button"
                                        class="btn btn-secondary"
                                        on:click=move |_| confirm_delete.set(true)
                                    >
                                        {t!(i18n, admin.delete_role)}
                                    </button>
                                }
                                    .into_any()
                            }
                        }}
                    </section>
                </div>
            </div>
        </div>
    }
}

/// Check boxes for every permission, grouped by area, with descriptions in
/// the user's language. A permission the signed-in user may not give or
/// take, as the domain says, stays visible but disabled, with the reason as
/// its title and above the matrix.
#[component]
fn Matrix(all: Vec<PermissionView>, granted: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let mut reasons: Vec<String> = Vec::new();
    for reason in all.iter().filter_map(|p| p.withheld.as_deref()) {
        let reason = localize(reason, locale);
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    let hint = (!reasons.is_empty()).then(|| {
        view! {
            <p class="muted small" data-testid="withheld-hint">
                {t!(i18n, admin.withheld_hint)}
                " "
                {reasons.join(" ")}
            </p>
        }
    });
    let mut areas: Vec<(String, Vec<PermissionView>)> = Vec::new();
    for permission in all {
        match areas.last_mut() {
            Some((area, list)) if *area == permission.area => list.push(permission),
            _ => areas.push((permission.area.clone(), vec![permission])),
        }
    }
    let matrix = areas
        .into_iter()
        .map(|(area, list)| {
            view! {
                <fieldset class="matrix-area">
                    <legend>{area_name(&area, i18n)}</legend>
                    {list
                        .into_iter()
                        .map(|p| {
                            let code = p.code.clone();
                            let input_id = format!("perm-{}", code.replace('.', "-"));
                            let checked = {
                                let code = code.clone();
                                move || granted.read().contains(&code)
                            };
                            let withheld = p
                                .withheld
                                .as_deref()
                                .map(|reason| localize(reason, locale));
                            let disabled = withheld.is_some();
                            view! {
                                <div class="check" title=withheld>
                                    <input
                                        type="checkbox"
                                        id=input_id.clone()
                                        data-permission=code.clone()
                                        disabled=disabled
                                        prop:checked=checked
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let code = code.clone();
                                            granted
                                                .update(|set| {
                                                    if on {
                                                        set.insert(code);
                                                    } else {
                                                        set.remove(&code);
                                                    }
                                                });
                                        }
                                    />
                                    <label for=input_id>
                                        <code>{p.code.clone()}</code>
                                        " "
                                        <span class="muted">
                                            {move || match i18n.get_locale() {
                                                Locale::zh => p.description_zh.clone(),
                                                Locale::en => p.description_en.clone(),
                                            }}
                                        </span>
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        {hint}
        {matrix}
    }
}

fn area_name(area: &str, i18n: I18nContext<Locale>) -> &'static str {
    match area {
        "customers" => t_string!(i18n, perm_area.customers),
        "leads" => t_string!(i18n, perm_area.leads),
        "opportunities" => t_string!(i18n, perm_area.opportunities),
        "activities" => t_string!(i18n, perm_area.activities),
        "campaigns" => t_string!(i18n, perm_area.campaigns),
        "products" => t_string!(i18n, perm_area.products),
        "stock" => t_string!(i18n, perm_area.stock),
        "orders" => t_string!(i18n, perm_area.orders),
        "shipments" => t_string!(i18n, perm_area.shipments),
        "invoices" => t_string!(i18n, perm_area.invoices),
        "payments" => t_string!(i18n, perm_area.payments),
        "purchasing" => t_string!(i18n, perm_area.purchasing),
        "tickets" => t_string!(i18n, perm_area.tickets),
        "knowledge" => t_string!(i18n, perm_area.knowledge),
        "dashboards" => t_string!(i18n, perm_area.dashboards),
        "reports" => t_string!(i18n, perm_area.reports),
        _ => t_string!(i18n, perm_area.admin),
    }
}
