//! Acting on several records of a list at once: the checkboxes that
//! choose them and the bar with the actions.

use leptos::prelude::*;

use crate::i18n::*;

/// The header cell that chooses every record of the page, or none.
#[component]
pub fn SelectAll(ids: Vec<i64>, selected: RwSignal<Vec<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <th scope="col">
            <input
                type="checkbox"
                aria-label=move || t_string!(i18n, crm.select_all)
                on:change=move |ev| {
                    selected.set(if event_target_checked(&ev) { ids.clone() } else { Vec::new() })
                }
            />
        </th>
    }
}

/// The cell that chooses the record `id`, named `name` for screen readers.
#[component]
pub fn SelectRow(id: i64, name: String, selected: RwSignal<Vec<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <td>
            <input
                type="checkbox"
                aria-label=format!("{} {}", t_string!(i18n, crm.select), name)
                prop:checked=move || selected.read().contains(&id)
                on:change=move |ev| {
                    selected
                        .update(|s| {
                            if event_target_checked(&ev) {
                                s.push(id)
                            } else {
                                s.retain(|x| *x != id)
                            }
                        })
                }
            />
        </td>
    }
}

/// The bulk-action bar: its title with the number of chosen records, and
/// the actions in `children`.
#[component]
pub fn BulkBar(
    selected: RwSignal<Vec<i64>>,
    #[prop(optional_no_strip)] title_id: Option<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card bulk" aria-labelledby=title_id data-testid=testid>
            <h2 id=title_id class="card-title">
                {t!(i18n, crm.bulk_actions)}
                " ("
                {move || selected.read().len()}
                ")"
            </h2>
            {children()}
        </section>
    }
}
