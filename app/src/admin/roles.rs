//! `/admin/roles`: the roles, and creating one.

use leptos::prelude::*;

use super::{api, types::RoleInput, AdminTabs};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        loading, Col, ListTable, PageHeader,
    },
    i18n::*,
};

/// The roles list with a form for a new role.
#[component]
pub fn RolesPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<api::CreateRole>::new();
    let roles = Resource::new(move || create.version().get(), |_| api::list_roles());
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            // Straight to the new role's permission matrix.
            let _ = window().location().set_href(&format!("/admin/roles/{id}"));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(api::CreateRole {
            input: RoleInput {
                name: name.get_untracked(),
                description: description.get_untracked(),
            },
            permissions: Vec::new(),
        });
    };
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, admin.roles) />
            <AdminTabs current="roles" />
            <div class="grid grid-main-side">
                <Transition fallback=loading>
                    {move || {
                        roles
                            .get()
                            .map(|result| {
                                result
                                    .map(|list| {
                                        view! {
                                            <ListTable head=view! {
                                                <Col>{t!(i18n, admin.name)}</Col>
                                                <Col>{t!(i18n, admin.description)}</Col>
                                                <Col num=true>{t!(i18n, admin.permissions)}</Col>
                                                <Col num=true>{t!(i18n, admin.users)}</Col>
                                            }>
                                                {list
                                                    .into_iter()
                                                    .map(|r| {
                                                        view! {
                                                            <tr>
                                                                <td>
                                                                    <a href=format!("/admin/roles/{}", r.id)>{r.name}</a>
                                                                    {r
                                                                        .builtin
                                                                        .map(|_| {
                                                                            view! {
                                                                                " "
                                                                                <span class="badge">{t!(i18n, admin.builtin)}</span>
                                                                            }
                                                                        })}
                                                                </td>
                                                                <td>{r.description}</td>
                                                                <td class="num">{r.permissions.len()}</td>
                                                                <td class="num">{r.user_count}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ListTable>
                                        }
                                    })
                            })
                    }}
                </Transition>
                <form class="card" on:submit=submit>
                    <h2 class="card-title">{t!(i18n, admin.new_role)}</h2>
                    <div class="field">
                        <label for="role-name">{t!(i18n, admin.name)}</label>
                        <input
                            id="role-name"
                            class="input"
                            type="text"
                            required
                            prop:value=name
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                        <FieldError errors field="name" />
                    </div>
                    <div class="field">
                        <label for="role-description">{t!(i18n, admin.description)}</label>
                        <textarea
                            id="role-description"
                            class="textarea"
                            prop:value=description
                            on:input=move |ev| description.set(event_target_value(&ev))
                        ></textarea>
                        <FieldError errors field="description" />
                    </div>
                    <FormErrors errors field="form" />
                    <button
                        type="submit"
                        class="btn btn-primary"
                        disabled=move || create.pending().get()
                    >
                        {t!(i18n, admin.create_role)}
                    </button>
                </form>
            </div>
        </div>
    }
}
