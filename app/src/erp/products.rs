//! `/products`, `/products/new`, `/products/:id`, `/products/:id/edit`:
//! the product list, form and page with stock per warehouse, adjustments,
//! transfers and the move history.

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;

use super::{
    api, move_label,
    types::{AdjustForm, ProductForm, TransferForm},
    ErpTabs,
};
use crate::{
    auth::use_me,
    components::{
        forms::{FieldError, FormErrors},
        id_param, loading, use_list_query, CheckFilter, Col, Empty, FilterBar, ListTable, NewLink,
        PageHeader, PagedList, SearchFilter, SelectFilter,
    },
    i18n::*,
};

/// The filters `/products` keeps in its address.
const FILTERS: [&str; 3] = ["q", "category", "inactive"];

/// `/products`.
#[component]
pub fn ProductsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let inactive = move || query.get("inactive").is_some();
    let products = Resource::new(
        move || {
            (
                query.get("q"),
                query.get("category"),
                inactive(),
                query.page(),
            )
        },
        |(q, category, inactive, page)| api::list_products(q, category, inactive, page),
    );
    let categories = Resource::new(|| (), |_| api::product_categories());
    let can_write = use_me().is_some_and(|m| m.can("products.write"));
    let show_cost = use_me().is_some_and(|m| m.can("products.read_cost"));
    view! {
        <div class="page">
            <PageHeader title=move || { t_string!(i18n, erp.products) }>
                <NewLink allowed=can_write href="/products/new">
                    {t!(i18n, erp.new_product)}
                </NewLink>
            </PageHeader>
            <ErpTabs current="products" />
            <FilterBar>
                <SearchFilter id="product-search" name="q" label=t!(i18n, erp.search_products) />
                <SelectFilter id="product-category" name="category" label=t!(i18n, erp.category)>
                    <Transition>
                        {move || {
                            categories
                                .get()
                                .and_then(Result::ok)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|c| view! { <option value=c.clone()>{c.clone()}</option> })
                                .collect_view()
                        }}
                    </Transition>
                </SelectFilter>
                <CheckFilter
                    id="product-inactive"
                    name="inactive"
                    value="1"
                    label=t!(i18n, erp.include_inactive)
                    checked=inactive
                />
            </FilterBar>
            <ExportCsv
                name="products"
                headers=vec![
                    t_string!(i18n, erp.sku).to_owned(),
                    t_string!(i18n, admin.name).to_owned(),
                    t_string!(i18n, erp.category).to_owned(),
                    t_string!(i18n, erp.unit).to_owned(),
                    t_string!(i18n, erp.list_price).to_owned(),
                    t_string!(i18n, erp.cost_price).to_owned(),
                    t_string!(i18n, erp.tax_rate_percent).to_owned(),
                    t_string!(i18n, erp.on_hand).to_owned(),
                    t_string!(i18n, erp.available).to_owned(),
                ]
                run=move |headers| api::export_products(
                    query.get("q"),
                    query.get("category"),
                    inactive(),
                    headers,
                )
            />
            <PagedList
                list=products
                link=query.pager("/products", &FILTERS)
                counted=t!(i18n, erp.products_found)
                count_testid="product-count"
                let:items
            >
                <ListTable
                    testid="products"
                    head=view! {
                        <Col>{t!(i18n, erp.sku)}</Col>
                        <Col>{t!(i18n, admin.name)}</Col>
                        <Col>{t!(i18n, erp.category)}</Col>
                        <Col num=true>{t!(i18n, erp.list_price)}</Col>
                        {show_cost
                            .then(|| view! { <Col num=true>{t!(i18n, erp.cost_price)}</Col> })}
                        <Col num=true>{t!(i18n, erp.on_hand)}</Col>
                        <Col num=true>{t!(i18n, erp.available)}</Col>
                    }
                >
                    {items
                        .into_iter()
                        .map(|p| {
                            view! {
                                <tr>
                                    <td>
                                        <code>{p.sku}</code>
                                    </td>
                                    <td>
                                        <a href=format!("/products/{}", p.id)>{p.name}</a>
                                        {(!p.active)
                                            .then(|| {
                                                view! {
                                                    " "
                                                    <span class="badge">{t!(i18n, erp.inactive)}</span>
                                                }
                                            })}
                                    </td>
                                    <td>{p.category}</td>
                                    <td class="num">{p.list_price}</td>
                                    {show_cost
                                        .then(|| {
                                            view! {
                                                <td class="num">{p.cost_price.unwrap_or_default()}</td>
                                            }
                                        })}
                                    <td class="num">
                                        {p.on_hand} " " <span class="muted small">{p.unit}</span>
                                    </td>
                                    <td class="num">{p.available}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </ListTable>
            </PagedList>
        </div>
    }
}

/// The product form's fields.
#[component]
fn ProductFields(
    form: RwSignal<ProductForm>,
    errors: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let show_cost = use_me().is_some_and(|m| m.can("products.read_cost"));
    let categories = Resource::new(|| (), |_| api::product_categories());
    macro_rules! field {
        ($id:literal, $field:ident, $label:expr, $kind:literal) => {
            view! {
                <div class="field">
                    <label for=$id>{$label}</label>
                    <input id=$id class="input" type=$kind
                        prop:value=move || form.read().$field.clone()
                        on:change=move |ev| form.update(|f| f.$field = event_target_value(&ev))/>
                    <FieldError errors field=stringify!($field)/>
                </div>
            }
        };
    }
    view! {
        {field!("product-sku", sku, t!(i18n, erp.sku), "text")}
        {field!("product-name", name, t!(i18n, admin.name), "text")}
        <div class="field">
            <label for="product-category-input">{t!(i18n, erp.category)}</label>
            <input
                id="product-category-input"
                class="input"
                type="text"
                list="product-categories"
                prop:value=move || form.read().category.clone()
                on:change=move |ev| form.update(|f| f.category = event_target_value(&ev))
            />
            <datalist id="product-categories">
                <Transition>
                    {move || {
                        categories
                            .get()
                            .and_then(Result::ok)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|c| view! { <option value=c /> })
                            .collect_view()
                    }}
                </Transition>
            </datalist>
            <FieldError errors field="category" />
        </div>
        {field!("product-unit", unit, t!(i18n, erp.unit), "text")}
        {field!("product-price", list_price, t!(i18n, erp.list_price), "text")}
        {show_cost.then(|| field!("product-cost", cost_price, t!(i18n, erp.cost_price), "text"))}
        {field!("product-tax", tax_rate, t!(i18n, erp.tax_rate_percent), "text")}
        {field!("product-barcode", barcode, t!(i18n, erp.barcode), "text")}
        <div class="field">
            <label for="product-description">{t!(i18n, erp.description)}</label>
            <textarea
                id="product-description"
                class="input"
                rows="4"
                prop:value=move || form.read().description.clone()
                on:change=move |ev| form.update(|f| f.description = event_target_value(&ev))
            ></textarea>
            <FieldError errors field="description" />
        </div>
        <div class="check">
            <input
                id="product-active"
                type="checkbox"
                prop:checked=move || form.read().active
                on:change=move |ev| form.update(|f| f.active = event_target_checked(&ev))
            />
            <label for="product-active">{t!(i18n, erp.active)}</label>
        </div>
    }
}

/// `/products/new`.
#[component]
pub fn NewProductPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<api::CreateProduct>::new();
    let form = RwSignal::new(ProductForm {
        unit: "pcs".into(),
        tax_rate: "19".into(),
        active: true,
        ..Default::default()
    });
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let _ = window().location().set_href(&format!("/products/{id}"));
        }
    });
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, erp.new_product).to_owned()
        }) />
        <div class="page page-narrow">
            <header class="page-header">
                <h1>{t!(i18n, erp.new_product)}</h1>
            </header>
            <form
                class="card"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    create
                        .dispatch(api::CreateProduct {
                            form: form.get_untracked(),
                        });
                }
            >
                <ProductFields form errors />
                <FormErrors errors field="form" />
                <button type="submit" class="btn btn-primary">
                    {t!(i18n, common.save)}
                </button>
            </form>
        </div>
    }
}

/// `/products/:id/edit`.
#[component]
pub fn EditProductPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let update = ServerAction::<api::UpdateProduct>::new();
    let product = Resource::new(id, api::get_product);
    let errors = Signal::derive(move || update.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            let _ = window().location().set_href(&format!("/products/{}", id()));
        }
    });
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, erp.edit_product).to_owned()
        }) />
        <div class="page page-narrow">
            <header class="page-header">
                <h1>{t!(i18n, erp.edit_product)}</h1>
            </header>
            <Transition fallback=loading>
                {move || {
                    product
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(d) => {
                                let form = RwSignal::new(ProductForm {
                                    sku: d.product.sku.clone(),
                                    name: d.product.name.clone(),
                                    description: d.description.clone(),
                                    category: d.product.category.clone(),
                                    unit: d.product.unit.clone(),
                                    list_price: d.product.list_price.replace(',', ""),
                                    cost_price: d
                                        .product
                                        .cost_price
                                        .clone()
                                        .unwrap_or_default()
                                        .replace(',', ""),
                                    tax_rate: d.product.tax_rate.clone(),
                                    barcode: d.barcode.clone().unwrap_or_default(),
                                    active: d.product.active,
                                });
                                view! {
                                    <form
                                        class="card"
                                        novalidate
                                        on:submit=move |ev| {
                                            ev.prevent_default();
                                            update
                                                .dispatch(api::UpdateProduct {
                                                    id: id(),
                                                    form: form.get_untracked(),
                                                });
                                        }
                                    >
                                        <ProductFields form errors />
                                        <FormErrors errors field="form" />
                                        <button type="submit" class="btn btn-primary">
                                            {t!(i18n, common.save)}
                                        </button>
                                    </form>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// `/products/:id`.
#[component]
pub fn ProductPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let query = use_list_query();
    let adjust = ServerAction::<api::AdjustStock>::new();
    let transfer = ServerAction::<api::TransferStock>::new();
    let product = Resource::new(
        move || (id(), adjust.version().get(), transfer.version().get()),
        |(id, _, _)| api::get_product(id),
    );
    let moves = Resource::new(
        move || {
            (
                id(),
                query.page(),
                adjust.version().get(),
                transfer.version().get(),
            )
        },
        |(id, page, _, _)| api::product_moves(id, page),
    );
    let can_stock = use_me().is_some_and(|m| m.can("stock.read"));
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, erp.products).to_owned()
        }) />
        <div class="page">
            <ErpTabs current="products" />
            <Transition fallback=loading>
                {move || {
                    product
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(d) => {
                                let p = d.product.clone();
                                let levels = d.levels.clone().unwrap_or_default();
                                let warehouses: Vec<(i64, String)> = levels
                                    .iter()
                                    .map(|l| (l.warehouse_id, format!("{} · {}", l.code, l.name)))
                                    .collect();
                                view! {
                                    <header class="page-header page-header-row">
                                        <div>
                                            <h1 data-testid="product-name">{p.name.clone()}</h1>
                                            <p class="muted">
                                                <code>{p.sku.clone()}</code>
                                                " · "
                                                {p.category.clone()}
                                                {(!p.active)
                                                    .then(|| {
                                                        view! {
                                                            " "
                                                            <span class="badge">{t!(i18n, erp.inactive)}</span>
                                                        }
                                                    })}
                                            </p>
                                        </div>
                                        {d
                                            .can_write
                                            .then(|| {
                                                view! {
                                                    <a
                                                        class="btn btn-secondary"
                                                        href=format!("/products/{}/edit", p.id)
                                                    >
                                                        {t!(i18n, erp.edit_product)}
                                                    </a>
                                                }
                                            })}
                                    </header>
                                    <section class="card">
                                        <dl class="facts">
                                            <dt>{t!(i18n, erp.list_price)}</dt>
                                            <dd>{p.list_price.clone()}</dd>
                                            {p
                                                .cost_price
                                                .clone()
                                                .map(|c| {
                                                    view! {
                                                        <dt>{t!(i18n, erp.cost_price)}</dt>
                                                        <dd data-testid="cost-price">{c}</dd>
                                                    }
                                                })}
                                            <dt>{t!(i18n, erp.tax_rate_percent)}</dt>
                                            <dd>{p.tax_rate.clone()}</dd>
                                            <dt>{t!(i18n, erp.unit)}</dt>
                                            <dd>{p.unit.clone()}</dd>
                                            <dt>{t!(i18n, erp.barcode)}</dt>
                                            <dd>{d.barcode.clone().unwrap_or_default()}</dd>
                                        </dl>
                                        <p class="pre">{d.description.clone()}</p>
                                    </section>
                                    {d
                                        .levels
                                        .is_some()
                                        .then(|| {
                                            view! {
                                                <section class="card" aria-labelledby="stock-title">
                                                    <h2 id="stock-title" class="card-title">
                                                        {t!(i18n, erp.stock)}
                                                    </h2>
                                                    <ListTable
                                                        testid="levels"
                                                        head=view! {
                                                            <Col>{t!(i18n, erp.warehouse)}</Col>
                                                            <Col num=true>{t!(i18n, erp.on_hand)}</Col>
                                                            <Col num=true>{t!(i18n, erp.reserved)}</Col>
                                                            <Col num=true>{t!(i18n, erp.available)}</Col>
                                                        }
                                                    >
                                                        {levels
                                                            .into_iter()
                                                            .map(|l| {
                                                                view! {
                                                                    <tr data-warehouse=l.code.clone()>
                                                                        <th scope="row">{format!("{} · {}", l.code, l.name)}</th>
                                                                        <td class="num" data-col="on_hand">
                                                                            {l.on_hand}
                                                                        </td>
                                                                        <td class="num" data-col="reserved">
                                                                            {l.reserved}
                                                                        </td>
                                                                        <td class="num" data-col="available">
                                                                            {l.available}
                                                                        </td>
                                                                    </tr>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </ListTable>
                                                </section>
                                            }
                                        })}
                                    <div class="grid grid-2">
                                        {d
                                            .can_adjust
                                            .then(|| {
                                                view! {
                                                    <Adjust
                                                        product_id=p.id
                                                        warehouses=warehouses.clone()
                                                        action=adjust
                                                    />
                                                }
                                            })}
                                        {d
                                            .can_transfer
                                            .then(|| {
                                                view! {
                                                    <Transfer
                                                        product_id=p.id
                                                        warehouses=warehouses.clone()
                                                        action=transfer
                                                    />
                                                }
                                            })}
                                    </div>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            {move || view! { <crate::money::purchasing::ProductSupply product_id=id() /> }}
            {can_stock
                .then(|| {
                    view! {
                        <section class="card" aria-labelledby="moves-title">
                            <h2 id="moves-title" class="card-title">
                                {t!(i18n, erp.moves)}
                            </h2>
                            <PagedList
                                list=moves
                                link=move |target: u64| format!("/products/{}?page={target}", id())
                                let:items
                            >
                                {items
                                    .is_empty()
                                    .then(|| view! { <Empty>{t!(i18n, crm.nothing_yet)}</Empty> })}
                                <ListTable
                                    testid="moves"
                                    head=view! {
                                        <Col>{t!(i18n, erp.when)}</Col>
                                        <Col>{t!(i18n, erp.warehouse)}</Col>
                                        <Col>{t!(i18n, erp.kind)}</Col>
                                        <Col num=true>{t!(i18n, erp.quantity)}</Col>
                                        <Col>{t!(i18n, erp.document)}</Col>
                                        <Col>{t!(i18n, erp.reason)}</Col>
                                        <Col>{t!(i18n, erp.by)}</Col>
                                    }
                                >
                                    {items
                                        .into_iter()
                                        .map(|m| {
                                            view! {
                                                <tr>
                                                    <td class="small">{m.at}</td>
                                                    <td>{m.warehouse}</td>
                                                    <td>{move_label(&m.kind, i18n)}</td>
                                                    <td class="num">
                                                        {if m.quantity > 0 {
                                                            format!("+{}", m.quantity)
                                                        } else {
                                                            m.quantity.to_string()
                                                        }}
                                                    </td>
                                                    <td>
                                                        {match m.doc_link {
                                                            Some(href) => {
                                                                view! { <a href=href>{m.doc_number}</a> }.into_any()
                                                            }
                                                            None => view! { <span>{m.doc_number}</span> }.into_any(),
                                                        }}
                                                    </td>
                                                    <td>{m.reason}</td>
                                                    <td>{m.actor.unwrap_or_default()}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </ListTable>
                            </PagedList>
                        </section>
                    }
                })}
        </div>
    }
}

/// The stock adjustment form.
#[component]
fn Adjust(
    product_id: i64,
    warehouses: Vec<(i64, String)>,
    action: ServerAction<api::AdjustStock>,
) -> impl IntoView {
    let i18n = use_i18n();
    let first = warehouses
        .first()
        .map(|w| w.0.to_string())
        .unwrap_or_default();
    let form = RwSignal::new(AdjustForm {
        warehouse_id: first,
        ..Default::default()
    });
    let errors = Signal::derive(move || action.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            form.update(|f| {
                f.quantity.clear();
                f.reason.clear();
            });
        }
    });
    view! {
        <form
            class="card"
            novalidate
            data-testid="adjust"
            on:submit=move |ev| {
                ev.prevent_default();
                action
                    .dispatch(api::AdjustStock {
                        product_id,
                        form: form.get_untracked(),
                    });
            }
        >
            <h2 class="card-title">{t!(i18n, erp.adjust_stock)}</h2>
            <div class="field">
                <label for="adjust-warehouse">{t!(i18n, erp.warehouse)}</label>
                <select
                    id="adjust-warehouse"
                    class="select"
                    prop:value=move || form.read().warehouse_id.clone()
                    on:change=move |ev| form.update(|f| f.warehouse_id = event_target_value(&ev))
                >
                    {warehouses
                        .iter()
                        .map(|(id, name)| {
                            view! { <option value=id.to_string()>{name.clone()}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError errors field="warehouse_id" />
            </div>
            <div class="field">
                <label for="adjust-quantity">{t!(i18n, erp.adjust_quantity)}</label>
                <input
                    id="adjust-quantity"
                    class="input"
                    type="text"
                    inputmode="numeric"
                    prop:value=move || form.read().quantity.clone()
                    on:change=move |ev| form.update(|f| f.quantity = event_target_value(&ev))
                />
                <FieldError errors field="quantity" />
            </div>
            <div class="field">
                <label for="adjust-reason">{t!(i18n, erp.reason)}</label>
                <input
                    id="adjust-reason"
                    class="input"
                    type="text"
                    prop:value=move || form.read().reason.clone()
                    on:change=move |ev| form.update(|f| f.reason = event_target_value(&ev))
                />
                <FieldError errors field="reason" />
            </div>
            <FormErrors errors field="form" />
            <button type="submit" class="btn btn-secondary">
                {t!(i18n, erp.adjust)}
            </button>
        </form>
    }
}

/// The stock transfer form.
#[component]
fn Transfer(
    product_id: i64,
    warehouses: Vec<(i64, String)>,
    action: ServerAction<api::TransferStock>,
) -> impl IntoView {
    let i18n = use_i18n();
    let from = warehouses
        .first()
        .map(|w| w.0.to_string())
        .unwrap_or_default();
    let to = warehouses
        .get(1)
        .map(|w| w.0.to_string())
        .unwrap_or_default();
    let form = RwSignal::new(TransferForm {
        from_warehouse_id: from,
        to_warehouse_id: to,
        ..Default::default()
    });
    let errors = Signal::derive(move || action.value().get().and_then(Result::err));
    let done = move || action.value().get().and_then(Result::ok);
    let options = warehouses.clone();
    view! {
        <form
            class="card"
            novalidate
            data-testid="transfer"
            on:submit=move |ev| {
                ev.prevent_default();
                action
                    .dispatch(api::TransferStock {
                        product_id,
                        form: form.get_untracked(),
                    });
            }
        >
            <h2 class="card-title">{t!(i18n, erp.transfer_stock)}</h2>
            <div class="field">
                <label for="transfer-from">{t!(i18n, erp.from_warehouse)}</label>
                <select
                    id="transfer-from"
                    class="select"
                    prop:value=move || form.read().from_warehouse_id.clone()
                    on:change=move |ev| {
                        form.update(|f| f.from_warehouse_id = event_target_value(&ev))
                    }
                >
                    {warehouses
                        .iter()
                        .map(|(id, name)| {
                            view! { <option value=id.to_string()>{name.clone()}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError errors field="from_warehouse_id" />
            </div>
            <div class="field">
                <label for="transfer-to">{t!(i18n, erp.to_warehouse)}</label>
                <select
                    id="transfer-to"
                    class="select"
                    prop:value=move || form.read().to_warehouse_id.clone()
                    on:change=move |ev| form.update(|f| f.to_warehouse_id = event_target_value(&ev))
                >
                    {options
                        .iter()
                        .map(|(id, name)| {
                            view! { <option value=id.to_string()>{name.clone()}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError errors field="to_warehouse_id" />
            </div>
            <div class="field">
                <label for="transfer-quantity">{t!(i18n, erp.quantity)}</label>
                <input
                    id="transfer-quantity"
                    class="input"
                    type="text"
                    inputmode="numeric"
                    prop:value=move || form.read().quantity.clone()
                    on:change=move |ev| form.update(|f| f.quantity = event_target_value(&ev))
                />
                <FieldError errors field="quantity" />
            </div>
            <div class="field">
                <label for="transfer-reason">{t!(i18n, erp.reason_optional)}</label>
                <input
                    id="transfer-reason"
                    class="input"
                    type="text"
                    prop:value=move || form.read().reason.clone()
                    on:change=move |ev| form.update(|f| f.reason = event_target_value(&ev))
                />
                <FieldError errors field="reason" />
            </div>
            <FormErrors errors field="form" />
            {move || {
                done()
                    .map(|n| {
                        view! {
                            <p class="notice" role="status">
                                {t!(i18n, erp.transferred)}
                                " "
                                <code>{n}</code>
                            </p>
                        }
                    })
            }}
            <button type="submit" class="btn btn-secondary">
                {t!(i18n, erp.transfer)}
            </button>
        </form>
    }
}
