//! `/warehouses`: the warehouses and the form to add or edit one.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{api, types::WarehouseForm, ErpTabs};
use crate::{
    auth::use_me,
    components::forms::{FieldError, FormErrors},
    i18n::*,
};

/// `/warehouses`.
#[component]
pub fn WarehousesPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<api::CreateWarehouse>::new();
    let update = ServerAction::<api::UpdateWarehouse>::new();
    let list = Resource::new(
        move || (create.version().get(), update.version().get()),
        |_| api::list_warehouses(),
    );
    let can_write = use_me().is_some_and(|m| m.can("warehouses.write"));
    let editing = RwSignal::new(None::<i64>);
    let blank = || WarehouseForm {
        active: true,
        ..Default::default()
    };
    let form = RwSignal::new(blank());
    let errors = Signal::derive(move || {
        if editing.get().is_some() {
            update.value().get().and_then(Result::err)
        } else {
            create.value().get().and_then(Result::err)
        }
    });
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(())))
            || matches!(update.value().get(), Some(Ok(())))
        {
            form.set(blank());
            editing.set(None);
        }
    });
    macro_rules! field {
        ($id:literal, $field:ident, $label:expr) => {
            view! {
                <div class="field">
                    <label for=$id>{$label}</label>
                    <input id=$id class="input" type="text"
                        prop:value=move || form.read().$field.clone()
                        on:change=move |ev| form.update(|f| f.$field = event_target_value(&ev))/>
                    <FieldError errors field=stringify!($field)/>
                </div>
            }
        };
    }
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, erp.warehouses).to_owned())/>
        <div class="page">
            <header class="page-header"><h1>{t!(i18n, erp.warehouses)}</h1></header>
            <ErpTabs current="warehouses"/>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || list.get().map(|result| result.map(|rows| view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="warehouses">
                            <thead><tr>
                                <th scope="col">{t!(i18n, erp.code)}</th>
                                <th scope="col">{t!(i18n, admin.name)}</th>
                                <th scope="col">{t!(i18n, crm.address)}</th>
                                <th scope="col">{t!(i18n, crm.status)}</th>
                                {can_write.then(|| view! { <th scope="col">{t!(i18n, common.actions)}</th> })}
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|w| {
                                    let edit = WarehouseForm { code: w.code.clone(), name: w.name.clone(), address: w.address.clone(), active: w.active };
                                    let id = w.id;
                                    view! {
                                        <tr>
                                            <td><code>{w.code.clone()}</code></td>
                                            <td>{w.name.clone()}</td>
                                            <td class="pre">{w.address.clone()}</td>
                                            <td>{if w.active { t_string!(i18n, erp.active) } else { t_string!(i18n, erp.inactive) }}</td>
                                            {can_write.then(|| view! {
                                                <td><button type="button" class="btn btn-ghost small" on:click=move |_| { form.set(edit.clone()); editing.set(Some(id)); }>{t!(i18n, crm.edit)}</button></td>
                                            })}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }))}
            </Transition>
            {can_write.then(|| view! {
                <form class="card" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    match editing.get_untracked() {
                        Some(id) => { update.dispatch(api::UpdateWarehouse { id, form: form.get_untracked() }); }
                        None => { create.dispatch(api::CreateWarehouse { form: form.get_untracked() }); }
                    }
                }>
                    <h2 class="card-title">{move || if editing.get().is_some() { t_string!(i18n, erp.edit_warehouse) } else { t_string!(i18n, erp.new_warehouse) }}</h2>
                    {field!("warehouse-code", code, t!(i18n, erp.code))}
                    {field!("warehouse-name", name, t!(i18n, admin.name))}
                    <div class="field">
                        <label for="warehouse-address">{t!(i18n, crm.address)}</label>
                        <textarea id="warehouse-address" class="input" rows="3" prop:value=move || form.read().address.clone()
                            on:change=move |ev| form.update(|f| f.address = event_target_value(&ev))></textarea>
                        <FieldError errors field="address"/>
                    </div>
                    <div class="check">
                        <input id="warehouse-active" type="checkbox" prop:checked=move || form.read().active
                            on:change=move |ev| form.update(|f| f.active = event_target_checked(&ev))/>
                        <label for="warehouse-active">{t!(i18n, erp.active)}</label>
                    </div>
                    <FormErrors errors field="form"/>
                    <button type="submit" class="btn btn-primary">{t!(i18n, common.save)}</button>
                    {move || editing.get().is_some().then(|| view! {
                        " " <button type="button" class="btn btn-secondary" on:click=move |_| { form.set(blank()); editing.set(None); }>{t!(i18n, common.cancel)}</button>
                    })}
                </form>
            })}
        </div>
    }
}
