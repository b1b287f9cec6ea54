//! `/warehouses`: the warehouses and the form to add or edit one.

use leptos::prelude::*;

use super::{api, types::WarehouseForm, ErpTabs};
use crate::{
    auth::use_me,
    components::{
        forms::FieldError, loading, Col, EditCell, Editor, EditorForm, ListTable, PageHeader,
    },
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
    let editor = Editor::new(|| WarehouseForm {
        active: true,
        ..Default::default()
    });
    let form = editor.form;
    let errors = editor.errors(move || create.value().get(), move || update.value().get());
    let save = editor.save(
        move |form| create.dispatch(api::CreateWarehouse { form }),
        move |id, form| update.dispatch(api::UpdateWarehouse { id, form }),
    );
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
        <div class="page">
            <PageHeader title=move || t_string!(i18n, erp.warehouses) />
            <ErpTabs current="warehouses" />
            <Transition fallback=loading>
                {move || {
                    list.get()
                        .map(|result| {
                            result
                                .map(|rows| {
                                    view! {
                                        <ListTable
                                            testid="warehouses"
                                            head=view! {
                                                <Col>{t!(i18n, erp.code)}</Col>
                                                <Col>{t!(i18n, admin.name)}</Col>
                                                <Col>{t!(i18n, crm.address)}</Col>
                                                <Col>{t!(i18n, crm.status)}</Col>
                                                {can_write
                                                    .then(|| view! { <Col>{t!(i18n, common.actions)}</Col> })}
                                            }
                                        >
                                            {rows
                                                .into_iter()
                                                .map(|w| {
                                                    let edit = WarehouseForm {
                                                        code: w.code.clone(),
                                                        name: w.name.clone(),
                                                        address: w.address.clone(),
                                                        active: w.active,
                                                    };
                                                    let id = w.id;
                                                    view! {
                                                        <tr>
                                                            <td>
                                                                <code>{w.code}</code>
                                                            </td>
                                                            <td>{w.name}</td>
                                                            <td class="pre">{w.address}</td>
                                                            <td>
                                                                {if w.active {
                                                                    t_string!(i18n, erp.active)
                                                                } else {
                                                                    t_string!(i18n, erp.inactive)
                                                                }}
                                                            </td>
                                                            {can_write
                                                                .then(|| {
                                                                    view! {
                                                                        <EditCell on_edit=move || editor.edit(id, edit.clone()) />
                                                                    }
                                                                })}
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
            {can_write
                .then(|| {
                    view! {
                        <EditorForm
                            editor
                            errors
                            on_save=save
                            adding=move || t_string!(i18n, erp.new_warehouse)
                            editing=move || t_string!(i18n, erp.edit_warehouse)
                        >
                            {field!("warehouse-code", code, t!(i18n, erp.code))}
                            {field!("warehouse-name", name, t!(i18n, admin.name))}
                            <div class="field">
                                <label for="warehouse-address">{t!(i18n, crm.address)}</label>
                                <textarea
                                    id="warehouse-address"
                                    class="input"
                                    rows="3"
                                    prop:value=move || form.read().address.clone()
                                    on:change=move |ev| {
                                        form.update(|f| f.address = event_target_value(&ev))
                                    }
                                ></textarea>
                                <FieldError errors field="address" />
                            </div>
                            <div class="check">
                                <input
                                    id="warehouse-active"
                                    type="checkbox"
                                    prop:checked=move || form.read().active
                                    on:change=move |ev| {
                                        form.update(|f| f.active = event_target_checked(&ev))
                                    }
                                />
                                <label for="warehouse-active">{t!(i18n, erp.active)}</label>
                            </div>
                        </EditorForm>
                    }
                })}
        </div>
    }
}
