//! The trading company most domain tests work in: a manager, two sales
//! users, a warehouse keeper and two warehouses, with helpers for products,
//! customers and quotes.

use sea_orm::EntityTrait;
use tandem_domain::{
    access::{builtin::BuiltinRole, Actor},
    entities::{sales_order_lines, stock_levels},
    Db, Error,
    {
        crm::customers::{self, CustomerInput},
        inventory::products::{self, ProductInput},
        inventory::stock::{self, AdjustInput},
        inventory::warehouses::{self, WarehouseInput},
        sales::orders::{LineInput, OrderInput},
    },
};

use crate::support::{actor, user_with, BoxResult};

pub struct Erp {
    pub admin: Actor,
    pub manager: Actor,
    pub ana: Actor,
    pub ben: Actor,
    pub keeper: Actor,
    pub main: i64,
    pub east: i64,
}

pub async fn erp(db: &Db, admin: Actor) -> BoxResult<Erp> {
    let manager = user_with(db, &admin, "manager@example.com", BuiltinRole::Manager).await?;
    let ana = user_with(db, &admin, "ana@example.com", BuiltinRole::Sales).await?;
    let ben = user_with(db, &admin, "ben@example.com", BuiltinRole::Sales).await?;
    let keeper = user_with(db, &admin, "keeper@example.com", BuiltinRole::Warehouse).await?;
    let keeper = actor(db, keeper).await?;
    let main = warehouses::create(db, &keeper, &house("MAIN", "Main warehouse")).await?;
    let east = warehouses::create(db, &keeper, &house("EAST", "East depot")).await?;
    Ok(Erp {
        manager: actor(db, manager).await?,
        ana: actor(db, ana).await?,
        ben: actor(db, ben).await?,
        keeper,
        admin,
        main: main.id,
        east: east.id,
    })
}

pub(crate) fn house(code: &str, name: &str) -> WarehouseInput {
    WarehouseInput {
        code: code.into(),
        name: name.into(),
        address: String::new(),
        active: true,
    }
}

pub fn product(sku: &str, price: i64, tax_bp: i32) -> ProductInput {
    ProductInput {
        sku: sku.into(),
        name: format!("Product {sku}"),
        unit: "pcs".into(),
        list_price_minor: price,
        cost_price_minor: Some(price / 2),
        tax_rate_bp: tax_bp,
        active: true,
        ..Default::default()
    }
}

pub async fn stocked(db: &Db, e: &Erp, sku: &str, price: i64, on_hand: i64) -> BoxResult<i64> {
    let p = products::create(db, &e.keeper, &product(sku, price, 1900)).await?;
    if on_hand > 0 {
        stock::adjust(
            db,
            &e.keeper,
            &AdjustInput {
                product_id: p.id,
                warehouse_id: e.main,
                quantity: on_hand,
                reason: "opening stock".into(),
            },
        )
        .await?;
    }
    Ok(p.id)
}

pub async fn customer(db: &Db, owner: &Actor, name: &str, limit: i64) -> BoxResult<i64> {
    Ok(customers::create(
        db,
        owner,
        &CustomerInput {
            kind: "company".into(),
            name: name.into(),
            currency: "EUR".into(),
            payment_terms_days: 30,
            credit_limit_minor: limit,
            ..Default::default()
        },
    )
    .await?
    .id)
}

pub fn line(product_id: i64, quantity: i64) -> LineInput {
    LineInput {
        product_id,
        quantity,
        ..Default::default()
    }
}

pub fn quote(customer_id: i64, warehouse_id: i64, lines: Vec<LineInput>) -> OrderInput {
    OrderInput {
        customer_id,
        warehouse_id,
        lines,
        ..Default::default()
    }
}

pub(crate) async fn level(db: &Db, product: i64, warehouse: i64) -> BoxResult<(i64, i64)> {
    Ok(stock_levels::Entity::find_by_id((product, warehouse))
        .one(db)
        .await?
        .map(|l| (l.on_hand, l.reserved))
        .unwrap_or_default())
}

pub(crate) async fn lines(db: &Db, order: i64) -> BoxResult<Vec<sales_order_lines::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    Ok(sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order))
        .order_by_asc(sales_order_lines::Column::LineNo)
        .all(db)
        .await?)
}

/// The error of an operation that must be refused.
pub(crate) trait Refused {
    fn refused(self) -> BoxResult<Error>;
}

impl<T: std::fmt::Debug> Refused for Result<T, Error> {
    fn refused(self) -> BoxResult<Error> {
        match self {
            Ok(value) => Err(format!("accepted but should be refused: {value:?}").into()),
            Err(err) => Ok(err),
        }
    }
}

pub(crate) fn field_of(err: &Error) -> Vec<String> {
    match err {
        Error::Validation(fields) => fields.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// A small deterministic generator for the property tests.
pub(crate) struct Gen(pub(crate) u64);

impl Gen {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
