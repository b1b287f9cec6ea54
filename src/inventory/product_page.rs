//! A product's page in one read: the product, its stock per warehouse for
//! those who may see stock, and what the reader may do to it. It joins
//! `products` and `stock`, so it sits beside both.

use sea_orm::ConnectionTrait;

use crate::{
    access::{policy, Actor, Permission},
    inventory::{
        products::{self, Product},
        stock::{self, LevelRow},
    },
    Result,
};

/// What the actor may do to products and their stock, for the buttons of
/// a product's page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Abilities {
    /// See stock levels and moves (`stock.read`).
    pub see_stock: bool,
    /// Edit products (`products.write`).
    pub write: bool,
    /// Adjust stock (`stock.adjust`).
    pub adjust: bool,
    /// Transfer stock between warehouses (`stock.transfer`).
    pub transfer: bool,
}

/// The actor's abilities, from the permissions the reads and writes require.
pub fn abilities(actor: &Actor) -> Abilities {
    let has = |permission| policy::require(actor, permission).is_ok();
    Abilities {
        see_stock: has(Permission::StockRead),
        write: has(Permission::ProductsWrite),
        adjust: has(Permission::StockAdjust),
        transfer: has(Permission::StockTransfer),
    }
}

/// Everything a product's page shows.
#[derive(Clone, Debug)]
pub struct ProductPage {
    /// The product as the reader may see it.
    pub product: Product,
    /// Its stock per warehouse; `None` without `stock.read`.
    pub levels: Option<Vec<LevelRow>>,
    /// What the reader may do to it.
    pub abilities: Abilities,
}

/// A product's page (`products.read`; the levels only with `stock.read`).
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<ProductPage> {
    let product = products::get(db, actor, id).await?;
    let abilities = abilities(actor);
    let levels = if abilities.see_stock {
        Some(stock::levels(db, actor, id).await?)
    } else {
        None
    };
    Ok(ProductPage {
        product,
        levels,
        abilities,
    })
}
