//! Server functions of products, stock, warehouses, orders and shipments.
//! Each parses its form in `convert`, calls one domain service (which
//! checks permission and record scope) and converts its answer there.

use leptos::prelude::*;
use server_fn::codec::Json;
#[cfg(feature = "ssr")]
use tandem_domain::{
    inventory::{product_page, products, sourcing, stock, warehouses},
    sales::{orders, shipments},
};

use super::types::*;
use crate::{admin::types::PageView, error::AppError};

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use tandem_domain::{
        access::Actor,
        entities,
        inventory::{product_page, products, stock, warehouses},
        messages,
        money::{format_minor, format_rate, parse_minor, parse_rate},
        parse::Form,
        sales::{orders, shipments},
        Error, FieldErrors,
    };

    use super::*;
    use crate::ssr::local_time;

    /// The list filter; dates must read YYYY-MM-DD.
    pub fn order_filter(q: OrderQuery) -> Result<orders::OrderFilter, Error> {
        let mut read = Form::new();
        let from = read.date("from", q.from.as_deref().unwrap_or_default());
        let to = read.date("to", q.to.as_deref().unwrap_or_default());
        read.finish(())?;
        Ok(orders::OrderFilter {
            state: q.state,
            customer_id: q.customer,
            owner_id: q.owner,
            search: q.q,
            from,
            to,
            warehouse_id: q.warehouse,
            team_id: q.team,
            segment: q.segment,
            after: None,
        })
    }

    pub fn merge<T>(result: tandem_domain::Result<T>, errors: &mut FieldErrors) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(Error::Validation(f)) => {
                errors.extend(f);
                None
            }
            Err(_) => None,
        }
    }

    pub fn finish<T>(errors: FieldErrors, value: T) -> Result<T, AppError> {
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(Error::Validation(errors).into())
        }
    }

    pub fn quantity(text: &str, field: &str, message: &str, errors: &mut FieldErrors) -> i64 {
        match text.trim().replace([',', ' '], "").parse::<i64>() {
            Ok(q) => q,
            Err(_) => {
                errors.insert(field.into(), message.into());
                0
            }
        }
    }

    /// The product list's filter.
    pub fn product_filter(
        search: Option<String>,
        category: Option<String>,
        include_inactive: bool,
    ) -> products::ProductFilter {
        products::ProductFilter {
            search,
            category,
            include_inactive,
            after: None,
        }
    }

    pub fn product_row(p: products::Product, on_hand: i64, reserved: i64) -> ProductRow {
        ProductRow {
            id: p.id,
            sku: p.sku,
            name: p.name,
            category: p.category,
            unit: p.unit,
            list_price: format_minor(p.list_price_minor),
            cost_price: p.cost_price_minor.map(format_minor),
            tax_rate: format_rate(p.tax_rate_bp),
            active: p.active,
            on_hand,
            available: on_hand - reserved,
        }
    }

    /// A product's page; its totals are the sums of the levels shown.
    pub fn product_detail(page: product_page::ProductPage) -> ProductDetail {
        let levels: Option<Vec<LevelRow>> = page
            .levels
            .map(|levels| levels.into_iter().map(level_row).collect());
        let (on_hand, reserved) = levels
            .iter()
            .flatten()
            .fold((0, 0), |(h, r), l| (h + l.on_hand, r + l.reserved));
        let p = page.product;
        ProductDetail {
            description: p.description.clone(),
            barcode: p.barcode.clone(),
            product: product_row(p, on_hand, reserved),
            levels,
            can_write: page.abilities.write,
            can_adjust: page.abilities.adjust,
            can_transfer: page.abilities.transfer,
        }
    }

    pub fn level_row(l: stock::LevelRow) -> LevelRow {
        LevelRow {
            warehouse_id: l.warehouse.id,
            code: l.warehouse.code,
            name: l.warehouse.name,
            on_hand: l.on_hand,
            reserved: l.reserved,
            available: l.on_hand - l.reserved,
        }
    }

    /// The product form; the cost is read only from those who may see costs.
    pub fn product_input(
        form: ProductForm,
        actor: &Actor,
    ) -> Result<products::ProductInput, AppError> {
        let mut errors = FieldErrors::new();
        let list = merge(parse_minor(&form.list_price, "list_price"), &mut errors).unwrap_or(0);
        let cost = if products::cost_visible(actor) {
            merge(parse_minor(&form.cost_price, "cost_price"), &mut errors)
        } else {
            None
        };
        let tax = merge(parse_rate(&form.tax_rate, "tax_rate"), &mut errors).unwrap_or(0);
        let input = products::ProductInput {
            sku: form.sku,
            name: form.name,
            description: form.description,
            category: form.category,
            unit: form.unit,
            list_price_minor: list,
            cost_price_minor: cost,
            tax_rate_bp: tax,
            barcode: form.barcode,
            active: form.active,
        };
        finish(errors, input)
    }

    /// The adjustment form of `product_id`.
    pub fn adjust_input(product_id: i64, form: AdjustForm) -> Result<stock::AdjustInput, AppError> {
        let mut errors = FieldErrors::new();
        let warehouse_id = quantity(
            &form.warehouse_id,
            "warehouse_id",
            messages::WAREHOUSE_MISSING,
            &mut errors,
        );
        let input = stock::AdjustInput {
            product_id,
            warehouse_id,
            quantity: quantity(
                &form.quantity,
                "quantity",
                messages::ADJUST_RANGE,
                &mut errors,
            ),
            reason: form.reason,
        };
        finish(errors, input)
    }

    /// The transfer form of `product_id`.
    pub fn transfer_input(
        product_id: i64,
        form: TransferForm,
    ) -> Result<stock::TransferInput, AppError> {
        let mut errors = FieldErrors::new();
        let from_warehouse_id = quantity(
            &form.from_warehouse_id,
            "from_warehouse_id",
            messages::WAREHOUSE_MISSING,
            &mut errors,
        );
        let to_warehouse_id = quantity(
            &form.to_warehouse_id,
            "to_warehouse_id",
            messages::WAREHOUSE_MISSING,
            &mut errors,
        );
        let input = stock::TransferInput {
            product_id,
            from_warehouse_id,
            to_warehouse_id,
            quantity: quantity(
                &form.quantity,
                "quantity",
                messages::QUANTITY_RANGE,
                &mut errors,
            ),
            reason: form.reason,
        };
        finish(errors, input)
    }

    pub fn warehouse_row(w: entities::warehouses::Model) -> WarehouseRow {
        WarehouseRow {
            id: w.id,
            code: w.code,
            name: w.name,
            address: w.address,
            active: w.active,
        }
    }

    pub fn warehouse_input(form: WarehouseForm) -> warehouses::WarehouseInput {
        warehouses::WarehouseInput {
            code: form.code,
            name: form.name,
            address: form.address,
            active: form.active,
        }
    }

    /// A product offered to the quote builder.
    pub fn offer(o: products::Offer) -> Offer {
        Offer {
            id: o.product.id,
            sku: o.product.sku,
            name: o.product.name,
            unit: o.product.unit,
            list_price: format_minor(o.product.list_price_minor).replace(',', ""),
            tax_rate: format_rate(o.product.tax_rate_bp),
            available: o.available,
        }
    }

    pub fn lines(form: &QuoteForm) -> Result<Vec<orders::LineInput>, AppError> {
        let mut errors = FieldErrors::new();
        let mut out = Vec::with_capacity(form.lines.len());
        for (i, l) in form.lines.iter().enumerate() {
            let quantity = quantity(
                &l.quantity,
                &format!("lines.{i}.quantity"),
                messages::QUANTITY_RANGE,
                &mut errors,
            );
            let price_field = format!("lines.{i}.unit_price");
            let unit_price = if l.unit_price.trim().is_empty() {
                None
            } else {
                merge(parse_minor(&l.unit_price, &price_field), &mut errors)
            };
            let discount = merge(
                parse_rate(&l.discount, &format!("lines.{i}.discount")),
                &mut errors,
            )
            .unwrap_or(0);
            let tax_rate = if l.tax_rate.trim().is_empty() {
                None
            } else {
                merge(
                    parse_rate(&l.tax_rate, &format!("lines.{i}.tax_rate")),
                    &mut errors,
                )
            };
            out.push(orders::LineInput {
                product_id: l.product_id,
                quantity,
                unit_price_minor: unit_price,
                discount_bp: discount,
                tax_rate_bp: tax_rate,
            });
        }
        finish(errors, out)
    }

    pub fn order_input(form: QuoteForm) -> Result<orders::OrderInput, AppError> {
        let lines = lines(&form);
        let mut errors = FieldErrors::new();
        let mut read = Form::new();
        let ship_by = read.date("ship_by", &form.ship_by);
        if let Err(Error::Validation(f)) = read.finish(()) {
            errors.extend(f);
        }
        let lines = match lines {
            Ok(l) => l,
            Err(AppError::Validation(f)) => {
                errors.extend(f);
                Vec::new()
            }
            Err(other) => return Err(other),
        };
        finish(
            errors,
            orders::OrderInput {
                customer_id: form.customer_id,
                warehouse_id: form.warehouse_id,
                ship_by,
                notes: form.notes,
                owner_id: None,
                lines,
            },
        )
    }

    /// A quote priced live.
    pub fn quote_preview(p: orders::Preview) -> QuotePreview {
        QuotePreview {
            lines: p
                .lines
                .into_iter()
                .map(|l| LinePreview {
                    net: format_minor(l.net_minor),
                    tax: format_minor(l.tax_minor),
                    available: l.available,
                    elsewhere: l.elsewhere.map(|e| StockElsewhere {
                        warehouse_id: e.warehouse_id,
                        code: e.code,
                        available: e.available,
                    }),
                })
                .collect(),
            subtotal: format_minor(p.subtotal_minor),
            tax: format_minor(p.tax_minor),
            total: format_minor(p.total_minor),
        }
    }

    pub fn order_row(r: orders::OrderRow) -> OrderRow {
        let o = r.order;
        OrderRow {
            id: o.id,
            awaiting_approval: o.state == orders::OrderState::Draft
                && !o.approval_reason.is_empty()
                && o.approved_by.is_none(),
            number: o.number,
            customer_id: o.customer_id,
            customer: r.customer_name,
            state: o.state.as_str().into(),
            total: format_minor(o.total_minor),
            currency: o.currency,
            ship_by: o.ship_by.to_string(),
            created: local_time(o.created_at),
        }
    }

    pub fn order_view(page: orders::OrderPage) -> OrderView {
        let orders::OrderPage {
            detail: d,
            approval_reason,
            abilities,
        } = page;
        let o = &d.order;
        let name = |id: Option<i64>| id.and_then(|i| d.names.get(&i).cloned());
        let mut history = vec![Step {
            kind: "created".into(),
            at: local_time(o.created_at),
            detail: name(o.created_by).unwrap_or_default(),
        }];
        if let Some(at) = o.approved_at {
            history.push(Step {
                kind: "approved".into(),
                at: local_time(at),
                detail: name(o.approved_by).unwrap_or_default(),
            });
        }
        if let Some(at) = o.confirmed_at {
            history.push(Step {
                kind: "confirmed".into(),
                at: local_time(at),
                detail: String::new(),
            });
        }
        for s in d.shipments.iter().filter(|s| s.state == shipments::SHIPPED) {
            if let Some(at) = s.shipped_at {
                history.push(Step {
                    kind: "shipped".into(),
                    at: local_time(at),
                    detail: format!("{} · {} {}", s.number, s.carrier, s.tracking)
                        .trim()
                        .to_owned(),
                });
            }
        }
        if let Some(at) = o.cancelled_at {
            history.push(Step {
                kind: "cancelled".into(),
                at: local_time(at),
                detail: o.cancel_reason.clone(),
            });
        }
        let state = d.state;
        OrderView {
            id: o.id,
            number: o.number.clone(),
            state: o.state.as_str().into(),
            customer_id: o.customer_id,
            customer: d.customer.name.clone(),
            warehouse_id: o.warehouse_id,
            warehouse: format!("{} · {}", d.warehouse.code, d.warehouse.name),
            owner: name(o.owner_id),
            currency: o.currency.clone(),
            subtotal: format_minor(o.subtotal_minor),
            tax: format_minor(o.tax_minor),
            total: format_minor(o.total_minor),
            ship_by: o.ship_by.to_string(),
            notes: o.notes.clone(),
            approval_reason,
            approved_by: name(o.approved_by),
            cancel_reason: o.cancel_reason.clone(),
            form: QuoteForm {
                customer_id: o.customer_id,
                warehouse_id: o.warehouse_id,
                ship_by: o.ship_by.to_string(),
                notes: o.notes.clone(),
                lines: d
                    .lines
                    .iter()
                    .map(|l| QuoteLine {
                        product_id: l.line.product_id,
                        sku: l.sku.clone(),
                        name: l.line.description.clone(),
                        quantity: l.line.quantity.to_string(),
                        unit_price: format_minor(l.line.unit_price_minor).replace(',', ""),
                        discount: format_rate(l.line.discount_bp),
                        tax_rate: format_rate(l.line.tax_rate_bp),
                    })
                    .collect(),
            },
            lines: d
                .lines
                .iter()
                .map(|l| OrderLineView {
                    id: l.line.id,
                    line_no: l.line.line_no,
                    product_id: l.line.product_id,
                    sku: l.sku.clone(),
                    description: l.line.description.clone(),
                    unit: l.unit.clone(),
                    quantity: l.line.quantity,
                    unit_price: format_minor(l.line.unit_price_minor),
                    discount: format_rate(l.line.discount_bp),
                    tax_rate: format_rate(l.line.tax_rate_bp),
                    net: format_minor(l.line.net_minor),
                    reserved: l.line.reserved,
                    shipped: l.line.shipped,
                    backordered: if state.holds_stock() {
                        l.backordered()
                    } else {
                        0
                    },
                    available: l.available,
                    in_shipments: l.in_shipments,
                })
                .collect(),
            shipments: d
                .shipments
                .iter()
                .map(|s| ShipmentSummary {
                    id: s.id,
                    number: s.number.clone(),
                    state: s.state.clone(),
                    carrier: s.carrier.clone(),
                    tracking: s.tracking.clone(),
                    created: local_time(s.created_at),
                    shipped: s.shipped_at.map(local_time),
                })
                .collect(),
            history,
            can_edit: abilities.edit,
            can_confirm: abilities.confirm,
            can_approve: abilities.approve,
            can_cancel: abilities.cancel,
            can_ship: abilities.ship,
        }
    }

    pub fn order_figures(f: orders::CustomerFigures) -> OrderFigures {
        OrderFigures {
            exposure: format_minor(f.exposure_minor),
            revenue: format_minor(f.revenue_minor),
            open_orders: f.open_orders,
        }
    }

    pub fn move_row(m: stock::MoveRow) -> MoveRow {
        let e = m.entry;
        MoveRow {
            id: e.id,
            at: local_time(e.created_at),
            warehouse: m.warehouse_code,
            kind: e.kind,
            quantity: e.quantity,
            reason: e.reason,
            doc_link: match (e.doc_type.as_str(), e.doc_id) {
                ("shipment", Some(id)) => Some(shipments::link(id)),
                _ => None,
            },
            doc_number: e.doc_number,
            actor: m.actor_name,
        }
    }

    /// A shipment's page with its picking list.
    pub fn shipment_view(d: shipments::ShipmentDetail, actor: &Actor) -> ShipmentView {
        let can_ship = shipments::can_ship(actor, &d.shipment);
        let s = d.shipment;
        ShipmentView {
            id: s.id,
            number: s.number,
            state: s.state,
            order_id: d.order.id,
            order_number: d.order.number,
            customer: d.customer.name,
            address: d.customer.address,
            warehouse: d.warehouse_code,
            carrier: s.carrier,
            tracking: s.tracking,
            created: local_time(s.created_at),
            shipped: s.shipped_at.map(local_time),
            can_ship,
            lines: d
                .lines
                .into_iter()
                .map(|l| PickLine {
                    sku: l.sku,
                    name: l.name,
                    unit: l.unit,
                    barcode: l.barcode,
                    quantity: l.line.quantity,
                })
                .collect(),
        }
    }

    pub fn to_ship_row(r: shipments::ToShip) -> ToShipRow {
        ToShipRow {
            order_id: r.order.id,
            number: r.order.number,
            customer: r.customer_name,
            ship_by: r.order.ship_by.to_string(),
            ready: r.ready,
            picking: r.picking,
            backordered: r.backordered,
        }
    }

    pub fn shipment_row(r: shipments::ShipmentRow) -> ShipmentRow {
        let s = r.shipment;
        ShipmentRow {
            id: s.id,
            number: s.number,
            state: s.state,
            order_id: s.order_id,
            order_number: r.order_number,
            customer: r.customer_name,
            carrier: s.carrier,
            tracking: s.tracking,
            at: local_time(s.shipped_at.unwrap_or(s.created_at)),
        }
    }

    pub fn difference(d: stock::Difference) -> LedgerDifference {
        LedgerDifference {
            sku: d.sku,
            warehouse: d.warehouse_code,
            field: d.field.to_owned(),
            stored: d.stored,
            computed: d.computed,
        }
    }
}

#[cfg(feature = "ssr")]
use crate::ssr::signed_in;

crate::authz!(
    "/api/products/list",
    Needs(ProductsRead),
    JSON,
    r#"{"q":null,"category":null,"inactive":false,"page":1}"#,
);
/// A page of products.
#[server(endpoint = "products/list", input = Json)]
pub async fn list_products(
    q: Option<String>,
    category: Option<String>,
    inactive: bool,
    page: u64,
) -> Result<PageView<ProductRow>, AppError> {
    products_page(convert::product_filter(q, category, inactive), page, 50).await
}

/// A page of products (the list and its export).
#[cfg(feature = "ssr")]
async fn products_page(
    filter: products::ProductFilter,
    page: u64,
    per_page: u64,
) -> Result<PageView<ProductRow>, AppError> {
    let state = crate::ssr::state()?;
    let found = products::list(&state.db, &signed_in()?, &filter, page, per_page).await?;
    Ok(PageView::from_page(found, |r| {
        convert::product_row(r.product, r.on_hand, r.reserved)
    }))
}

crate::authz!(
    "/api/products/export",
    Export(&[ProductsRead]),
    JSON,
    r#"{"q":null,"category":null,"inactive":false,"headers":[]}"#,
);
/// The product list (with stock) as CSV.
#[server(endpoint = "products/export", input = Json)]
pub async fn export_products(
    q: Option<String>,
    category: Option<String>,
    inactive: bool,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    let filter = convert::product_filter(q, category, inactive);
    let page = |n| products_page(filter.clone(), n, crate::exports::PAGE);
    crate::exports::export(headers, page).await
}

crate::authz!(
    "/api/products/categories",
    Needs(ProductsRead),
    JSON,
    r#"{}"#
);
/// Categories in use.
#[server(endpoint = "products/categories", input = Json)]
pub async fn product_categories() -> Result<Vec<String>, AppError> {
    let state = crate::ssr::state()?;
    Ok(products::categories(&state.db, &signed_in()?).await?)
}

crate::authz!(
    "/api/products/get",
    Needs(ProductsRead),
    JSON,
    r#"{"id":999999}"#
);
/// A product with its stock per warehouse.
#[server(endpoint = "products/get", input = Json)]
pub async fn get_product(id: i64) -> Result<ProductDetail, AppError> {
    let state = crate::ssr::state()?;
    let page = product_page::get(&state.db, &signed_in()?, id).await?;
    Ok(convert::product_detail(page))
}

crate::authz!(
    "/api/products/moves",
    Needs(StockRead),
    JSON,
    r#"{"id":999999,"page":1}"#
);
/// A product's stock moves, newest first.
#[server(endpoint = "products/moves", input = Json)]
pub async fn product_moves(id: i64, page: u64) -> Result<PageView<MoveRow>, AppError> {
    let state = crate::ssr::state()?;
    let found = stock::moves(&state.db, &signed_in()?, id, None, None, page, 25).await?;
    Ok(PageView::from_page(found, convert::move_row))
}

crate::authz!(
    "/api/products/create",
    Needs(ProductsWrite),
    JSON,
    r#"{"form":{"sku":"","name":"","description":"","category":"","unit":"","list_price":"","cost_price":"","tax_rate":"","barcode":"","active":true}}"#,
);
/// Creates a product.
#[server(endpoint = "products/create", input = Json)]
pub async fn create_product(form: ProductForm) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/products/create")?;
    let input = convert::product_input(form, &actor)?;
    let created = products::create(&state.db, &actor, &input).await?;
    Ok(created.id)
}

crate::authz!(
    "/api/products/update",
    Needs(ProductsWrite),
    JSON,
    r#"{"id":999999,"form":{"sku":"X-1","name":"X","description":"","category":"","unit":"pcs","list_price":"1","cost_price":"","tax_rate":"0","barcode":"","active":true}}"#,
);
/// Edits a product.
#[server(endpoint = "products/update", input = Json)]
pub async fn update_product(id: i64, form: ProductForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/products/update")?;
    let input = convert::product_input(form, &actor)?;
    products::update(&state.db, &actor, id, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/stock/adjust",
    Needs(StockAdjust),
    JSON,
    r#"{"product_id":999999,"form":{"warehouse_id":"","quantity":"","reason":""}}"#,
);
/// Adjusts a product's stock. The permission is asked before the form is
/// parsed, so a caller without it learns that, not the form's field errors.
#[server(endpoint = "stock/adjust", input = Json)]
pub async fn adjust_stock(product_id: i64, form: AdjustForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/stock/adjust")?;
    let input = convert::adjust_input(product_id, form)?;
    stock::adjust(&state.db, &actor, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/stock/transfer",
    Needs(StockTransfer),
    JSON,
    r#"{"product_id":999999,"form":{"from_warehouse_id":"","to_warehouse_id":"","quantity":"","reason":""}}"#,
);
/// Transfers stock between warehouses. Returns the transfer's number. The
/// permission is asked before the form is parsed (as for an adjustment).
#[server(endpoint = "stock/transfer", input = Json)]
pub async fn transfer_stock(product_id: i64, form: TransferForm) -> Result<String, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/stock/transfer")?;
    let input = convert::transfer_input(product_id, form)?;
    Ok(stock::transfer(&state.db, &actor, &input).await?)
}

crate::authz!(
    "/api/warehouses/list",
    AnyOf(&[StockRead, ProductsRead, OrdersRead]),
    JSON,
    r#"{}"#
);
/// Every warehouse.
#[server(endpoint = "warehouses/list", input = Json)]
pub async fn list_warehouses() -> Result<Vec<WarehouseRow>, AppError> {
    let state = crate::ssr::state()?;
    let found = warehouses::list(&state.db, &signed_in()?).await?;
    Ok(found.into_iter().map(convert::warehouse_row).collect())
}

crate::authz!(
    "/api/warehouses/create",
    Needs(WarehousesWrite),
    JSON,
    r#"{"form":{"code":"","name":"","address":"","active":true}}"#,
);
/// Creates a warehouse.
#[server(endpoint = "warehouses/create", input = Json)]
pub async fn create_warehouse(form: WarehouseForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let input = convert::warehouse_input(form);
    warehouses::create(&state.db, &signed_in()?, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/warehouses/update",
    Needs(WarehousesWrite),
    JSON,
    r#"{"id":999999,"form":{"code":"ZZ","name":"Z","address":"","active":true}}"#,
);
/// Edits a warehouse.
#[server(endpoint = "warehouses/update", input = Json)]
pub async fn update_warehouse(id: i64, form: WarehouseForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let input = convert::warehouse_input(form);
    warehouses::update(&state.db, &signed_in()?, id, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/orders/products",
    Needs(ProductsRead),
    JSON,
    r#"{"q":"zzzz-none","warehouse_id":999999}"#,
);
/// Products whose name or SKU starts with `q`, with availability in the warehouse (the quote
/// builder's search).
#[server(endpoint = "orders/products", input = Json)]
pub async fn search_products(q: String, warehouse_id: i64) -> Result<Vec<Offer>, AppError> {
    let state = crate::ssr::state()?;
    let found = products::search(&state.db, &signed_in()?, &q, warehouse_id, 8).await?;
    Ok(found.into_iter().map(convert::offer).collect())
}

crate::authz!(
    "/api/orders/preview",
    Needs(OrdersWrite),
    JSON,
    r#"{"form":{"customer_id":0,"warehouse_id":999999,"ship_by":"","notes":"","lines":[]}}"#,
);
/// Prices a quote as it is written.
#[server(endpoint = "orders/preview", input = Json)]
pub async fn preview_quote(form: QuoteForm) -> Result<QuotePreview, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/orders/preview")?;
    let lines = convert::lines(&form)?;
    let preview = orders::preview(&state.db, &actor, form.warehouse_id, &lines).await?;
    Ok(convert::quote_preview(preview))
}

crate::authz!("/api/orders/defaults", Needs(OrdersWrite), JSON, r#"{}"#);
/// What a new quote starts with: the company's default warehouse (0 when none is active).
#[server(endpoint = "orders/defaults", input = Json)]
pub async fn quote_defaults() -> Result<QuoteStart, AppError> {
    let state = crate::ssr::state()?;
    let warehouse = sourcing::default_warehouse(&state.db, &signed_in()?).await?;
    let warehouse_id = warehouse.map_or(0, |w| w.id);
    Ok(QuoteStart { warehouse_id })
}

crate::authz!(
    "/api/orders/create",
    Needs(OrdersWrite),
    JSON,
    r#"{"form":{"customer_id":999999,"warehouse_id":999999,"ship_by":"","notes":"","lines":[]}}"#,
);
/// Creates a quote. Returns its id.
#[server(endpoint = "orders/create", input = Json)]
pub async fn create_order(form: QuoteForm) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/orders/create")?;
    let input = convert::order_input(form)?;
    let created = orders::create(&state.db, &actor, &input).await?;
    Ok(created.id)
}

crate::authz!(
    "/api/orders/update",
    Needs(OrdersWrite),
    JSON,
    r#"{"id":999999,"form":{"customer_id":999999,"warehouse_id":999999,"ship_by":"","notes":"","lines":[{"product_id":999999,"sku":"","name":"","quantity":"1","unit_price":"","discount":"0","tax_rate":""}]}}"#,
);
/// Rewrites a quote.
#[server(endpoint = "orders/update", input = Json)]
pub async fn update_order(id: i64, form: QuoteForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/orders/update")?;
    let input = convert::order_input(form)?;
    orders::update(&state.db, &actor, id, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/orders/list",
    AnyOf(&[OrdersRead, OrdersReadAll]),
    JSON,
    r#"{"query":{"q":null,"state":null,"customer":null,"owner":null,"warehouse":null,"team":null,"segment":null,"from":null,"to":null},"page":1}"#,
);
/// A page of orders in the user's scope.
#[server(endpoint = "orders/list", input = Json)]
pub async fn list_orders(query: OrderQuery, page: u64) -> Result<PageView<OrderRow>, AppError> {
    orders_page(query, page, 50).await
}

/// A page of orders (the list and its export).
#[cfg(feature = "ssr")]
async fn orders_page(
    query: OrderQuery,
    page: u64,
    per_page: u64,
) -> Result<PageView<OrderRow>, AppError> {
    let state = crate::ssr::state()?;
    let actor = signed_in()?;
    // The scope first: a reader who may not list orders is told so, not
    // which filter was wrong (orders::list checks it again).
    orders::scope_of(&actor)?;
    let filter = convert::order_filter(query)?;
    let found = orders::list(&state.reader, &actor, &filter, page, per_page).await?;
    Ok(PageView::from_page(found, convert::order_row))
}

crate::authz!(
    "/api/orders/export",
    Export(&[OrdersRead, OrdersReadAll]),
    JSON,
    r#"{"query":{"q":null,"state":null,"customer":null,"owner":null,"warehouse":null,"team":null,"segment":null,"from":null,"to":null},"headers":[]}"#,
);
/// The order list with `query` as CSV.
#[server(endpoint = "orders/export", input = Json)]
pub async fn export_orders(
    query: OrderQuery,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    let page = |n| orders_page(query.clone(), n, crate::exports::PAGE);
    crate::exports::export(headers, page).await
}

crate::authz!(
    "/api/orders/get",
    AnyOf(&[OrdersRead, OrdersReadAll]),
    JSON,
    r#"{"id":999999}"#
);
/// One order with lines, availability, shipments and history.
#[server(endpoint = "orders/get", input = Json)]
pub async fn get_order(id: i64) -> Result<OrderView, AppError> {
    let state = crate::ssr::state()?;
    let page = orders::page(&state.db, &signed_in()?, id).await?;
    Ok(convert::order_view(page))
}

crate::authz!(
    "/api/orders/confirm",
    Needs(OrdersConfirm),
    JSON,
    r#"{"id":999999}"#
);
/// Confirms a quote (reserves stock).
#[server(endpoint = "orders/confirm", input = Json)]
pub async fn confirm_order(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    orders::confirm(&state.db, &signed_in()?, id).await?;
    Ok(())
}

crate::authz!(
    "/api/orders/approve",
    Needs(OrdersApprove),
    JSON,
    r#"{"id":999999}"#
);
/// Approves a quote over the credit limit or discount threshold.
#[server(endpoint = "orders/approve", input = Json)]
pub async fn approve_order(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    orders::approve(&state.db, &signed_in()?, id).await?;
    Ok(())
}

crate::authz!(
    "/api/orders/cancel",
    AnyOf(&[OrdersWrite, OrdersCancel]),
    JSON,
    r#"{"id":999999,"reason":""}"#,
);
/// Cancels a quote (`orders.write`) or a confirmed order (`orders.cancel`).
#[server(endpoint = "orders/cancel", input = Json)]
pub async fn cancel_order(id: i64, reason: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    orders::cancel(&state.db, &signed_in()?, id, &reason).await?;
    Ok(())
}

crate::authz!(
    "/api/orders/reserve",
    Needs(OrdersConfirm),
    JSON,
    r#"{"id":999999}"#
);
/// Reserves newly available stock for backordered lines. Returns the units reserved.
#[server(endpoint = "orders/reserve", input = Json)]
pub async fn reserve_order(id: i64) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    Ok(orders::reserve_backorders(&state.db, &signed_in()?, id).await?)
}

crate::authz!(
    "/api/orders/customer-figures",
    AllOf(&[OrdersRead, CustomersRead]),
    JSON,
    r#"{"customer_id":999999}"#,
);
/// A customer's order figures.
#[server(endpoint = "orders/customer-figures", input = Json)]
pub async fn customer_order_figures(customer_id: i64) -> Result<OrderFigures, AppError> {
    let state = crate::ssr::state()?;
    let figures = orders::customer_figures(&state.db, &signed_in()?, customer_id).await?;
    Ok(convert::order_figures(figures))
}

crate::authz!(
    "/api/shipments/create",
    Needs(ShipmentsWrite),
    JSON,
    r#"{"order_id":999999,"lines":[]}"#,
);
/// Creates a shipment for `lines` ((order line, quantity); none: all that is reserved). Returns its
/// id.
#[server(endpoint = "shipments/create", input = Json)]
pub async fn create_shipment(order_id: i64, lines: Vec<(i64, i64)>) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let created = shipments::create(&state.db, &signed_in()?, order_id, &lines).await?;
    Ok(created.id)
}

crate::authz!(
    "/api/shipments/ship",
    Needs(ShipmentsWrite),
    JSON,
    r#"{"id":999999,"carrier":"DHL","tracking":""}"#,
);
/// Marks a shipment shipped.
#[server(endpoint = "shipments/ship", input = Json)]
pub async fn ship_shipment(id: i64, carrier: String, tracking: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    shipments::ship(&state.db, &signed_in()?, id, &carrier, &tracking).await?;
    Ok(())
}

crate::authz!(
    "/api/shipments/cancel",
    Needs(ShipmentsWrite),
    JSON,
    r#"{"id":999999}"#
);
/// Cancels an open shipment.
#[server(endpoint = "shipments/cancel", input = Json)]
pub async fn cancel_shipment(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    shipments::cancel(&state.db, &signed_in()?, id).await?;
    Ok(())
}

crate::authz!(
    "/api/shipments/get",
    Needs(ShipmentsRead),
    JSON,
    r#"{"id":999999}"#
);
/// A shipment with its picking list.
#[server(endpoint = "shipments/get", input = Json)]
pub async fn get_shipment(id: i64) -> Result<ShipmentView, AppError> {
    let state = crate::ssr::state()?;
    let actor = signed_in()?;
    let detail = shipments::get(&state.db, &actor, id).await?;
    Ok(convert::shipment_view(detail, &actor))
}

crate::authz!(
    "/api/shipments/to-ship",
    Needs(ShipmentsRead),
    JSON,
    r#"{"warehouse":null}"#
);
/// Open orders due today or earlier (the user's today), for the warehouse.
#[server(endpoint = "shipments/to-ship", input = Json)]
pub async fn to_ship(warehouse: Option<i64>) -> Result<Vec<ToShipRow>, AppError> {
    let state = crate::ssr::state()?;
    let today = crate::ssr::local_today();
    let rows = shipments::to_ship(&state.db, &signed_in()?, today, warehouse, 200).await?;
    Ok(rows.into_iter().map(convert::to_ship_row).collect())
}

crate::authz!(
    "/api/shipments/list",
    Needs(ShipmentsRead),
    JSON,
    r#"{"state_filter":null,"customer":null,"page":1}"#,
);
/// Shipments, newest first.
#[server(endpoint = "shipments/list", input = Json)]
pub async fn list_shipments(
    state_filter: Option<String>,
    customer: Option<i64>,
    page: u64,
) -> Result<PageView<ShipmentRow>, AppError> {
    shipments_page(state_filter, customer, page, 50).await
}

crate::authz!(
    "/api/shipments/export",
    Export(&[ShipmentsRead]),
    JSON,
    r#"{"state_filter":null,"customer":null,"headers":[]}"#,
);
/// The shipment list as CSV.
#[server(endpoint = "shipments/export", input = Json)]
pub async fn export_shipments(
    state_filter: Option<String>,
    customer: Option<i64>,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    let page = |n| shipments_page(state_filter.clone(), customer, n, crate::exports::PAGE);
    crate::exports::export(headers, page).await
}

/// A page of shipments (the list and its export).
#[cfg(feature = "ssr")]
async fn shipments_page(
    state_filter: Option<String>,
    customer: Option<i64>,
    page: u64,
    per_page: u64,
) -> Result<PageView<ShipmentRow>, AppError> {
    let state = crate::ssr::state()?;
    let found = shipments::list(
        &state.db,
        &signed_in()?,
        state_filter.as_deref(),
        customer,
        None,
        page,
        per_page,
    )
    .await?;
    Ok(PageView::from_page(found, convert::shipment_row))
}

crate::authz!("/api/stock/check", Needs(AdminAudit), JSON, r#"{}"#);
/// The stock ledger check.
#[server(endpoint = "stock/check", input = Json)]
pub async fn ledger_check() -> Result<Vec<LedgerDifference>, AppError> {
    let state = crate::ssr::state()?;
    let found = stock::check(&state.db, &signed_in()?).await?;
    Ok(found.into_iter().map(convert::difference).collect())
}
