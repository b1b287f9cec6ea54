//! The kinds of import, the fields each one's columns map to, and the
//! permission writing each one needs.

use serde::{Deserialize, Serialize};

use crate::access::Permission;

/// What can be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Customers (companies and people).
    Customers,
    /// Contacts of company customers.
    Contacts,
    /// Leads.
    Leads,
    /// Products.
    Products,
    /// Stock on hand per product and warehouse.
    OpeningStock,
    /// Supplier prices.
    SupplierPrices,
}

/// One field a column can be mapped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Its key (also the error file's field name).
    pub key: &'static str,
    /// A row without it is refused.
    pub required: bool,
    /// Header texts that map to it without asking (compared without case,
    /// spaces, `_` or `-`).
    pub aliases: &'static [&'static str],
}

const fn f(key: &'static str, required: bool, aliases: &'static [&'static str]) -> Field {
    Field {
        key,
        required,
        aliases,
    }
}

const CUSTOMER_FIELDS: &[Field] = &[
    f(
        "name",
        true,
        &[
            "customer",
            "customername",
            "company",
            "名称",
            "客户",
            "客户名称",
            "公司",
        ],
    ),
    f("kind", false, &["type", "类型"]),
    f("email", false, &["e-mail", "mail", "邮箱", "电子邮件"]),
    f(
        "phone",
        false,
        &["telephone", "tel", "mobile", "电话", "手机"],
    ),
    f("address", false, &["地址"]),
    f("tax_id", false, &["vat", "vatid", "taxnumber", "税号"]),
    f("segment", false, &["分类", "客户分类"]),
    f("tags", false, &["标签"]),
    f("owner_email", false, &["owner", "负责人"]),
    f("credit_limit", false, &["creditlimit", "信用额度"]),
    f("currency", false, &["币种", "货币"]),
    f(
        "payment_terms_days",
        false,
        &["paymentterms", "terms", "账期"],
    ),
    f("notes", false, &["note", "remarks", "备注"]),
];
const CONTACT_FIELDS: &[Field] = &[
    f("customer_code", true, &["customer", "客户编号"]),
    f("name", true, &["contact", "contactname", "姓名", "联系人"]),
    f("title", false, &["position", "jobtitle", "职务"]),
    f("email", false, &["e-mail", "mail", "邮箱"]),
    f(
        "phone",
        false,
        &["telephone", "tel", "mobile", "电话", "手机"],
    ),
];
const LEAD_FIELDS: &[Field] = &[
    f("name", true, &["contact", "姓名", "名称"]),
    f("company", false, &["公司"]),
    f("email", false, &["e-mail", "mail", "邮箱"]),
    f(
        "phone",
        false,
        &["telephone", "tel", "mobile", "电话", "手机"],
    ),
    f("source", false, &["来源"]),
    f("owner_email", false, &["owner", "负责人"]),
];
const PRODUCT_FIELDS: &[Field] = &[
    f("sku", true, &["code", "itemcode", "货号", "产品编号"]),
    f("name", true, &["product", "名称", "产品名称"]),
    f("description", false, &["描述"]),
    f("category", false, &["类别", "分类"]),
    f("unit", false, &["uom", "单位"]),
    f("list_price", true, &["price", "listprice", "售价", "价格"]),
    f(
        "cost_price",
        false,
        &["cost", "costprice", "成本", "成本价"],
    ),
    f("tax_rate", false, &["tax", "vat", "税率"]),
    f("barcode", false, &["ean", "gtin", "条码"]),
    f("active", false, &["启用"]),
];
const STOCK_FIELDS: &[Field] = &[
    f("sku", true, &["code", "product", "货号"]),
    f("warehouse", true, &["warehousecode", "仓库"]),
    f("quantity", true, &["qty", "onhand", "数量"]),
];
const PRICE_FIELDS: &[Field] = &[
    f("supplier", true, &["vendor", "供应商"]),
    f("sku", true, &["code", "product", "货号"]),
    f("price", true, &["cost", "unitprice", "价格", "单价"]),
    f("min_quantity", false, &["moq", "minqty", "最小订购量"]),
];

impl Kind {
    /// Every kind, in menu order.
    pub const ALL: [Kind; 6] = [
        Kind::Customers,
        Kind::Contacts,
        Kind::Leads,
        Kind::Products,
        Kind::OpeningStock,
        Kind::SupplierPrices,
    ];

    /// Its code (`opening_stock`).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Customers => "customers",
            Kind::Contacts => "contacts",
            Kind::Leads => "leads",
            Kind::Products => "products",
            Kind::OpeningStock => "opening_stock",
            Kind::SupplierPrices => "supplier_prices",
        }
    }

    /// The kind of a code.
    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Its fields, in form order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Customers => CUSTOMER_FIELDS,
            Kind::Contacts => CONTACT_FIELDS,
            Kind::Leads => LEAD_FIELDS,
            Kind::Products => PRODUCT_FIELDS,
            Kind::OpeningStock => STOCK_FIELDS,
            Kind::SupplierPrices => PRICE_FIELDS,
        }
    }

    /// What writing it needs, besides `admin.import`.
    pub(super) fn permission(self) -> Permission {
        match self {
            Kind::Customers | Kind::Contacts => Permission::CustomersWrite,
            Kind::Leads => Permission::LeadsWrite,
            Kind::Products => Permission::ProductsWrite,
            Kind::OpeningStock => Permission::StockAdjust,
            Kind::SupplierPrices => Permission::PurchasingWrite,
        }
    }
}
