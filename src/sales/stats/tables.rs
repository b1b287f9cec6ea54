//! The four summary tables (`order_stats`, `product_stats`,
//! `customer_stats`, `product_year_stats`): their key and measure columns
//! and how a row maps to a key and its measures.

use sea_orm::ActiveValue::Set;

use super::{
    keys::{Counts, CustomerKey, Key, ProductCounts, ProductKey, ProductYearKey},
    store::Table,
};
use crate::entities::{customer_stats, order_stats, product_stats, product_year_stats};

/// `order_stats`.
pub(super) struct Orders;

impl Table for Orders {
    type Key = Key;
    type Counts = Counts;
    type Entity = order_stats::Entity;

    fn keys() -> Vec<order_stats::Column> {
        use order_stats::Column as C;
        vec![
            C::Day,
            C::State,
            C::WarehouseId,
            C::OwnerId,
            C::Segment,
            C::Currency,
        ]
    }

    fn measures() -> Vec<order_stats::Column> {
        use order_stats::Column as C;
        vec![C::Orders, C::NetMinor, C::TotalMinor]
    }

    fn id() -> order_stats::Column {
        order_stats::Column::Id
    }

    fn row(key: &Key, counts: &Counts) -> order_stats::ActiveModel {
        order_stats::ActiveModel {
            day: Set(key.day),
            state: Set(key.state.clone()),
            warehouse_id: Set(key.warehouse_id),
            owner_id: Set(key.owner_id),
            segment: Set(key.segment.clone()),
            currency: Set(key.currency.clone()),
            orders: Set(counts.orders),
            net_minor: Set(counts.net_minor),
            total_minor: Set(counts.total_minor),
            ..Default::default()
        }
    }

    fn read(r: order_stats::Model) -> (Key, Counts) {
        let key = Key {
            day: r.day,
            state: r.state,
            warehouse_id: r.warehouse_id,
            owner_id: r.owner_id,
            segment: r.segment,
            currency: r.currency,
        };
        let counts = Counts {
            orders: r.orders,
            net_minor: r.net_minor,
            total_minor: r.total_minor,
        };
        (key, counts)
    }
}

/// `product_stats`.
pub(super) struct Products;

impl Table for Products {
    type Key = ProductKey;
    type Counts = ProductCounts;
    type Entity = product_stats::Entity;

    fn keys() -> Vec<product_stats::Column> {
        use product_stats::Column as C;
        vec![C::Day, C::State, C::WarehouseId, C::Currency, C::ProductId]
    }

    fn measures() -> Vec<product_stats::Column> {
        use product_stats::Column as C;
        vec![C::Lines, C::Quantity, C::NetMinor]
    }

    fn id() -> product_stats::Column {
        product_stats::Column::Id
    }

    fn row(key: &ProductKey, counts: &ProductCounts) -> product_stats::ActiveModel {
        product_stats::ActiveModel {
            day: Set(key.day),
            state: Set(key.state.clone()),
            warehouse_id: Set(key.warehouse_id),
            currency: Set(key.currency.clone()),
            product_id: Set(key.product_id),
            lines: Set(counts.lines),
            quantity: Set(counts.quantity),
            net_minor: Set(counts.net_minor),
            ..Default::default()
        }
    }

    fn read(r: product_stats::Model) -> (ProductKey, ProductCounts) {
        let key = ProductKey {
            day: r.day,
            state: r.state,
            warehouse_id: r.warehouse_id,
            currency: r.currency,
            product_id: r.product_id,
        };
        let counts = ProductCounts {
            lines: r.lines,
            quantity: r.quantity,
            net_minor: r.net_minor,
        };
        (key, counts)
    }
}

/// `customer_stats`.
pub(super) struct Customers;

impl Table for Customers {
    type Key = CustomerKey;
    type Counts = Counts;
    type Entity = customer_stats::Entity;

    fn keys() -> Vec<customer_stats::Column> {
        use customer_stats::Column as C;
        vec![C::Year, C::Currency, C::CustomerId]
    }

    fn measures() -> Vec<customer_stats::Column> {
        use customer_stats::Column as C;
        vec![C::Orders, C::NetMinor, C::TotalMinor]
    }

    fn id() -> customer_stats::Column {
        customer_stats::Column::Id
    }

    fn row(key: &CustomerKey, counts: &Counts) -> customer_stats::ActiveModel {
        customer_stats::ActiveModel {
            year: Set(key.year),
            currency: Set(key.currency.clone()),
            customer_id: Set(key.customer_id),
            orders: Set(counts.orders),
            net_minor: Set(counts.net_minor),
            total_minor: Set(counts.total_minor),
            ..Default::default()
        }
    }

    fn read(r: customer_stats::Model) -> (CustomerKey, Counts) {
        let key = CustomerKey {
            year: r.year,
            currency: r.currency,
            customer_id: r.customer_id,
        };
        let counts = Counts {
            orders: r.orders,
            net_minor: r.net_minor,
            total_minor: r.total_minor,
        };
        (key, counts)
    }
}

/// `product_year_stats`.
pub(super) struct ProductYears;

impl Table for ProductYears {
    type Key = ProductYearKey;
    type Counts = ProductCounts;
    type Entity = product_year_stats::Entity;

    fn keys() -> Vec<product_year_stats::Column> {
        use product_year_stats::Column as C;
        vec![C::Year, C::Currency, C::WarehouseId, C::ProductId]
    }

    fn measures() -> Vec<product_year_stats::Column> {
        use product_year_stats::Column as C;
        vec![C::Lines, C::Quantity, C::NetMinor]
    }

    fn id() -> product_year_stats::Column {
        product_year_stats::Column::Id
    }

    fn row(key: &ProductYearKey, counts: &ProductCounts) -> product_year_stats::ActiveModel {
        product_year_stats::ActiveModel {
            year: Set(key.year),
            currency: Set(key.currency.clone()),
            warehouse_id: Set(key.warehouse_id),
            product_id: Set(key.product_id),
            lines: Set(counts.lines),
            quantity: Set(counts.quantity),
            net_minor: Set(counts.net_minor),
            ..Default::default()
        }
    }

    fn read(r: product_year_stats::Model) -> (ProductYearKey, ProductCounts) {
        let key = ProductYearKey {
            year: r.year,
            currency: r.currency,
            warehouse_id: r.warehouse_id,
            product_id: r.product_id,
        };
        let counts = ProductCounts {
            lines: r.lines,
            quantity: r.quantity,
            net_minor: r.net_minor,
        };
        (key, counts)
    }
}
