//! Owners on CRM lists: filtering by owner and handing chosen records to
//! another user. Both show only to users who may assign records to others
//! (see [`super::assignee_options`]).

use leptos::prelude::*;

use super::types::Choice;
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        BulkBar, SelectFilter,
    },
    error::AppError,
    i18n::*,
};

/// The owner filter of a list.
#[component]
pub fn OwnerFilter(owners: Resource<Vec<Choice>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Transition>
            {move || {
                owners
                    .get()
                    .filter(|o| !o.is_empty())
                    .map(|list| {
                        view! {
                            <SelectFilter id="owner-filter" name="owner" label=t!(i18n, crm.owner)>
                                {list
                                    .into_iter()
                                    .map(|o| {
                                        view! { <option value=o.id.to_string()>{o.name}</option> }
                                    })
                                    .collect_view()}
                            </SelectFilter>
                        }
                    })
            }}
        </Transition>
    }
}

/// A form's owner picker: "me" unless another user is chosen.
#[component]
pub fn OwnerField(
    id: &'static str,
    owners: Resource<Vec<Choice>>,
    #[prop(into)] value: Signal<Option<i64>>,
    #[prop(into)] on_change: Callback<Option<i64>>,
    #[prop(into)] errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Transition>
            {move || {
                owners
                    .get()
                    .filter(|o| !o.is_empty())
                    .map(|list| {
                        view! {
                            <div class="field">
                                <label for=id>{t!(i18n, crm.owner)}</label>
                                <select
                                    id=id
                                    class="select"
                                    prop:value=move || {
                                        value.get().map(|c| c.to_string()).unwrap_or_default()
                                    }
                                    on:change=move |ev| {
                                        on_change.run(event_target_value(&ev).parse().ok())
                                    }
                                >
                                    <option value="">{t!(i18n, crm.me)}</option>
                                    {list
                                        .into_iter()
                                        .map(|o| {
                                            view! { <option value=o.id.to_string()>{o.name}</option> }
                                        })
                                        .collect_view()}
                                </select>
                                <FieldError errors field="owner_id" />
                            </div>
                        }
                    })
            }}
        </Transition>
    }
}

/// The "reassign to" picker of a bulk-action bar; sets `value` to the
/// chosen user's id.
#[component]
pub fn ReassignSelect(
    id: &'static str,
    owners: Resource<Vec<Choice>>,
    value: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{t!(i18n, crm.reassign_to)}</label>
            <select id=id class="select" on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">"—"</option>
                {move || {
                    owners
                        .get()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|o| view! { <option value=o.id.to_string()>{o.name}</option> })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// A list's bulk-action bar whose one action is reassigning the chosen
/// records: `on_reassign` gets the new owner's id, then the choice is
/// cleared. Shown when `allowed` and there are users to assign to.
#[component]
pub fn BulkReassign(
    owners: Resource<Vec<Choice>>,
    selected: RwSignal<Vec<i64>>,
    #[prop(into)] errors: Signal<Option<AppError>>,
    select_id: &'static str,
    #[prop(optional_no_strip)] title_id: Option<&'static str>,
    #[prop(default = true)] allowed: bool,
    #[prop(into)] on_reassign: Callback<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let new_owner = RwSignal::new(String::new());
    view! {
        <Transition>
            <Show when=move || !owners.get().unwrap_or_default().is_empty() && allowed>
                <BulkBar selected title_id>
                    <ReassignSelect id=select_id owners value=new_owner />
                    <FormErrors errors field="selection" />
                    <FormErrors errors field="form" />
                    <button
                        type="button"
                        class="btn btn-secondary"
                        on:click=move |_| {
                            if let Ok(owner_id) = new_owner.get_untracked().parse() {
                                on_reassign.run(owner_id);
                                selected.set(Vec::new());
                            }
                        }
                    >
                        {t!(i18n, crm.reassign)}
                    </button>
                </BulkBar>
            </Show>
        </Transition>
    }
}
