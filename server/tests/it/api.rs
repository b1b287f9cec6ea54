//! The REST API: a contract test per endpoint (success, invalid input, 401,
//! 403, 404, an idempotent retry), the OpenAPI document against the routes,
//! the authorization matrix over every route and built-in role, token
//! scopes, and racing retries with one Idempotency-Key.

use std::collections::BTreeSet;
use tandem_domain::testing::db_test;

use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use tandem_domain::{
    access::{builtin::BuiltinRole, Permission},
    entities::{
        api_tokens, invoices, pipeline_stages, purchase_orders, sales_orders, shipments, suppliers,
        users,
    },
    {access::api_tokens as tokens, access::roles as access, access::users as user_service, demo},
};

use crate::{
    support::{Reply, TestApp, ADMIN_EMAIL},
    TestResult,
};

/// What an endpoint needs.
#[derive(Clone, Copy, Debug)]
enum Need {
    /// Every one of these permissions.
    All(&'static [&'static str]),
    /// At least one.
    Any(&'static [&'static str]),
}

impl Need {
    fn met_by(self, codes: &BTreeSet<&str>) -> bool {
        match self {
            Need::All(needed) => needed.iter().all(|c| codes.contains(c)),
            Need::Any(needed) => needed.iter().any(|c| codes.contains(c)),
        }
    }
}

/// One endpoint, with requests that succeed and fail on fresh fixtures
/// (also driven by the OpenAPI exactness test).
#[derive(Clone, Debug)]
pub(crate) struct Case {
    /// The OpenAPI operation this exercises (`post /orders/{id}/confirm`).
    pub(crate) operation: &'static str,
    pub(crate) method: &'static str,
    pub(crate) path: String,
    pub(crate) body: Option<String>,
    /// A request the endpoint must refuse as invalid: (path, body, status).
    pub(crate) bad: Option<(String, Option<String>, StatusCode)>,
    /// The path with an id that does not exist.
    pub(crate) missing: Option<String>,
    need: Need,
}

impl Case {
    fn writes(&self) -> bool {
        self.method != "GET"
    }
}

fn case(operation: &'static str, path: String, body: Option<Value>, need: Need) -> Case {
    let (method, _) = operation.split_once(' ').unwrap_or(("GET", ""));
    Case {
        operation,
        method: match method {
            "get" => "GET",
            "post" => "POST",
            "put" => "PUT",
            _ => "DELETE",
        },
        path,
        body: body.map(|b| b.to_string()),
        bad: None,
        missing: None,
        need,
    }
}

impl Case {
    fn bad(mut self, path: String, body: Option<Value>, status: StatusCode) -> Self {
        self.bad = Some((path, body.map(|b| b.to_string()), status));
        self
    }

    fn missing(mut self, path: &str) -> Self {
        self.missing = Some(path.to_owned());
        self
    }
}

fn json_of(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or(Value::Null)
}

fn is_problem(reply: &Reply) -> bool {
    reply
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        == Some("application/problem+json")
        && json_of(reply)["status"] == json!(reply.status.as_u16())
}

type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Posts as `token` and expects a success; the status and the JSON.
async fn posted_as(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
) -> Fallible<(StatusCode, Value)> {
    let reply = app
        .api("POST", path, Some(token), Some(&body.to_string()), None)
        .await?;
    if !reply.status.is_success() {
        return Err(format!("{path}: {} {}", reply.status, reply.body).into());
    }
    Ok((reply.status, json_of(&reply)))
}

/// Posts as `token` and expects a success; the answer's JSON.
async fn posted(app: &TestApp, token: &str, path: &str, body: Value) -> Fallible<Value> {
    Ok(posted_as(app, token, path, body).await?.1)
}

/// Creates a record through the API as `token` (201); its JSON.
async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Fallible<Value> {
    match posted_as(app, token, path, body).await? {
        (StatusCode::CREATED, record) => Ok(record),
        (status, record) => Err(format!("{path}: {status} {record}").into()),
    }
}

fn id_of(record: &Value) -> Fallible<i64> {
    record["id"]
        .as_i64()
        .ok_or_else(|| format!("no id in {record}").into())
}

pub(crate) const MISSING: i64 = 987_654_321;

/// Every API endpoint, on fresh fixtures made with the admin's `token`.
pub(crate) async fn cases(app: &TestApp, token: &str) -> Fallible<Vec<Case>> {
    use Need::{All, Any};
    let order =
        json!({"customer_id": 1, "warehouse_id": 1, "lines": [{"product_id": 1, "quantity": 1}]});
    let to_confirm = id_of(&created(app, token, "/api/v1/orders", order.clone()).await?)?;
    let to_cancel = id_of(&created(app, token, "/api/v1/orders", order).await?)?;
    let ticket = json!({"customer_id": 1, "subject": "Parcel arrived damaged"});
    let ticket = id_of(&created(app, token, "/api/v1/tickets", ticket).await?)?;
    let unique = uuid_like();
    let customer = json!({"name": format!("API Customer {unique}"), "currency": "EUR", "segment": "wholesale"});
    let product = json!({"sku": format!("API-{unique}"), "name": "API widget", "list_price_minor": 1250, "tax_rate_bp": 1900});
    let p1 = json!({"sku": "FST-001", "name": "Hex bolt M8 × 40 (100)", "unit": "box", "list_price_minor": 1490, "tax_rate_bp": 1900});
    let order =
        json!({"customer_id": 1, "warehouse_id": 1, "lines": [{"product_id": 1, "quantity": 2}]});
    let bad_list = "?limit=0".to_owned();
    let crm = crm_fixtures(app, token).await?;
    let money = money_fixtures(app).await?;
    let flow = flow_fixtures(app, token).await?;
    let po = json!({"supplier_id": flow.supplier, "warehouse_id": 1, "lines": [{"product_id": flow.product, "quantity": 4}]});
    Ok(vec![
        case("get /customers", "/api/v1/customers".into(), None, All(&["customers.read"]))
            .bad(format!("/api/v1/customers{bad_list}"), None, StatusCode::BAD_REQUEST),
        case("post /customers", "/api/v1/customers".into(), Some(customer.clone()), All(&["customers.write"]))
            .bad("/api/v1/customers".into(), Some(json!({"name": "", "currency": "EURO", "payment_terms_days": 400})), StatusCode::UNPROCESSABLE_ENTITY),
        case("get /customers/{id}", "/api/v1/customers/1".into(), None, All(&["customers.read"]))
            .missing(&format!("/api/v1/customers/{MISSING}")),
        case("put /customers/{id}", "/api/v1/customers/1".into(),
            Some(json!({"name": "Acme Trading GmbH", "currency": "EUR", "email": "orders@acme.example", "payment_terms_days": 30, "credit_limit_minor": 5_000_000, "segment": "wholesale", "tags": ["wholesale"]})),
            All(&["customers.write"]))
            .bad("/api/v1/customers/1".into(), Some(json!({"name": "Acme", "currency": "EUR", "credit_limit_minor": -1})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/customers/{MISSING}")),
        case("get /customers/{id}/contacts", "/api/v1/customers/1/contacts".into(), None, All(&["customers.read"]))
            .missing(&format!("/api/v1/customers/{MISSING}/contacts")),
        case("post /customers/{id}/contacts", "/api/v1/customers/1/contacts".into(), Some(json!({"name": "Jana Novak", "email": "jana@acme.example"})), All(&["customers.write"]))
            .bad("/api/v1/customers/1/contacts".into(), Some(json!({"name": " ", "email": "not-an-email"})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/customers/{MISSING}/contacts")),
        case("get /products", "/api/v1/products".into(), None, All(&["products.read"]))
            .bad(format!("/api/v1/products{bad_list}"), None, StatusCode::BAD_REQUEST),
        case("post /products", "/api/v1/products".into(), Some(product), All(&["products.write"]))
            .bad("/api/v1/products".into(), Some(json!({"sku": "", "name": "", "list_price_minor": -5})), StatusCode::UNPROCESSABLE_ENTITY),
        case("get /products/{id}", "/api/v1/products/1".into(), None, All(&["products.read"]))
            .missing(&format!("/api/v1/products/{MISSING}")),
        case("put /products/{id}", "/api/v1/products/1".into(), Some(p1), All(&["products.write"]))
            .bad("/api/v1/products/1".into(), Some(json!({"sku": "FST-001", "name": "x", "list_price_minor": 1, "tax_rate_bp": -1})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/products/{MISSING}")),
        case("get /products/{id}/stock", "/api/v1/products/1/stock".into(), None, All(&["stock.read", "products.read"]))
            .missing(&format!("/api/v1/products/{MISSING}/stock")),
        case("get /products/{id}/moves", "/api/v1/products/1/moves".into(), None, All(&["stock.read", "products.read"]))
            .bad("/api/v1/products/1/moves?after=-3".into(), None, StatusCode::BAD_REQUEST)
            .missing(&format!("/api/v1/products/{MISSING}/moves")),
        case("post /stock/adjustments", "/api/v1/stock/adjustments".into(), Some(json!({"product_id": 1, "warehouse_id": 1, "quantity": 3, "reason": "Cycle count"})), All(&["stock.adjust"]))
            .bad("/api/v1/stock/adjustments".into(), Some(json!({"product_id": 1, "warehouse_id": 1, "quantity": 0, "reason": ""})), StatusCode::UNPROCESSABLE_ENTITY),
        case("get /orders", "/api/v1/orders?state=draft".into(), None, All(&["orders.read"]))
            .bad("/api/v1/orders?from=yesterday".into(), None, StatusCode::BAD_REQUEST),
        case("post /orders", "/api/v1/orders".into(), Some(order), All(&["orders.write"]))
            .bad("/api/v1/orders".into(), Some(json!({"customer_id": 1, "warehouse_id": 1, "lines": [{"product_id": 1, "quantity": 0}]})), StatusCode::UNPROCESSABLE_ENTITY),
        case("get /orders/{id}", format!("/api/v1/orders/{to_confirm}"), None, All(&["orders.read"]))
            .missing(&format!("/api/v1/orders/{MISSING}")),
        case("post /orders/{id}/confirm", format!("/api/v1/orders/{to_confirm}/confirm"), None, All(&["orders.confirm"]))
            .missing(&format!("/api/v1/orders/{MISSING}/confirm")),
        case("post /orders/{id}/cancel", format!("/api/v1/orders/{to_cancel}/cancel"), Some(json!({"reason": "Customer changed their mind"})), Any(&["orders.write", "orders.cancel"]))
            .bad(format!("/api/v1/orders/{to_cancel}/cancel"), Some(json!({"reason": "x".repeat(501)})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/orders/{MISSING}/cancel")),
        case("get /tickets", "/api/v1/tickets?status=new".into(), None, All(&["tickets.read"]))
            .bad("/api/v1/tickets?limit=500".into(), None, StatusCode::BAD_REQUEST),
        case("post /tickets", "/api/v1/tickets".into(), Some(json!({"customer_id": 1, "subject": "Where is my order?", "priority": "high"})), All(&["tickets.write"]))
            .bad("/api/v1/tickets".into(), Some(json!({"customer_id": 1, "subject": "", "priority": "soon"})), StatusCode::UNPROCESSABLE_ENTITY),
        case("get /tickets/{id}", format!("/api/v1/tickets/{ticket}"), None, All(&["tickets.read"]))
            .missing(&format!("/api/v1/tickets/{MISSING}")),
        case("post /tickets/{id}/comments", format!("/api/v1/tickets/{ticket}/comments"), Some(json!({"body": "We are on it."})), All(&["tickets.write"]))
            .bad(format!("/api/v1/tickets/{ticket}/comments"), Some(json!({"body": "   "})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/tickets/{MISSING}/comments")),
        case("post /tickets/{id}/status", format!("/api/v1/tickets/{ticket}/status"), Some(json!({"status": "open"})), All(&["tickets.write"]))
            .bad(format!("/api/v1/tickets/{ticket}/status"), Some(json!({"status": "lost"})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/tickets/{MISSING}/status")),
        case("get /leads", "/api/v1/leads?status=new".into(), None, All(&["leads.read"]))
            .bad("/api/v1/leads?limit=abc".into(), None, StatusCode::BAD_REQUEST),
        case("post /leads", "/api/v1/leads".into(), Some(json!({"name": "Wen Li", "company": "Li Trading", "email": "wen@li.example", "source": "web"})), All(&["leads.write"]))
            .bad("/api/v1/leads".into(), Some(json!({"name": "", "source": "rumour"})), StatusCode::UNPROCESSABLE_ENTITY),
        case("get /leads/{id}", format!("/api/v1/leads/{}", crm.lead), None, All(&["leads.read"]))
            .missing(&format!("/api/v1/leads/{MISSING}")),
        case("post /leads/{id}/qualify", format!("/api/v1/leads/{}/qualify", crm.lead), None, All(&["leads.write"]))
            .missing(&format!("/api/v1/leads/{MISSING}/qualify")),
        case("get /opportunities", "/api/v1/opportunities?status=open".into(), None, All(&["opportunities.read"]))
            .bad("/api/v1/opportunities?status=maybe".into(), None, StatusCode::BAD_REQUEST),
        case("post /opportunities", "/api/v1/opportunities".into(), Some(json!({"customer_id": 1, "title": "Spring restock", "amount_minor": 250_000, "currency": "EUR", "expected_close": "2027-03-31"})), All(&["opportunities.write"]))
            .bad("/api/v1/opportunities".into(), Some(json!({"customer_id": 1, "title": "", "currency": "EUR", "expected_close": "2027-03-31", "probability": 140})), StatusCode::UNPROCESSABLE_ENTITY),
        case("get /opportunities/{id}", format!("/api/v1/opportunities/{}", crm.opportunity), None, All(&["opportunities.read"]))
            .missing(&format!("/api/v1/opportunities/{MISSING}")),
        case("post /opportunities/{id}/stage", format!("/api/v1/opportunities/{}/stage", crm.opportunity),
            Some(json!({"from_stage_id": crm.stage_from, "to_stage_id": crm.stage_to})), All(&["opportunities.write"]))
            .bad(format!("/api/v1/opportunities/{}/stage", crm.opportunity), Some(json!({"from_stage_id": crm.stage_from, "to_stage_id": crm.stage_lost})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/opportunities/{MISSING}/stage")),
        case("get /activities", "/api/v1/activities?status=open".into(), None, All(&["activities.read"]))
            .bad("/api/v1/activities?status=later".into(), None, StatusCode::BAD_REQUEST),
        case("post /activities", "/api/v1/activities".into(), Some(json!({"kind": "call", "subject": "Called about the spring order", "customer_id": 1, "done": true})), All(&["activities.write"]))
            .bad("/api/v1/activities".into(), Some(json!({"kind": "fax", "subject": "", "customer_id": 1})), StatusCode::UNPROCESSABLE_ENTITY),
        case("post /activities/{id}/complete", format!("/api/v1/activities/{}/complete", crm.activity), None, All(&["activities.write"]))
            .missing(&format!("/api/v1/activities/{MISSING}/complete")),
        case("get /shipments", "/api/v1/shipments?state=shipped".into(), None, All(&["shipments.read", "orders.read"]))
            .bad("/api/v1/shipments?customer_id=x".into(), None, StatusCode::BAD_REQUEST),
        case("get /shipments/{id}", format!("/api/v1/shipments/{}", money.shipment), None, All(&["shipments.read"]))
            .missing(&format!("/api/v1/shipments/{MISSING}")),
        case("get /invoices", "/api/v1/invoices?state=unpaid".into(), None, All(&["invoices.read"]))
            .bad("/api/v1/invoices?limit=-1".into(), None, StatusCode::BAD_REQUEST),
        case("get /invoices/{id}", format!("/api/v1/invoices/{}", money.invoice), None, All(&["invoices.read"]))
            .missing(&format!("/api/v1/invoices/{MISSING}")),
        case("post /invoices/{id}/payments", format!("/api/v1/invoices/{}/payments", money.invoice), Some(json!({"amount_minor": 100, "reference": "API test"})), All(&["payments.write"]))
            .bad(format!("/api/v1/invoices/{}/payments", money.invoice), Some(json!({"amount_minor": 0, "method": "beads"})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/invoices/{MISSING}/payments")),
        case("get /purchase-orders", "/api/v1/purchase-orders?state=open".into(), None, All(&["purchasing.read"]))
            .bad("/api/v1/purchase-orders?supplier_id=1.5".into(), None, StatusCode::BAD_REQUEST),
        case("get /purchase-orders/{id}", format!("/api/v1/purchase-orders/{}", money.purchase_order), None, All(&["purchasing.read"]))
            .missing(&format!("/api/v1/purchase-orders/{MISSING}")),
        case("post /shipments", "/api/v1/shipments".into(), Some(json!({"order_id": flow.confirmed})), All(&["shipments.write"]))
            .bad("/api/v1/shipments".into(), Some(json!({"order_id": flow.confirmed, "lines": [{"order_line_id": MISSING, "quantity": 1}]})), StatusCode::UNPROCESSABLE_ENTITY),
        case("post /shipments/{id}/ship", format!("/api/v1/shipments/{}/ship", flow.open_shipment), Some(json!({"carrier": "DHL", "tracking": "JD014600006281"})), All(&["shipments.write"]))
            .bad(format!("/api/v1/shipments/{}/ship", flow.open_shipment), Some(json!({"carrier": " "})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/shipments/{MISSING}/ship")),
        case("post /shipments/{id}/cancel", format!("/api/v1/shipments/{}/cancel", flow.other_open_shipment), None, All(&["shipments.write"]))
            .missing(&format!("/api/v1/shipments/{MISSING}/cancel")),
        case("post /invoices", "/api/v1/invoices".into(), Some(json!({"order_id": flow.shipped_order, "shipment_id": flow.shipped})), All(&["invoices.write"])),
        case("post /invoices/{id}/cancel", format!("/api/v1/invoices/{}/cancel", flow.invoice), Some(json!({"reason": "Raised twice by mistake"})), All(&["invoices.write"]))
            .bad(format!("/api/v1/invoices/{}/cancel", flow.invoice), Some(json!({"reason": ""})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/invoices/{MISSING}/cancel")),
        case("post /purchase-orders", "/api/v1/purchase-orders".into(), Some(po), All(&["purchasing.write"]))
            .bad("/api/v1/purchase-orders".into(), Some(json!({"supplier_id": flow.supplier, "warehouse_id": 1, "lines": [{"product_id": flow.product, "quantity": 0, "unit_price_minor": -1}]})), StatusCode::UNPROCESSABLE_ENTITY),
        case("post /purchase-orders/{id}/send", format!("/api/v1/purchase-orders/{}/send", flow.draft_po), None, All(&["purchasing.write"]))
            .missing(&format!("/api/v1/purchase-orders/{MISSING}/send")),
        case("post /purchase-orders/{id}/cancel", format!("/api/v1/purchase-orders/{}/cancel", flow.po_to_cancel), None, All(&["purchasing.write"]))
            .missing(&format!("/api/v1/purchase-orders/{MISSING}/cancel")),
        case("post /purchase-orders/{id}/receipts", format!("/api/v1/purchase-orders/{}/receipts", flow.sent_po), Some(json!({})), All(&["purchasing.receive"]))
            .bad(format!("/api/v1/purchase-orders/{}/receipts", flow.sent_po), Some(json!({"lines": [{"purchase_order_line_id": MISSING, "quantity": 1}]})), StatusCode::UNPROCESSABLE_ENTITY)
            .missing(&format!("/api/v1/purchase-orders/{MISSING}/receipts")),
    ])
}

/// CRM records the state-changing endpoints act on.
struct Crm {
    lead: i64,
    opportunity: i64,
    stage_from: i64,
    stage_to: i64,
    stage_lost: i64,
    activity: i64,
}

async fn crm_fixtures(app: &TestApp, token: &str) -> Fallible<Crm> {
    let lead = created(
        app,
        token,
        "/api/v1/leads",
        json!({"name": "Ana Ruiz", "company": "Ruiz SL"}),
    )
    .await?;
    let opportunity = created(app, token, "/api/v1/opportunities", json!({"customer_id": 1, "title": "Fixture deal", "currency": "EUR", "amount_minor": 10_000, "expected_close": "2027-03-31"})).await?;
    let activity = created(
        app,
        token,
        "/api/v1/activities",
        json!({"kind": "task", "subject": "Send the catalogue", "customer_id": 1}),
    )
    .await?;
    let stages = pipeline_stages::Entity::find().all(&app.db.conn).await?;
    let from = opportunity["stage_id"].as_i64().ok_or("no stage")?;
    let to = stages
        .iter()
        .find(|s| s.id != from && !s.is_won && !s.is_lost)
        .ok_or("one open stage only")?
        .id;
    let lost = stages.iter().find(|s| s.is_lost).ok_or("no lost stage")?.id;
    Ok(Crm {
        lead: id_of(&lead)?,
        opportunity: id_of(&opportunity)?,
        stage_from: from,
        stage_to: to,
        stage_lost: lost,
        activity: id_of(&activity)?,
    })
}

/// Demo documents of fulfilment and money.
struct Money {
    shipment: i64,
    invoice: i64,
    purchase_order: i64,
}

async fn money_fixtures(app: &TestApp) -> Fallible<Money> {
    let shipment = shipments::Entity::find()
        .one(&app.db.conn)
        .await?
        .ok_or("no demo shipment")?
        .id;
    let invoice = invoices::Entity::find()
        .filter(invoices::Column::State.is_in(["open", "overdue", "partially_paid"]))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .find(|i| i.total_minor - i.paid_minor - i.credited_minor >= 1_000)
        .ok_or("no demo invoice owing money")?
        .id;
    let purchase_order = purchase_orders::Entity::find()
        .one(&app.db.conn)
        .await?
        .ok_or("no demo purchase order")?
        .id;
    Ok(Money {
        shipment,
        invoice,
        purchase_order,
    })
}

/// Documents the fulfilment and purchasing writes act on, made through the
/// API on a product of their own (so demo orders never take its stock).
struct Flow {
    product: i64,
    supplier: i64,
    /// Confirmed, nothing in a shipment yet.
    confirmed: i64,
    /// Open shipments (of another order).
    open_shipment: i64,
    other_open_shipment: i64,
    /// A shipped, uninvoiced shipment and its order.
    shipped_order: i64,
    shipped: i64,
    /// An invoice nothing has paid.
    invoice: i64,
    /// Purchase orders: two drafts and a sent one.
    draft_po: i64,
    po_to_cancel: i64,
    sent_po: i64,
}

/// A confirmed order of `quantity` × `product`, fully reserved; (order, line).
async fn confirmed_order(
    app: &TestApp,
    token: &str,
    product: i64,
    quantity: i64,
) -> Fallible<(i64, i64)> {
    let order = json!({"customer_id": 1, "warehouse_id": 1, "lines": [{"product_id": product, "quantity": quantity}]});
    let id = id_of(&created(app, token, "/api/v1/orders", order).await?)?;
    let order = posted(
        app,
        token,
        &format!("/api/v1/orders/{id}/confirm"),
        json!({}),
    )
    .await?;
    let line = &order["lines"][0];
    if line["reserved"] != json!(quantity) {
        return Err(format!("order {id} not fully reserved: {order}").into());
    }
    Ok((id, line["id"].as_i64().ok_or("no line id")?))
}

async fn flow_fixtures(app: &TestApp, token: &str) -> Fallible<Flow> {
    let unique = uuid_like();
    let product = json!({"sku": format!("FLOW-{unique}"), "name": "Flow widget", "list_price_minor": 500, "tax_rate_bp": 1900});
    let product = id_of(&created(app, token, "/api/v1/products", product).await?)?;
    let stock = json!({"product_id": product, "warehouse_id": 1, "quantity": 10, "reason": "API test stock"});
    posted(app, token, "/api/v1/stock/adjustments", stock).await?;
    let (confirmed, _) = confirmed_order(app, token, product, 1).await?;
    let (open, line) = confirmed_order(app, token, product, 2).await?;
    let one = json!({"order_id": open, "lines": [{"order_line_id": line, "quantity": 1}]});
    let open_shipment = id_of(&created(app, token, "/api/v1/shipments", one.clone()).await?)?;
    let other_open_shipment = id_of(&created(app, token, "/api/v1/shipments", one).await?)?;
    let (shipped_order, line) = confirmed_order(app, token, product, 2).await?;
    let one = json!({"order_id": shipped_order, "lines": [{"order_line_id": line, "quantity": 1}]});
    let mut shipped = Vec::new();
    for _ in 0..2 {
        let id = id_of(&created(app, token, "/api/v1/shipments", one.clone()).await?)?;
        let carrier = json!({"carrier": "UPS"});
        posted(app, token, &format!("/api/v1/shipments/{id}/ship"), carrier).await?;
        shipped.push(id);
    }
    let raise = json!({"order_id": shipped_order, "shipment_id": shipped[1]});
    let invoice = id_of(&created(app, token, "/api/v1/invoices", raise).await?)?;
    let supplier = suppliers::Entity::find()
        .filter(suppliers::Column::Active.eq(true))
        .one(&app.db.conn)
        .await?
        .ok_or("no demo supplier")?
        .id;
    let po = json!({"supplier_id": supplier, "warehouse_id": 1, "lines": [{"product_id": product, "quantity": 5, "unit_price_minor": 300}]});
    let mut pos = Vec::new();
    for _ in 0..3 {
        pos.push(id_of(
            &created(app, token, "/api/v1/purchase-orders", po.clone()).await?,
        )?);
    }
    posted(
        app,
        token,
        &format!("/api/v1/purchase-orders/{}/send", pos[2]),
        json!({}),
    )
    .await?;
    Ok(Flow {
        product,
        supplier,
        confirmed,
        open_shipment,
        other_open_shipment,
        shipped_order,
        shipped: shipped[0],
        invoice,
        draft_po: pos[0],
        po_to_cancel: pos[1],
        sent_po: pos[2],
    })
}

/// A short unique text for names and SKUs.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// One clause of the contract every endpoint keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Clause {
    /// 401 without a token or with one that does not exist.
    Unauthorized,
    /// 403 to a valid token without the permission.
    Forbidden,
    /// Invalid input refused with the fields named.
    BadInput,
    /// 404 for an id that does not exist.
    Missing,
    /// Success, and for writes a retry with the same key that answers the
    /// same and changes nothing, and the key refused for another request.
    Success,
}

/// 401 to `c` without a token, and with a token that does not exist.
async fn unauthorized(app: &TestApp, c: &Case) -> Fallible<Vec<String>> {
    let mut failures = Vec::new();
    for token in [
        None,
        Some("tdm_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ] {
        let reply = app
            .api(c.method, &c.path, token, c.body.as_deref(), None)
            .await?;
        if reply.status != StatusCode::UNAUTHORIZED
            || !is_problem(&reply)
            || !reply.headers.contains_key("www-authenticate")
        {
            failures.push(format!(
                "{} without a valid token: {} {}",
                c.operation, reply.status, reply.body
            ));
        }
    }
    Ok(failures)
}

/// 403 to `c` with a valid `token` without the permission.
async fn forbidden(app: &TestApp, token: &str, c: &Case) -> Fallible<Option<String>> {
    let reply = app
        .api(c.method, &c.path, Some(token), c.body.as_deref(), None)
        .await?;
    Ok(
        (reply.status != StatusCode::FORBIDDEN || !is_problem(&reply)).then(|| {
            format!(
                "{} without the permission: {} {}",
                c.operation, reply.status, reply.body
            )
        }),
    )
}

/// `c`'s invalid input, if it has one: refused with the fields named.
async fn bad_input(app: &TestApp, admin: &str, c: &Case) -> Fallible<Option<String>> {
    let Some((path, body, status)) = &c.bad else {
        return Ok(None);
    };
    let reply = app
        .api(c.method, path, Some(admin), body.as_deref(), None)
        .await?;
    let fields = json_of(&reply)["errors"].as_object().map_or(0, |e| e.len());
    let kept = reply.status == *status
        && is_problem(&reply)
        && !(*status == StatusCode::UNPROCESSABLE_ENTITY && fields == 0);
    Ok((!kept).then(|| {
        format!(
            "{} with bad input: {} {}",
            c.operation, reply.status, reply.body
        )
    }))
}

/// `c` on an id that does not exist, if it takes one: 404.
async fn missing(app: &TestApp, admin: &str, c: &Case) -> Fallible<Option<String>> {
    let Some(path) = &c.missing else {
        return Ok(None);
    };
    let reply = app
        .api(c.method, path, Some(admin), c.body.as_deref(), None)
        .await?;
    Ok(
        (reply.status != StatusCode::NOT_FOUND || !is_problem(&reply)).then(|| {
            format!(
                "{} on a missing record: {} {}",
                c.operation, reply.status, reply.body
            )
        }),
    )
}

/// `c` succeeds; a write retried with the same key (`contract-{i}`)
/// answers the same and changes nothing, and the key is refused for another
/// request.
async fn succeeds_and_replays(
    app: &TestApp,
    admin: &str,
    c: &Case,
    i: usize,
) -> Fallible<Vec<String>> {
    let name = c.operation;
    let key = format!("contract-{i}");
    let key = c.writes().then_some(key.as_str());
    let orders_before = sales_orders::Entity::find().all(&app.db.conn).await?.len();
    let first = app
        .api(c.method, &c.path, Some(admin), c.body.as_deref(), key)
        .await?;
    if !first.status.is_success() || serde_json::from_str::<Value>(&first.body).is_err() {
        return Ok(vec![format!("{name}: {} {}", first.status, first.body)]);
    }
    if !c.writes() {
        return Ok(Vec::new());
    }
    let mut failures = Vec::new();
    let again = app
        .api(c.method, &c.path, Some(admin), c.body.as_deref(), key)
        .await?;
    let replayed = again
        .headers
        .get("idempotent-replayed")
        .and_then(|v| v.to_str().ok())
        == Some("true");
    if again.status != first.status || again.body != first.body || !replayed {
        failures.push(format!(
            "{name} retried: {} {} (replayed: {replayed})",
            again.status, again.body
        ));
    }
    let orders_after = sales_orders::Entity::find().all(&app.db.conn).await?.len();
    let expected = orders_before + usize::from(c.operation == "post /orders");
    if orders_after != expected {
        failures.push(format!(
            "{name} retried: {orders_after} orders, expected {expected}"
        ));
    }
    // The same key with another request is refused.
    let other = format!("{}?other", c.path);
    let reply = app
        .api(c.method, &other, Some(admin), c.body.as_deref(), key)
        .await?;
    if reply.status != StatusCode::UNPROCESSABLE_ENTITY
        || json_of(&reply)["errors"]["Idempotency-Key"].is_null()
    {
        failures.push(format!(
            "{name} with a reused key: {} {}",
            reply.status, reply.body
        ));
    }
    Ok(failures)
}

/// Every endpoint's failures of `clause`, on a fresh app. The clauses about
/// the token are asked alone; the others need the records as earlier
/// endpoints left them, so for each endpoint in turn its invalid input, its
/// missing record and its success (with the retries) are all sent, in that
/// order, and only `clause`'s answers judged.
async fn contract_failures(clause: Clause) -> Fallible<Vec<String>> {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    let unrelated = app.token(ADMIN_EMAIL, Some(&["knowledge.read"])).await?;
    let mut failures = Vec::new();
    for (i, c) in cases(&app, &admin).await?.into_iter().enumerate() {
        match clause {
            Clause::Unauthorized => failures.extend(unauthorized(&app, &c).await?),
            Clause::Forbidden => failures.extend(forbidden(&app, &unrelated, &c).await?),
            Clause::BadInput | Clause::Missing | Clause::Success => {
                let bad = bad_input(&app, &admin, &c).await?;
                let not_found = missing(&app, &admin, &c).await?;
                let success = succeeds_and_replays(&app, &admin, &c, i).await?;
                match clause {
                    Clause::BadInput => failures.extend(bad),
                    Clause::Missing => failures.extend(not_found),
                    _ => failures.extend(success),
                }
            }
        }
    }
    Ok(failures)
}

/// Every endpoint keeps `clause` of its contract.
async fn assert_every_endpoint_keeps(clause: Clause) -> TestResult {
    let failures = contract_failures(clause).await?;
    assert!(
        failures.is_empty(),
        "{} contract failures ({clause:?}):\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

#[db_test]
async fn every_endpoint_answers_401_without_a_valid_token() -> TestResult {
    assert_every_endpoint_keeps(Clause::Unauthorized).await
}

#[db_test]
async fn every_endpoint_answers_403_to_a_token_without_its_permission() -> TestResult {
    assert_every_endpoint_keeps(Clause::Forbidden).await
}

#[db_test]
async fn every_endpoint_refuses_invalid_input_naming_the_fields() -> TestResult {
    assert_every_endpoint_keeps(Clause::BadInput).await
}

#[db_test]
async fn every_endpoint_answers_404_for_a_record_that_does_not_exist() -> TestResult {
    assert_every_endpoint_keeps(Clause::Missing).await
}

#[db_test]
async fn every_endpoint_succeeds_and_a_retried_write_replays_its_answer_once() -> TestResult {
    assert_every_endpoint_keeps(Clause::Success).await
}

#[db_test]
async fn a_write_the_token_may_not_read_back_answers_what_it_did_once() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    let writer = app.token(ADMIN_EMAIL, Some(&["shipments.write"])).await?;
    let flow = flow_fixtures(&app, &admin).await?;
    let body = json!({"order_id": flow.confirmed}).to_string();
    let mut replies = Vec::new();
    for _ in 0..2 {
        let reply = app
            .api(
                "POST",
                "/api/v1/shipments",
                Some(&writer),
                Some(&body),
                Some("write-only"),
            )
            .await?;
        replies.push(reply);
    }
    let (first, again) = (&replies[0], &replies[1]);
    // Made, so not a 403 (a client would make it again): the shipment as
    // the write made it, with the lines it holds, as a reader gets it.
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let shipment = json_of(first);
    assert_eq!(shipment["state"], json!("open"));
    assert_eq!(shipment["order_id"], json!(flow.confirmed));
    assert_eq!(shipment["lines"][0]["quantity"], json!(1), "{shipment}");
    assert_eq!((again.status, &again.body), (first.status, &first.body));
    let made = shipments::Entity::find()
        .filter(shipments::Column::OrderId.eq(flow.confirmed))
        .all(&app.db.conn)
        .await?;
    assert_eq!(made.len(), 1);
    let read = format!("/api/v1/shipments/{}", id_of(&shipment)?);
    let read = app.api("GET", &read, Some(&writer), None, None).await?;
    assert_eq!(read.status, StatusCode::FORBIDDEN);
    Ok(())
}

#[db_test]
async fn the_openapi_document_describes_every_route_and_only_those() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    // The document is public, so a client can read it before it has a token.
    let reply = app
        .api("GET", "/api/v1/openapi.json", None, None, None)
        .await?;
    assert_eq!(reply.status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&reply.body)?;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert!(doc["components"]["securitySchemes"]["token"]["scheme"] == "bearer");
    let mut documented = BTreeSet::new();
    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().ok_or("no paths")? {
        for (method, operation) in item.as_object().ok_or("bad path item")? {
            documented.insert(format!("{method} {path}"));
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(operation_ids.insert(id.clone()), "operationId {id} repeats");
            for status in ["200", "201"] {
                if let Some(schema) = operation["responses"][status]["content"]["application/json"]
                    ["schema"]
                    .as_object()
                {
                    assert!(!schema.is_empty(), "{method} {path}: empty success schema");
                }
            }
            // The rest by the operation's kind: see the OpenAPI exactness test.
            for status in ["401", "403", "500"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} lacks {status}"
                );
            }
            if path.contains('{') {
                assert!(
                    operation["responses"]["404"].is_object(),
                    "{method} {path} lacks 404"
                );
            }
            if method != "get" {
                let params = operation["parameters"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                assert!(
                    params
                        .iter()
                        .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
                    "{method} {path} does not document Idempotency-Key"
                );
            }
        }
    }
    // Every $ref points at something the document defines.
    let text = reply.body.as_str();
    for piece in text.split("\"$ref\":\"").skip(1) {
        let target = piece.split('"').next().unwrap_or_default();
        let pointer = target.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {target}");
    }
    // The routes the contract test calls are exactly those documented.
    let tested: BTreeSet<String> = cases(&app, &admin)
        .await?
        .iter()
        .map(|c| c.operation.to_owned())
        .collect();
    assert_eq!(documented, tested);
    // And the human-readable page is served by Tandem itself.
    let page = app.api("GET", "/api/v1/docs/", None, None, None).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("swagger-ui-bundle.js"));
    let initializer = app
        .api(
            "GET",
            "/api/v1/docs/swagger-initializer.js",
            None,
            None,
            None,
        )
        .await?;
    assert!(initializer.body.contains("/api/v1/openapi.json"));
    Ok(())
}

#[db_test]
async fn each_role_token_reaches_exactly_the_routes_its_permissions_allow() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    let mut failures = Vec::new();
    for role in BuiltinRole::ALL {
        let (email, _) = demo::demo_user(role);
        let token = app.token(&email, None).await?;
        let permissions = role.permissions();
        let codes: BTreeSet<&str> = permissions.iter().map(|p| p.code()).collect();
        for c in cases(&app, &admin).await? {
            let reply = app
                .api(c.method, &c.path, Some(&token), c.body.as_deref(), None)
                .await?;
            let allowed = c.need.met_by(&codes);
            let denied = matches!(
                reply.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            );
            if allowed == denied || reply.status.is_server_error() {
                failures.push(format!(
                    "{} as {}: {} (expected {})",
                    c.operation,
                    role.key(),
                    reply.status,
                    if allowed { "allowed" } else { "403" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

/// The id of the demo user with `email`.
async fn user_id(app: &TestApp, email: &str) -> Fallible<i64> {
    Ok(users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&app.db.conn)
        .await?
        .ok_or_else(|| format!("no demo user {email}"))?
        .id)
}

/// The demo sales user's email and id.
async fn demo_sales(app: &TestApp) -> Fallible<(String, i64)> {
    let (email, _) = demo::demo_user(BuiltinRole::Sales);
    let id = user_id(app, &email).await?;
    Ok((email, id))
}

/// The status of `GET path` with `token`.
async fn get_status(app: &TestApp, token: &str, path: &str) -> Fallible<StatusCode> {
    Ok(app.api("GET", path, Some(token), None, None).await?.status)
}

/// The stored row of `token`, found by its prefix.
async fn stored_token(app: &TestApp, token: &str) -> Fallible<api_tokens::Model> {
    let prefix = token.split('_').nth(1).ok_or("bad token shape")?;
    Ok(api_tokens::Entity::find()
        .filter(api_tokens::Column::Prefix.eq(prefix))
        .one(&app.db.conn)
        .await?
        .ok_or("token not stored")?)
}

/// A demo sales user's token for reading customers only: what it lists, and
/// the sales user's id.
async fn customer_reader(app: &TestApp) -> Fallible<(String, Reply, i64)> {
    let (sales_email, sales_id) = demo_sales(app).await?;
    let reader = app.token(&sales_email, Some(&["customers.read"])).await?;
    let list = app
        .api(
            "GET",
            "/api/v1/customers?limit=200",
            Some(&reader),
            None,
            None,
        )
        .await?;
    Ok((reader, list, sales_id))
}

#[db_test]
async fn a_token_does_only_what_it_was_given() -> TestResult {
    let app = TestApp::new().await?;
    // Reading customers, not writing them.
    let (reader, list, _) = customer_reader(&app).await?;
    assert_eq!(list.status, StatusCode::OK);
    let body = json!({"name": "Not allowed", "currency": "EUR"}).to_string();
    let write = app
        .api(
            "POST",
            "/api/v1/customers",
            Some(&reader),
            Some(&body),
            None,
        )
        .await?;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    Ok(())
}

#[db_test]
async fn a_token_sees_only_its_owners_records() -> TestResult {
    let app = TestApp::new().await?;
    let (_, list, sales_id) = customer_reader(&app).await?;
    let owners: BTreeSet<i64> = json_of(&list)["data"]
        .as_array()
        .ok_or("no data")?
        .iter()
        .filter_map(|c| c["owner_id"].as_i64())
        .collect();
    assert_eq!(
        owners,
        BTreeSet::from([sales_id]),
        "a sales token sees others' customers"
    );
    Ok(())
}

#[db_test]
async fn a_token_for_more_than_its_owner_holds_is_refused() -> TestResult {
    let app = TestApp::new().await?;
    let (sales_email, _) = demo_sales(&app).await?;
    let beyond = tokens::TokenInput {
        name: "too much".into(),
        permissions: Some(vec!["admin.roles".into()]),
        ..Default::default()
    };
    let refused =
        tokens::create_for_email(&app.db.conn, &sales_email, &beyond, chrono::Utc::now()).await;
    assert!(
        matches!(refused, Err(tandem_domain::Error::Validation(ref e)) if e.contains_key("permissions"))
    );
    Ok(())
}

#[db_test]
async fn sales_users_create_no_tokens_and_managers_only_their_own() -> TestResult {
    let app = TestApp::new().await?;
    let (_, sales_id) = demo_sales(&app).await?;
    let sales_actor = access::resolve_actor(&app.db.conn, sales_id, Default::default())
        .await?
        .ok_or("sales inactive")?;
    let own = tokens::TokenInput {
        name: "mine".into(),
        ..Default::default()
    };
    assert_eq!(
        tokens::create(&app.db.conn, &sales_actor, &own, chrono::Utc::now())
            .await
            .err(),
        Some(tandem_domain::Error::Forbidden)
    );
    let (manager_email, _) = demo::demo_user(BuiltinRole::Manager);
    let manager_id = user_id(&app, &manager_email).await?;
    let manager = access::resolve_actor(&app.db.conn, manager_id, Default::default())
        .await?
        .ok_or("manager inactive")?;
    assert!(
        tokens::create(&app.db.conn, &manager, &own, chrono::Utc::now())
            .await
            .is_ok()
    );
    let for_other = tokens::TokenInput {
        user_id: Some(sales_id),
        ..own.clone()
    };
    assert_eq!(
        tokens::create(&app.db.conn, &manager, &for_other, chrono::Utc::now())
            .await
            .err(),
        Some(tandem_domain::Error::Forbidden)
    );
    Ok(())
}

#[db_test]
async fn a_token_loses_what_its_owner_loses_on_its_next_request() -> TestResult {
    let app = TestApp::new().await?;
    let admin_actor = app.admin().await?;
    let (sales_email, _) = demo_sales(&app).await?;
    let full = app.token(&sales_email, None).await?;
    assert_eq!(
        get_status(&app, &full, "/api/v1/customers").await?,
        StatusCode::OK
    );
    let sales_role = access::builtin_role_id(&app.db.conn, BuiltinRole::Sales)
        .await?
        .ok_or("no sales role")?;
    let kept: Vec<Permission> = BuiltinRole::Sales
        .permissions()
        .into_iter()
        .filter(|p| *p != Permission::CustomersRead)
        .collect();
    access::set_role_permissions(&app.db.conn, &admin_actor, sales_role, &kept).await?;
    assert_eq!(
        get_status(&app, &full, "/api/v1/customers").await?,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get_status(&app, &full, "/api/v1/orders").await?,
        StatusCode::OK
    );
    Ok(())
}

#[db_test]
async fn a_token_notes_its_time_of_use_and_its_secret_is_not_stored_in_clear() -> TestResult {
    let app = TestApp::new().await?;
    let (sales_email, _) = demo_sales(&app).await?;
    let full = app.token(&sales_email, None).await?;
    assert_eq!(
        get_status(&app, &full, "/api/v1/orders").await?,
        StatusCode::OK
    );
    let stored = stored_token(&app, &full).await?;
    assert!(stored.last_used_at.is_some());
    assert!(
        !stored
            .secret_hash
            .contains(full.rsplit('_').next().unwrap_or("x")),
        "secret stored in clear"
    );
    Ok(())
}

#[db_test]
async fn an_expired_token_is_refused() -> TestResult {
    let app = TestApp::new().await?;
    let (sales_email, _) = demo_sales(&app).await?;
    let full = app.token(&sales_email, None).await?;
    let mut expired: api_tokens::ActiveModel = stored_token(&app, &full).await?.into();
    expired.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    expired.update(&app.db.conn).await?;
    assert_eq!(
        get_status(&app, &full, "/api/v1/orders").await?,
        StatusCode::UNAUTHORIZED
    );
    Ok(())
}

#[db_test]
async fn a_revoked_token_is_refused_at_once_and_revoking_again_changes_nothing() -> TestResult {
    let app = TestApp::new().await?;
    let admin_actor = app.admin().await?;
    let (sales_email, _) = demo_sales(&app).await?;
    let other = app.token(&sales_email, None).await?;
    let other_id = stored_token(&app, &other).await?.id;
    assert_eq!(
        get_status(&app, &other, "/api/v1/orders").await?,
        StatusCode::OK
    );
    for _ in 0..2 {
        let now = chrono::Utc::now();
        tokens::revoke(&app.db.conn, &admin_actor, other_id, now).await?;
    }
    assert_eq!(
        get_status(&app, &other, "/api/v1/orders").await?,
        StatusCode::UNAUTHORIZED
    );
    Ok(())
}

#[db_test]
async fn a_deactivated_owners_tokens_stop_working() -> TestResult {
    let app = TestApp::new().await?;
    let admin_actor = app.admin().await?;
    let (sales_email, sales_id) = demo_sales(&app).await?;
    let third = app.token(&sales_email, None).await?;
    user_service::set_active(&app.db.conn, &admin_actor, sales_id, false).await?;
    assert_eq!(
        get_status(&app, &third, "/api/v1/orders").await?,
        StatusCode::UNAUTHORIZED
    );
    Ok(())
}

/// Its owner still active, so only the secret can refuse it.
#[db_test]
async fn a_wrong_secret_with_a_real_prefix_is_refused() -> TestResult {
    let app = TestApp::new().await?;
    let (sales_email, _) = demo_sales(&app).await?;
    let real = app.token(&sales_email, None).await?;
    let forged = format!(
        "tdm_{}_{}",
        real.split('_').nth(1).unwrap_or_default(),
        "B".repeat(40)
    );
    assert_eq!(
        get_status(&app, &forged, "/api/v1/orders").await?,
        StatusCode::UNAUTHORIZED
    );
    Ok(())
}

#[db_test]
async fn racing_retries_with_one_key_create_one_order() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    let before = sales_orders::Entity::find().all(&app.db.conn).await?.len();
    let body =
        json!({"customer_id": 1, "warehouse_id": 1, "lines": [{"product_id": 1, "quantity": 1}]})
            .to_string();
    let replies =
        crate::support::race_posts(&app.router, "/api/v1/orders", &admin, "race-1", &body, 8)
            .await?;
    let mut created = BTreeSet::new();
    for (status, body) in replies {
        match status {
            StatusCode::CREATED => {
                created.insert(
                    serde_json::from_str::<Value>(&body)?["id"]
                        .as_i64()
                        .ok_or("no id")?,
                );
            }
            StatusCode::CONFLICT => assert!(body.contains("still being processed"), "{body}"),
            other => return Err(format!("unexpected {other}: {body}").into()),
        }
    }
    assert_eq!(
        created.len(),
        1,
        "answers named different orders: {created:?}"
    );
    let after = sales_orders::Entity::find().all(&app.db.conn).await?.len();
    assert_eq!(after, before + 1);
    Ok(())
}
