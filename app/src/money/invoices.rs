//! `/invoices` (receivables aging and the invoice list) and
//! `/invoices/:id` (the printable invoice, payments, credit notes).

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::{api, invoice_state_label, method_label, types::*};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        id_param, loading, use_list_query, Col, Empty, FilterBar, ListTable, Money, Options,
        PageHeader, PagedList, SelectFilter,
    },
    erp::{DynFieldError, ErpTabs, PriceCols},
    i18n::*,
};

/// `/invoices`.
#[component]
pub fn InvoicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let list = Resource::new(
        move || (query.get("state"), query.page()),
        |(state, page)| api::list_invoices(state, None, None, page),
    );
    let aging = Resource::new(|| (), |_| api::aging(None));
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, money.invoices) />
            <ErpTabs current="invoices" />
            <section class="card" aria-labelledby="aging-title">
                <h2 id="aging-title" class="card-title">
                    {t!(i18n, money.aging)}
                </h2>
                <Transition fallback=loading>
                    {move || aging.get().map(|r| r.map(|rows| view! { <AgingTable rows /> }))}
                </Transition>
            </section>
            <FilterBar>
                <SelectFilter id="invoice-state" name="state" label=t!(i18n, crm.status)>
                    <option value="unpaid">{t!(i18n, money.unpaid)}</option>
                    <Options
                        values=&["open", "partially_paid", "paid", "overdue", "cancelled"]
                        label=invoice_state_label
                    />
                </SelectFilter>
            </FilterBar>
            <ExportCsv
                name="invoices"
                headers=vec![
                    t_string!(i18n, erp.number).to_owned(),
                    t_string!(i18n, crm.customer).to_owned(),
                    t_string!(i18n, crm.status).to_owned(),
                    t_string!(i18n, money.issued).to_owned(),
                    t_string!(i18n, money.due).to_owned(),
                    t_string!(i18n, erp.total).to_owned(),
                    t_string!(i18n, money.owed).to_owned(),
                    t_string!(i18n, crm.currency).to_owned(),
                ]
                run=move |headers| api::export_invoices(query.get("state"), None, None, headers)
            />
            <PagedList list link=query.pager("/invoices", &["state"]) let:items>
                <InvoiceTable rows=items />
            </PagedList>
        </div>
    }
}

/// Receivables by customer and days past due.
#[component]
pub fn AgingTable(rows: Vec<AgingRow>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <Empty>{t!(i18n, money.nothing_owed)}</Empty> }.into_any();
    }
    view! {
        <ListTable
            testid="aging"
            head=view! {
                <Col>{t!(i18n, crm.customer)}</Col>
                <Col num=true>{t!(i18n, money.not_due)}</Col>
                <Col num=true>{t!(i18n, money.days_0_30)}</Col>
                <Col num=true>{t!(i18n, money.days_31_60)}</Col>
                <Col num=true>{t!(i18n, money.days_61_90)}</Col>
                <Col num=true>{t!(i18n, money.days_90_plus)}</Col>
                <Col num=true>{t!(i18n, erp.total)}</Col>
            }
        >
            {rows
                .into_iter()
                .map(|a| {
                    view! {
                        <tr>
                            <td>
                                <a href=format!(
                                    "/customers/{}?tab=invoices",
                                    a.customer_id,
                                )>{a.customer}</a>
                                {(a.overdue > 0)
                                    .then(|| {
                                        view! {
                                            " "
                                            <span class="badge badge-danger">
                                                {t!(i18n, money.inv_overdue)} " " {a.overdue}
                                            </span>
                                        }
                                    })}
                            </td>
                            <td class="num">{a.not_due}</td>
                            <td class="num">{a.d0_30}</td>
                            <td class="num">{a.d31_60}</td>
                            <td class="num">{a.d61_90}</td>
                            <td class="num">{a.d90_plus}</td>
                            <td class="num">
                                <strong>
                                    <Money amount=a.total currency=a.currency />
                                </strong>
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
    }
    .into_any()
}

/// A table of invoices (the list, an order's, a customer's).
#[component]
pub fn InvoiceTable(rows: Vec<InvoiceRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ListTable
            testid="invoices"
            head=view! {
                <Col>{t!(i18n, erp.number)}</Col>
                <Col>{t!(i18n, crm.customer)}</Col>
                <Col>{t!(i18n, crm.status)}</Col>
                <Col>{t!(i18n, money.issued)}</Col>
                <Col>{t!(i18n, money.due)}</Col>
                <Col num=true>{t!(i18n, erp.total)}</Col>
                <Col num=true>{t!(i18n, money.owed)}</Col>
            }
        >
            {rows
                .into_iter()
                .map(|r| {
                    let badge = if r.state == "overdue" { "badge badge-danger" } else { "badge" };
                    view! {
                        <tr>
                            <td>
                                <a href=format!("/invoices/{}", r.id)>
                                    <code>{r.number}</code>
                                </a>
                            </td>
                            <td>{r.customer}</td>
                            <td>
                                <span class=badge data-state=r.state.clone()>
                                    {invoice_state_label(&r.state, i18n)}
                                </span>
                            </td>
                            <td class="small">{r.issue_date}</td>
                            <td class="small">{r.due_date}</td>
                            <td class="num">
                                <Money amount=r.total currency=r.currency />
                            </td>
                            <td class="num">{r.owed}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
    }
}

/// "Invoice" buttons for an order (all shipped, uninvoiced quantities) or
/// one shipment; opens the new invoice.
#[component]
pub fn RaiseInvoice(order_id: i64, #[prop(optional)] shipment_id: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let raise = ServerAction::<api::RaiseInvoice>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = raise.value().get() {
            navigate(&format!("/invoices/{id}"), Default::default());
        }
    });
    let errors = Signal::derive(move || raise.value().get().and_then(Result::err));
    view! {
        <div class="no-print">
            <button
                type="button"
                class="btn btn-secondary"
                data-testid="raise-invoice"
                disabled=move || raise.pending().get()
                on:click=move |_| {
                    raise
                        .dispatch(api::RaiseInvoice {
                            order_id,
                            shipment_id,
                        });
                }
            >
                {move || {
                    if shipment_id.is_some() {
                        t_string!(i18n, money.invoice_shipment)
                    } else {
                        t_string!(i18n, money.invoice_shipped)
                    }
                }}
            </button>
            <FormErrors errors field="form" />
        </div>
    }
}

/// `/invoices/:id`.
#[component]
pub fn InvoicePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let pay = ServerAction::<api::RecordPayment>::new();
    let credit = ServerAction::<api::CreditInvoice>::new();
    let cancel = ServerAction::<api::CancelInvoice>::new();
    // The invoice reloads after a change, not after a refused attempt: that
    // would redraw the forms and drop what the user typed to correct it.
    let changes = Memo::new(move |prev: Option<&[usize; 3]>| {
        let mut seen = prev.copied().unwrap_or_default();
        if matches!(pay.value().get(), Some(Ok(_))) {
            seen[0] = pay.version().get();
        }
        if matches!(credit.value().get(), Some(Ok(_))) {
            seen[1] = credit.version().get();
        }
        if matches!(cancel.value().get(), Some(Ok(_))) {
            seen[2] = cancel.version().get();
        }
        seen
    });
    let invoice = Resource::new(
        move || (id(), changes.get()),
        |(id, _)| api::get_invoice(id),
    );
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, money.invoice).to_owned()
        }) />
        <div class="page">
            <div class="no-print">
                <ErpTabs current="invoices" />
            </div>
            <Transition fallback=loading>
                {move || {
                    invoice
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(v) => view! { <InvoiceBody v pay credit cancel /> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

#[component]
fn InvoiceBody(
    v: InvoiceView,
    pay: ServerAction<api::RecordPayment>,
    credit: ServerAction<api::CreditInvoice>,
    cancel: ServerAction<api::CancelInvoice>,
) -> impl IntoView {
    let i18n = use_i18n();
    let r = v.row.clone();
    let invoice_id = r.id;
    let badge = if r.state == "overdue" {
        "badge badge-danger"
    } else {
        "badge"
    };
    let form = RwSignal::new(PaymentForm {
        invoice_id,
        amount: r.owed.replace(',', ""),
        method: "bank_transfer".into(),
        ..Default::default()
    });
    let pay_errors = Signal::derive(move || pay.value().get().and_then(Result::err));
    let credit_errors = Signal::derive(move || credit.value().get().and_then(Result::err));
    let cancel_errors = Signal::derive(move || cancel.value().get().and_then(Result::err));
    let credit_qty: Vec<(i64, RwSignal<String>)> = v
        .lines
        .iter()
        .map(|l| (l.id, RwSignal::new(String::new())))
        .collect();
    let credit_reason = RwSignal::new(String::new());
    let cancel_reason = RwSignal::new(String::new());
    let credit_fields = credit_qty.clone();
    let lines = v.lines.clone();
    view! {
        <header class="page-header page-header-row">
            <div>
                <h1>
                    {t!(i18n, money.invoice)} " "
                    <code data-testid="invoice-number">{r.number.clone()}</code> " "
                    <span class=badge data-testid="invoice-state">
                        {invoice_state_label(&r.state, i18n)}
                    </span>
                </h1>
                <p class="muted">
                    {t!(i18n, erp.order)} " " <a href=format!("/orders/{}", v.order_id)>
                        <code>{v.order_number.clone()}</code>
                    </a>
                    {v
                        .shipment_number
                        .clone()
                        .map(|s| {
                            view! {
                                " · "
                                {t!(i18n, money.shipment)}
                                " "
                                <code>{s}</code>
                            }
                        })}
                </p>
            </div>
            <button
                type="button"
                class="btn btn-secondary no-print"
                on:click=move |_| {
                    let _ = window().print();
                }
            >
                {t!(i18n, erp.print)}
            </button>
        </header>
        <div class="grid-2">
            <section class="card">
                <h2 class="card-title">{t!(i18n, money.from)}</h2>
                <p>
                    <strong>{v.company_name.clone()}</strong>
                </p>
                <p class="pre">{v.company_address.clone()}</p>
                {(!v.company_tax_id.is_empty())
                    .then(|| {
                        view! { <p>{t!(i18n, money.tax_id)} " " {v.company_tax_id.clone()}</p> }
                    })}
                <p>{v.company_email.clone()}</p>
            </section>
            <section class="card">
                <h2 class="card-title">{t!(i18n, money.bill_to)}</h2>
                <p>
                    <a href=format!("/customers/{}", r.customer_id)>
                        <strong>{r.customer.clone()}</strong>
                    </a>
                </p>
                <p class="pre">{v.address.clone()}</p>
                {(!v.customer_tax_id.is_empty())
                    .then(|| {
                        view! { <p>{t!(i18n, money.tax_id)} " " {v.customer_tax_id.clone()}</p> }
                    })}
                <p>
                    {t!(i18n, money.issued)} " " {r.issue_date.clone()} " · " {t!(i18n, money.due)}
                    " " <strong data-testid="due-date">{r.due_date.clone()}</strong>
                </p>
            </section>
        </div>
        <ListTable
            testid="invoice-lines"
            head=view! {
                <Col>{t!(i18n, erp.description)}</Col>
                <PriceCols />
                <Col num=true>{t!(i18n, erp.tax)}</Col>
            }
        >
            {lines
                .into_iter()
                .map(|l| {
                    view! {
                        <tr>
                            <td>
                                {l.description}
                                {(l.credited > 0)
                                    .then(|| {
                                        view! {
                                            <span class="small muted">
                                                " (" {t!(i18n, money.credited)} " " {l.credited} ")"
                                            </span>
                                        }
                                    })}
                            </td>
                            <td class="num">{l.quantity}</td>
                            <td class="num">{l.unit_price}</td>
                            <td class="num">{l.discount}</td>
                            <td class="num">{l.tax_rate}</td>
                            <td class="num">{l.net}</td>
                            <td class="num">{l.tax}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
        <dl class="totals" data-testid="invoice-totals">
            <dt>{t!(i18n, erp.subtotal)}</dt>
            <dd>{v.subtotal.clone()}</dd>
            <dt>{t!(i18n, erp.tax)}</dt>
            <dd>{v.tax.clone()}</dd>
            <dt>{t!(i18n, erp.total)}</dt>
            <dd>
                <strong>
                    <Money amount=r.total.clone() currency=r.currency.clone() />
                </strong>
            </dd>
            <dt>{t!(i18n, money.paid)}</dt>
            <dd>{v.paid.clone()}</dd>
            <dt>{t!(i18n, money.credited)}</dt>
            <dd>{v.credited.clone()}</dd>
            <dt>{t!(i18n, money.owed)}</dt>
            <dd>
                <strong data-testid="owed">{r.owed.clone()}</strong>
            </dd>
        </dl>
        {(!v.cancel_reason.is_empty())
            .then(|| {
                view! { <p>{t!(i18n, money.cancelled_because)} " " {v.cancel_reason.clone()}</p> }
            })}
        {(!v.payments.is_empty())
            .then(|| {
                view! {
                    <section class="card">
                        <h2 class="card-title">{t!(i18n, money.payments)}</h2>
                        <ul class="plain-list" data-testid="payments">
                            {v
                                .payments
                                .iter()
                                .map(|p| {
                                    view! {
                                        <li>
                                            <code>{p.number.clone()}</code>
                                            " · "
                                            {p.date.clone()}
                                            " · "
                                            {method_label(&p.detail, i18n)}
                                            " · "
                                            {p.amount.clone()}
                                            {(p.amount != p.applied)
                                                .then(|| {
                                                    view! {
                                                        " ("
                                                        {t!(i18n, money.applied)}
                                                        " "
                                                        {p.applied.clone()}
                                                        ")"
                                                    }
                                                })}
                                            {(!p.reference.is_empty())
                                                .then(|| {
                                                    view! {
                                                        " · "
                                                        {p.reference.clone()}
                                                    }
                                                })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}
        {(!v.credit_notes.is_empty())
            .then(|| {
                view! {
                    <section class="card">
                        <h2 class="card-title">{t!(i18n, money.credit_notes)}</h2>
                        <ul class="plain-list" data-testid="credit-notes">
                            {v
                                .credit_notes
                                .iter()
                                .map(|c| {
                                    view! {
                                        <li>
                                            <code>{c.number.clone()}</code>
                                            " · "
                                            {c.date.clone()}
                                            " · "
                                            {c.amount.clone()}
                                            " · "
                                            {c.detail.clone()}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}
        <p class="no-print">
            {t!(i18n, money.credit_balance)} " "
            <span data-testid="credit-balance">{v.credit_balance.clone()}</span>
        </p>
        {v
            .can_pay
            .then(|| {
                view! {
                    <form
                        class="card no-print"
                        novalidate
                        data-testid="pay-form"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            pay.dispatch(api::RecordPayment {
                                form: form.get_untracked(),
                            });
                        }
                    >
                        <h2 class="card-title">{t!(i18n, money.record_payment)}</h2>
                        <div class="field">
                            <label for="pay-amount">{t!(i18n, money.amount)}</label>
                            <input
                                id="pay-amount"
                                class="input input-narrow"
                                inputmode="decimal"
                                prop:value=move || form.with(|f| f.amount.clone())
                                on:change=move |ev| {
                                    form.update(|f| f.amount = event_target_value(&ev))
                                }
                            />
                            <FieldError errors=pay_errors field="amount" />
                        </div>
                        <div class="field">
                            <label for="pay-method">{t!(i18n, money.method)}</label>
                            <select
                                id="pay-method"
                                class="select"
                                prop:value=move || form.with(|f| f.method.clone())
                                on:change=move |ev| {
                                    form.update(|f| f.method = event_target_value(&ev))
                                }
                            >
                                {["bank_transfer", "card", "cash", "cheque", "credit", "other"]
                                    .into_iter()
                                    .map(|m| {
                                        view! { <option value=m>{method_label(m, i18n)}</option> }
                                    })
                                    .collect_view()}
                            </select>
                            <FieldError errors=pay_errors field="method" />
                        </div>
                        <div class="field">
                            <label for="pay-date">{t!(i18n, money.paid_on)}</label>
                            <input
                                id="pay-date"
                                class="input input-narrow"
                                type="date"
                                prop:value=move || form.with(|f| f.paid_on.clone())
                                on:change=move |ev| {
                                    form.update(|f| f.paid_on = event_target_value(&ev))
                                }
                            />
                            <FieldError errors=pay_errors field="paid_on" />
                        </div>
                        <div class="field">
                            <label for="pay-reference">{t!(i18n, money.reference)}</label>
                            <input
                                id="pay-reference"
                                class="input"
                                prop:value=move || form.with(|f| f.reference.clone())
                                on:change=move |ev| {
                                    form.update(|f| f.reference = event_target_value(&ev))
                                }
                            />
                            <FieldError errors=pay_errors field="reference" />
                        </div>
                        <div class="field">
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || form.with(|f| f.keep_credit)
                                    on:change=move |ev| {
                                        form.update(|f| f.keep_credit = event_target_checked(&ev))
                                    }
                                />
                                " "
                                {t!(i18n, money.keep_credit)}
                            </label>
                        </div>
                        <FormErrors errors=pay_errors field="form" />
                        <button
                            type="submit"
                            class="btn btn-primary"
                            disabled=move || pay.pending().get()
                        >
                            {t!(i18n, money.record_payment)}
                        </button>
                    </form>
                }
            })}
        {v
            .can_credit
            .then(|| {
                view! {
                    <form
                        class="card no-print"
                        novalidate
                        data-testid="credit-form"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            credit
                                .dispatch(api::CreditInvoice {
                                    invoice_id,
                                    lines: credit_fields
                                        .iter()
                                        .map(|(id, q)| (*id, q.get_untracked()))
                                        .collect(),
                                    reason: credit_reason.get_untracked(),
                                });
                        }
                    >
                        <h2 class="card-title">{t!(i18n, money.issue_credit_note)}</h2>
                        {v
                            .lines
                            .iter()
                            .zip(credit_qty.clone())
                            .enumerate()
                            .map(|(i, (l, (_, q)))| {
                                let field_id = format!("credit-qty-{i}");
                                view! {
                                    <div class="field">
                                        <label for=field_id
                                            .clone()>
                                            {l.description.clone()} " (" {l.quantity - l.credited} ")"
                                        </label>
                                        <input
                                            id=field_id
                                            class="input input-narrow"
                                            inputmode="numeric"
                                            prop:value=move || q.get()
                                            on:change=move |ev| q.set(event_target_value(&ev))
                                        />
                                        <DynFieldError
                                            errors=credit_errors
                                            field=format!("lines.{i}.quantity")
                                        />
                                    </div>
                                }
                            })
                            .collect_view()}
                        <div class="field">
                            <label for="credit-reason">{t!(i18n, erp.reason)}</label>
                            <input
                                id="credit-reason"
                                class="input"
                                prop:value=move || credit_reason.get()
                                on:change=move |ev| credit_reason.set(event_target_value(&ev))
                            />
                            <FieldError errors=credit_errors field="reason" />
                        </div>
                        <FormErrors errors=credit_errors field="form" />
                        <button
                            type="submit"
                            class="btn btn-secondary"
                            disabled=move || credit.pending().get()
                        >
                            {t!(i18n, money.issue_credit_note)}
                        </button>
                    </form>
                    <form
                        class="card no-print"
                        novalidate
                        data-testid="cancel-invoice-form"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            cancel
                                .dispatch(api::CancelInvoice {
                                    id: invoice_id,
                                    reason: cancel_reason.get_untracked(),
                                });
                        }
                    >
                        <h2 class="card-title">{t!(i18n, money.cancel_invoice)}</h2>
                        <div class="field">
                            <label for="cancel-reason">{t!(i18n, erp.reason)}</label>
                            <input
                                id="cancel-reason"
                                class="input"
                                prop:value=move || cancel_reason.get()
                                on:change=move |ev| cancel_reason.set(event_target_value(&ev))
                            />
                            <FieldError errors=cancel_errors field="reason" />
                        </div>
                        <FormErrors errors=cancel_errors field="form" />
                        <button
                            type="submit"
                            class="btn btn-danger"
                            disabled=move || cancel.pending().get()
                        >
                            {t!(i18n, money.cancel_invoice)}
                        </button>
                    </form>
                }
            })}
    }
}

/// An order's invoices, and invoicing what has shipped (order page).
#[component]
pub fn OrderInvoices(order_id: i64, state: String) -> impl IntoView {
    let i18n = use_i18n();
    let me = crate::auth::use_me();
    let can = move |code: &str| me.as_ref().is_some_and(|m| m.can(code));
    let reads = can("invoices.read") || can("invoices.read_all");
    let raises = can("invoices.write") && (state == "partially_shipped" || state == "shipped");
    // Only users who may read invoices ask for them.
    let list = Resource::new(
        move || (order_id, reads),
        |(id, reads)| async move {
            if reads {
                api::list_invoices(None, None, Some(id), 1).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    reads.then(|| view! {
        <section class="card" aria-labelledby="order-invoices-title">
            <h2 id="order-invoices-title" class="card-title">
                {t!(i18n, money.invoices)}
            </h2>
            <Transition fallback=loading>
                {move || {
                    list.get()
                        .map(|r| {
                            r.map(|page| {
                                page.map(|page| {
                                    view! {
                                        {page
                                            .items
                                            .is_empty()
                                            .then(|| {
                                                view! { <Empty>{t!(i18n, crm.nothing_yet)}</Empty> }
                                            })}
                                        {(!page.items.is_empty())
                                            .then(|| view! { <InvoiceTable rows=page.items /> })}
                                    }
                                })
                            })
                        })
                }}
            </Transition>
            {raises.then(|| view! { <RaiseInvoice order_id /> })}
        </section>
    })
}

/// Invoicing one shipped shipment (shipment page).
#[component]
pub fn ShipmentInvoice(order_id: i64, shipment_id: i64) -> impl IntoView {
    let me = crate::auth::use_me();
    me.as_ref()
        .is_some_and(|m| m.can("invoices.write"))
        .then(|| view! { <RaiseInvoice order_id shipment_id /> })
}

/// A customer's invoices tab: aging and the invoice list.
#[component]
pub fn CustomerInvoices(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let aging = Resource::new(move || customer_id, |id| api::aging(Some(id)));
    let list = Resource::new(
        move || customer_id,
        |id| api::list_invoices(None, Some(id), None, 1),
    );
    view! {
        <section class="card">
            <h2 class="card-title">{t!(i18n, money.aging)}</h2>
            <Transition fallback=loading>
                {move || {
                    aging
                        .get()
                        .map(|r| match r {
                            Err(e) => {
                                view! {
                                    <p class="muted">
                                        {crate::components::forms::describe(&e, i18n)}
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(rows) => view! { <AgingTable rows /> }.into_any(),
                        })
                }}
            </Transition>
        </section>
        <section class="card">
            <Transition fallback=loading>
                {move || {
                    list.get()
                        .map(|r| match r {
                            Err(e) => {
                                view! {
                                    <p class="muted">
                                        {crate::components::forms::describe(&e, i18n)}
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(page) => {
                                view! {
                                    {page
                                        .items
                                        .is_empty()
                                        .then(|| {
                                            view! { <Empty>{t!(i18n, crm.nothing_yet)}</Empty> }
                                        })}
                                    <InvoiceTable rows=page.items />
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

/// A flag on the customer's page when invoices are overdue.
#[component]
pub fn OverdueFlag(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let me = crate::auth::use_me();
    let reads = me
        .as_ref()
        .is_some_and(|m| m.can("invoices.read") || m.can("invoices.read_all"));
    let aging = Resource::new(
        move || (customer_id, reads),
        |(id, reads)| async move {
            if reads {
                api::aging(Some(id)).await
            } else {
                Ok(Vec::new())
            }
        },
    );
    reads.then(|| view! {
        <Transition>
            {move || {
                aging
                    .get()
                    .and_then(Result::ok)
                    .map(|rows| {
                        let overdue: u64 = rows.iter().map(|a| a.overdue).sum();
                        (overdue > 0)
                            .then(|| {
                                view! {
                                    <p role="status" data-testid="overdue-flag">
                                        <a
                                            class="badge badge-danger"
                                            href=format!("/customers/{customer_id}?tab=invoices")
                                        >
                                            {t!(i18n, money.overdue_flag)}
                                            " "
                                            {overdue}
                                        </a>
                                    </p>
                                }
                            })
                    })
            }}
        </Transition>
    })
}
