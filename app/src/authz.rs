//! Every server function and what it requires. The server's tests call each
//! one anonymously and as every built-in role and compare the outcome with
//! this table; a server function missing from it fails those tests.

/// What a caller needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user holding this permission.
    Permission(&'static str),
    /// A signed-in user holding any of these permissions.
    AnyOf(&'static [&'static str]),
    /// A signed-in user holding all of these permissions.
    AllOf(&'static [&'static str]),
}

/// One server function: its path, what it requires, and a sample body (JSON
/// for `input = Json` functions, form-encoded otherwise) that passes
/// argument decoding without changing anything that other calls rely on.
#[derive(Clone, Copy, Debug)]
pub struct ServerFnSpec {
    /// The URL path.
    pub path: &'static str,
    /// What a caller needs.
    pub access: Access,
    /// The body's content type.
    pub content_type: &'static str,
    /// A sample body.
    pub sample: &'static str,
}

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// Every server function of the app.
pub const SERVER_FNS: &[ServerFnSpec] = &[
    ServerFnSpec {
        path: "/api/auth/login",
        access: Access::Public,
        content_type: FORM,
        sample: "email=nobody%40example.com&password=wrong-password",
    },
    ServerFnSpec {
        path: "/api/auth/logout",
        access: Access::SignedIn,
        content_type: FORM,
        sample: "",
    },
    ServerFnSpec {
        path: "/api/system/status",
        access: Access::SignedIn,
        content_type: FORM,
        sample: "",
    },
    ServerFnSpec {
        path: "/api/account/password",
        access: Access::SignedIn,
        content_type: JSON,
        sample: r#"{"current":"wrong-current-password","new":"another-password-1"}"#,
    },
    ServerFnSpec {
        path: "/api/account/sessions",
        access: Access::SignedIn,
        content_type: FORM,
        sample: "",
    },
    ServerFnSpec {
        path: "/api/account/sessions/end",
        access: Access::SignedIn,
        content_type: JSON,
        sample: r#"{"handle":"no-such-session"}"#,
    },
    ServerFnSpec {
        path: "/api/admin/users/list",
        access: Access::Permission("admin.users"),
        content_type: FORM,
        sample: "page=1",
    },
    ServerFnSpec {
        path: "/api/admin/users/get",
        access: Access::Permission("admin.users"),
        content_type: FORM,
        sample: "id=999999",
    },
    ServerFnSpec {
        path: "/api/admin/users/create",
        access: Access::Permission("admin.users"),
        content_type: JSON,
        sample: r#"{"input":{"email":"not-an-email","name":"","password":null,"role_ids":[]}}"#,
    },
    ServerFnSpec {
        path: "/api/admin/users/update",
        access: Access::Permission("admin.users"),
        content_type: JSON,
        sample: r#"{"id":999999,"input":{"email":"x@example.com","name":"X","password":null,"role_ids":[]}}"#,
    },
    ServerFnSpec {
        path: "/api/admin/users/set_active",
        access: Access::Permission("admin.users"),
        content_type: JSON,
        sample: r#"{"id":999999,"active":false}"#,
    },
    ServerFnSpec {
        path: "/api/admin/users/reset_password",
        access: Access::Permission("admin.users"),
        content_type: JSON,
        sample: r#"{"id":999999,"password":null}"#,
    },
    ServerFnSpec {
        path: "/api/admin/roles/list",
        access: Access::AnyOf(&["admin.roles", "admin.users"]),
        content_type: FORM,
        sample: "",
    },
    ServerFnSpec {
        path: "/api/admin/roles/get",
        access: Access::Permission("admin.roles"),
        content_type: FORM,
        sample: "id=999999",
    },
    ServerFnSpec {
        path: "/api/admin/roles/create",
        access: Access::Permission("admin.roles"),
        content_type: JSON,
        sample: r#"{"input":{"name":"","description":""},"permissions":[]}"#,
    },
    ServerFnSpec {
        path: "/api/admin/roles/update",
        access: Access::Permission("admin.roles"),
        content_type: JSON,
        sample: r#"{"id":999999,"input":{"name":"X","description":""}}"#,
    },
    ServerFnSpec {
        path: "/api/admin/roles/set_permissions",
        access: Access::Permission("admin.roles"),
        content_type: JSON,
        sample: r#"{"id":999999,"permissions":[]}"#,
    },
    ServerFnSpec {
        path: "/api/admin/roles/delete",
        access: Access::Permission("admin.roles"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/admin/permissions",
        access: Access::Permission("admin.roles"),
        content_type: FORM,
        sample: "",
    },
    ServerFnSpec {
        path: "/api/admin/audit",
        access: Access::Permission("admin.audit"),
        content_type: JSON,
        sample: r#"{"query":{"actor":null,"entity":null,"action":null,"from":null,"until":null,"page":1}}"#,
    },
    ServerFnSpec {
        path: "/api/customers/list",
        access: Access::Permission("customers.read"),
        content_type: FORM,
        sample: "include_archived=false&page=1",
    },
    ServerFnSpec {
        path: "/api/customers/get",
        access: Access::Permission("customers.read"),
        content_type: FORM,
        sample: "id=999999",
    },
    ServerFnSpec {
        path: "/api/customers/duplicates",
        access: Access::Permission("customers.read"),
        content_type: JSON,
        sample: r#"{"form":{"kind":"company","name":"Acme","email":"","phone":"","address":"","tax_id":"","segment":"","tags":"","credit_limit":"","currency":"EUR","payment_terms_days":30,"notes":""},"except":null}"#,
    },
    ServerFnSpec {
        path: "/api/customers/create",
        access: Access::Permission("customers.write"),
        content_type: JSON,
        sample: r#"{"form":{"kind":"","name":"","email":"","phone":"","address":"","tax_id":"","segment":"","tags":"","credit_limit":"","currency":"","payment_terms_days":-1,"notes":""}}"#,
    },
    ServerFnSpec {
        path: "/api/customers/update",
        access: Access::Permission("customers.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"form":{"kind":"company","name":"X","email":"","phone":"","address":"","tax_id":"","segment":"","tags":"","credit_limit":"","currency":"EUR","payment_terms_days":30,"notes":""}}"#,
    },
    ServerFnSpec {
        path: "/api/customers/archive",
        access: Access::Permission("customers.archive"),
        content_type: JSON,
        sample: r#"{"id":999999,"archived":true}"#,
    },
    ServerFnSpec {
        path: "/api/customers/contacts",
        access: Access::Permission("customers.read"),
        content_type: FORM,
        sample: "customer_id=999999",
    },
    ServerFnSpec {
        path: "/api/customers/contacts/add",
        access: Access::Permission("customers.write"),
        content_type: JSON,
        sample: r#"{"customer_id":999999,"form":{"name":"","title":"","email":"","phone":""}}"#,
    },
    ServerFnSpec {
        path: "/api/customers/contacts/remove",
        access: Access::Permission("customers.write"),
        content_type: JSON,
        sample: r#"{"contact_id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/crm/assignees",
        access: Access::AnyOf(&[
            "customers.read_all",
            "leads.read_all",
            "opportunities.read_all",
            "activities.read_all",
        ]),
        content_type: JSON,
        sample: r#"{}"#,
    },
    ServerFnSpec {
        path: "/api/crm/customers/pick",
        access: Access::Permission("customers.read"),
        content_type: JSON,
        sample: r#"{"search":"zz"}"#,
    },
    ServerFnSpec {
        path: "/api/customers/timeline",
        access: Access::Permission("customers.read"),
        content_type: JSON,
        sample: r#"{"customer_id":999999,"before":null}"#,
    },
    ServerFnSpec {
        path: "/api/customers/overview",
        access: Access::Permission("customers.read"),
        content_type: JSON,
        sample: r#"{"customer_id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/customers/merge",
        access: Access::Permission("customers.merge"),
        content_type: JSON,
        sample: r#"{"survivor":999998,"duplicate":999999}"#,
    },
    ServerFnSpec {
        path: "/api/customers/bulk",
        access: Access::Permission("customers.write"),
        content_type: JSON,
        sample: r#"{"ids":[999999],"action":"tag","owner_id":null,"tag":"x"}"#,
    },
    ServerFnSpec {
        path: "/api/customers/contact-choices",
        access: Access::Permission("customers.read"),
        content_type: JSON,
        sample: r#"{"customer_id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/leads/list",
        access: Access::Permission("leads.read"),
        content_type: JSON,
        sample: r#"{"search":null,"status":null,"source":null,"campaign_id":null,"owner_id":null,"sort":"","page":1}"#,
    },
    ServerFnSpec {
        path: "/api/leads/get",
        access: Access::Permission("leads.read"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/leads/create",
        access: Access::Permission("leads.write"),
        content_type: JSON,
        sample: r#"{"form":{"name":"","company":"","email":"","phone":"","source":"","campaign_id":null,"owner_id":null}}"#,
    },
    ServerFnSpec {
        path: "/api/leads/update",
        access: Access::Permission("leads.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"form":{"name":"X","company":"","email":"","phone":"","source":"web","campaign_id":null,"owner_id":null}}"#,
    },
    ServerFnSpec {
        path: "/api/leads/duplicates",
        access: Access::Permission("leads.read"),
        content_type: JSON,
        sample: r#"{"form":{"name":"X","company":"","email":"","phone":"","source":"web","campaign_id":null,"owner_id":null},"except":null}"#,
    },
    ServerFnSpec {
        path: "/api/leads/qualify",
        access: Access::Permission("leads.write"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/leads/disqualify",
        access: Access::Permission("leads.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"reason":"x"}"#,
    },
    ServerFnSpec {
        path: "/api/leads/convert",
        access: Access::Permission("leads.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"form":{"customer_id":null,"title":"X","amount":"1","currency":"EUR","expected_close":"2027-01-01"}}"#,
    },
    ServerFnSpec {
        path: "/api/leads/reassign",
        access: Access::Permission("leads.write"),
        content_type: JSON,
        sample: r#"{"ids":[],"owner_id":1}"#,
    },
    ServerFnSpec {
        path: "/api/opportunities/stages",
        access: Access::Permission("opportunities.read"),
        content_type: JSON,
        sample: r#"{}"#,
    },
    ServerFnSpec {
        path: "/api/stages/create",
        access: Access::Permission("opportunities.configure"),
        content_type: JSON,
        sample: r#"{"form":{"name":"","probability":-1,"is_won":false,"is_lost":false}}"#,
    },
    ServerFnSpec {
        path: "/api/stages/update",
        access: Access::Permission("opportunities.configure"),
        content_type: JSON,
        sample: r#"{"id":999999,"form":{"name":"X","probability":10,"is_won":false,"is_lost":false}}"#,
    },
    ServerFnSpec {
        path: "/api/stages/reorder",
        access: Access::Permission("opportunities.configure"),
        content_type: JSON,
        sample: r#"{"id":999999,"up":true}"#,
    },
    ServerFnSpec {
        path: "/api/stages/delete",
        access: Access::Permission("opportunities.configure"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/opportunities/board",
        access: Access::Permission("opportunities.read"),
        content_type: JSON,
        sample: r#"{"owner_id":null}"#,
    },
    ServerFnSpec {
        path: "/api/opportunities/list",
        access: Access::Permission("opportunities.read"),
        content_type: JSON,
        sample: r#"{"search":null,"stage_id":null,"owner_id":null,"customer_id":null,"status":"","sort":"","page":1}"#,
    },
    ServerFnSpec {
        path: "/api/opportunities/get",
        access: Access::Permission("opportunities.read"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/opportunities/create",
        access: Access::Permission("opportunities.write"),
        content_type: JSON,
        sample: r#"{"form":{"customer_id":999999,"contact_id":null,"title":"X","amount":"1","currency":"EUR","expected_close":"2027-01-01","stage_id":null,"probability":"","owner_id":null}}"#,
    },
    ServerFnSpec {
        path: "/api/opportunities/update",
        access: Access::Permission("opportunities.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"form":{"customer_id":999999,"contact_id":null,"title":"X","amount":"1","currency":"EUR","expected_close":"2027-01-01","stage_id":null,"probability":"","owner_id":null}}"#,
    },
    ServerFnSpec {
        path: "/api/opportunities/move",
        access: Access::Permission("opportunities.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"from":1,"to":1,"lost_reason":""}"#,
    },
    ServerFnSpec {
        path: "/api/opportunities/forecast",
        access: Access::Permission("opportunities.read"),
        content_type: JSON,
        sample: r#"{"whose":"mine"}"#,
    },
    ServerFnSpec {
        path: "/api/opportunities/reassign",
        access: Access::Permission("opportunities.write"),
        content_type: JSON,
        sample: r#"{"ids":[],"owner_id":1}"#,
    },
    ServerFnSpec {
        path: "/api/activities/list",
        access: Access::Permission("activities.read"),
        content_type: JSON,
        sample: r#"{"query":{"search":null,"kind":null,"owner_id":null,"customer_id":null,"opportunity_id":null,"status":"","sort":"","page":1}}"#,
    },
    ServerFnSpec {
        path: "/api/activities/my-day",
        access: Access::Permission("activities.read"),
        content_type: JSON,
        sample: r#"{}"#,
    },
    ServerFnSpec {
        path: "/api/activities/create",
        access: Access::Permission("activities.write"),
        content_type: JSON,
        sample: r#"{"form":{"kind":"","subject":"","body":"","due":"","done":false,"customer_id":999999,"contact_id":null,"opportunity_id":null}}"#,
    },
    ServerFnSpec {
        path: "/api/activities/complete",
        access: Access::Permission("activities.write"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/campaigns/list",
        access: Access::Permission("campaigns.read"),
        content_type: JSON,
        sample: r#"{}"#,
    },
    ServerFnSpec {
        path: "/api/campaigns/create",
        access: Access::Permission("campaigns.write"),
        content_type: JSON,
        sample: r#"{"form":{"name":"","channel":"","budget":"","currency":"","starts_on":"","ends_on":""}}"#,
    },
    ServerFnSpec {
        path: "/api/campaigns/update",
        access: Access::Permission("campaigns.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"form":{"name":"X","channel":"email","budget":"1","currency":"EUR","starts_on":"2027-01-01","ends_on":"2027-01-02"}}"#,
    },
    ServerFnSpec {
        path: "/api/admin/teams/list",
        access: Access::Permission("admin.users"),
        content_type: JSON,
        sample: r#"{}"#,
    },
    ServerFnSpec {
        path: "/api/admin/teams/create",
        access: Access::Permission("admin.users"),
        content_type: JSON,
        sample: r#"{"name":""}"#,
    },
    ServerFnSpec {
        path: "/api/admin/teams/set",
        access: Access::Permission("admin.users"),
        content_type: JSON,
        sample: r#"{"user_id":999999,"team_id":null}"#,
    },
    ServerFnSpec {
        path: "/api/products/list",
        access: Access::Permission("products.read"),
        content_type: JSON,
        sample: r#"{"q":null,"category":null,"inactive":false,"page":1}"#,
    },
    ServerFnSpec {
        path: "/api/products/categories",
        access: Access::Permission("products.read"),
        content_type: JSON,
        sample: r#"{}"#,
    },
    ServerFnSpec {
        path: "/api/products/get",
        access: Access::Permission("products.read"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/products/moves",
        access: Access::Permission("stock.read"),
        content_type: JSON,
        sample: r#"{"id":999999,"page":1}"#,
    },
    ServerFnSpec {
        path: "/api/products/create",
        access: Access::Permission("products.write"),
        content_type: JSON,
        sample: r#"{"form":{"sku":"","name":"","description":"","category":"","unit":"","list_price":"","cost_price":"","tax_rate":"","barcode":"","active":true}}"#,
    },
    ServerFnSpec {
        path: "/api/products/update",
        access: Access::Permission("products.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"form":{"sku":"X-1","name":"X","description":"","category":"","unit":"pcs","list_price":"1","cost_price":"","tax_rate":"0","barcode":"","active":true}}"#,
    },
    ServerFnSpec {
        path: "/api/stock/adjust",
        access: Access::Permission("stock.adjust"),
        content_type: JSON,
        sample: r#"{"product_id":999999,"form":{"warehouse_id":"","quantity":"","reason":""}}"#,
    },
    ServerFnSpec {
        path: "/api/stock/transfer",
        access: Access::Permission("stock.transfer"),
        content_type: JSON,
        sample: r#"{"product_id":999999,"form":{"from_warehouse_id":"","to_warehouse_id":"","quantity":"","reason":""}}"#,
    },
    ServerFnSpec {
        path: "/api/warehouses/list",
        access: Access::AnyOf(&["stock.read", "products.read", "orders.read"]),
        content_type: JSON,
        sample: r#"{}"#,
    },
    ServerFnSpec {
        path: "/api/warehouses/create",
        access: Access::Permission("warehouses.write"),
        content_type: JSON,
        sample: r#"{"form":{"code":"","name":"","address":"","active":true}}"#,
    },
    ServerFnSpec {
        path: "/api/warehouses/update",
        access: Access::Permission("warehouses.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"form":{"code":"ZZ","name":"Z","address":"","active":true}}"#,
    },
    ServerFnSpec {
        path: "/api/orders/products",
        access: Access::Permission("products.read"),
        content_type: JSON,
        sample: r#"{"q":"zzzz-none","warehouse_id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/orders/preview",
        access: Access::Permission("orders.write"),
        content_type: JSON,
        sample: r#"{"form":{"customer_id":0,"warehouse_id":999999,"ship_by":"","notes":"","lines":[]}}"#,
    },
    ServerFnSpec {
        path: "/api/orders/create",
        access: Access::Permission("orders.write"),
        content_type: JSON,
        sample: r#"{"form":{"customer_id":999999,"warehouse_id":999999,"ship_by":"","notes":"","lines":[]}}"#,
    },
    ServerFnSpec {
        path: "/api/orders/update",
        access: Access::Permission("orders.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"form":{"customer_id":999999,"warehouse_id":999999,"ship_by":"","notes":"","lines":[{"product_id":999999,"sku":"","name":"","quantity":"1","unit_price":"","discount":"0","tax_rate":""}]}}"#,
    },
    ServerFnSpec {
        path: "/api/orders/list",
        access: Access::AnyOf(&["orders.read", "orders.read_all"]),
        content_type: JSON,
        sample: r#"{"q":null,"state_filter":null,"customer":null,"page":1}"#,
    },
    ServerFnSpec {
        path: "/api/orders/get",
        access: Access::AnyOf(&["orders.read", "orders.read_all"]),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/orders/confirm",
        access: Access::Permission("orders.confirm"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/orders/approve",
        access: Access::Permission("orders.approve"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/orders/cancel",
        access: Access::AnyOf(&["orders.write", "orders.cancel"]),
        content_type: JSON,
        sample: r#"{"id":999999,"reason":""}"#,
    },
    ServerFnSpec {
        path: "/api/orders/reserve",
        access: Access::Permission("orders.confirm"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/orders/customer-figures",
        access: Access::AllOf(&["orders.read", "customers.read"]),
        content_type: JSON,
        sample: r#"{"customer_id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/shipments/create",
        access: Access::Permission("shipments.write"),
        content_type: JSON,
        sample: r#"{"order_id":999999,"lines":[]}"#,
    },
    ServerFnSpec {
        path: "/api/shipments/ship",
        access: Access::Permission("shipments.write"),
        content_type: JSON,
        sample: r#"{"id":999999,"carrier":"DHL","tracking":""}"#,
    },
    ServerFnSpec {
        path: "/api/shipments/cancel",
        access: Access::Permission("shipments.write"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/shipments/get",
        access: Access::Permission("shipments.read"),
        content_type: JSON,
        sample: r#"{"id":999999}"#,
    },
    ServerFnSpec {
        path: "/api/shipments/to-ship",
        access: Access::Permission("shipments.read"),
        content_type: JSON,
        sample: r#"{"warehouse":null}"#,
    },
    ServerFnSpec {
        path: "/api/shipments/list",
        access: Access::Permission("shipments.read"),
        content_type: JSON,
        sample: r#"{"state_filter":null,"customer":null,"page":1}"#,
    },
    ServerFnSpec {
        path: "/api/stock/check",
        access: Access::Permission("admin.audit"),
        content_type: JSON,
        sample: r#"{}"#,
    },
];
