//! `/admin/ledger`: the stock ledger check, recomputed on request. It
//! reports differences; it never fixes them.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api;
use crate::{
    components::{Col, ListTable},
    i18n::*,
};

/// `/admin/ledger`.
#[component]
pub fn LedgerPage() -> impl IntoView {
    let i18n = use_i18n();
    let run = RwSignal::new(0u64);
    let result = Resource::new(move || run.get(), |_| api::ledger_check());
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, erp.ledger_check).to_owned()
        }) />
        <div class="page">
            <header class="page-header page-header-row">
                <div>
                    <h1>{t!(i18n, erp.ledger_check)}</h1>
                    <p class="lead">{t!(i18n, erp.ledger_help)}</p>
                </div>
                <button
                    type="button"
                    class="btn btn-secondary"
                    on:click=move |_| run.update(|n| *n += 1)
                >
                    {t!(i18n, erp.run_again)}
                </button>
            </header>
            <crate::admin::AdminTabs current="ledger" />
            <Transition fallback=move || {
                view! {
                    <p class="muted" role="status">
                        {t!(i18n, erp.checking)}
                    </p>
                }
            }>
                {move || {
                    result
                        .get()
                        .map(|r| {
                            r.map(|rows| {
                                view! {
                                    {if rows.is_empty() {
                                        view! {
                                            <p class="notice" data-testid="ledger-ok">
                                                {t!(i18n, erp.ledger_ok)}
                                            </p>
                                        }
                                            .into_any()
                                    } else {
                                        view! {
                                            <p
                                                class="notice notice-warning"
                                                data-testid="ledger-differences"
                                            >
                                                {rows.len()}
                                                " "
                                                {t!(i18n, erp.ledger_differences)}
                                            </p>
                                            <ListTable head=view! {
                                                <Col>{t!(i18n, erp.sku)}</Col>
                                                <Col>{t!(i18n, erp.warehouse)}</Col>
                                                <Col>{t!(i18n, erp.field)}</Col>
                                                <Col num=true>{t!(i18n, erp.stored)}</Col>
                                                <Col num=true>{t!(i18n, erp.computed)}</Col>
                                            }>
                                                {rows
                                                    .into_iter()
                                                    .map(|d| {
                                                        view! {
                                                            <tr>
                                                                <td>
                                                                    <code>{d.sku}</code>
                                                                </td>
                                                                <td>{d.warehouse}</td>
                                                                <td>{d.field}</td>
                                                                <td class="num">{d.stored}</td>
                                                                <td class="num">{d.computed}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ListTable>
                                        }
                                            .into_any()
                                    }}
                                }
                            })
                        })
                }}
            </Transition>
        </div>
    }
}
