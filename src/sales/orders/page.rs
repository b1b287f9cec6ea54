//! One order as its page shows it: the detail, why a quote waits for an
//! approval, and what the reader may do to the order in its state.

use sea_orm::ConnectionTrait;

use super::{
    approval::approval,
    detail::{get, OrderDetail},
    state::OrderState,
};
use crate::{
    access::{policy, Actor, Permission},
    Result,
};

/// What the actor may do to one order, for the buttons of its page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Abilities {
    /// Edit the quote: a draft, with `orders.write`.
    pub edit: bool,
    /// Confirm it: a draft, with `orders.confirm`.
    pub confirm: bool,
    /// Approve it: a draft that needs an approval, with `orders.approve`.
    pub approve: bool,
    /// Cancel it: a draft with `orders.write`, a confirmed order with
    /// `orders.cancel`.
    pub cancel: bool,
    /// Create shipments: it holds stock, with `shipments.write`.
    pub ship: bool,
}

/// The actor's abilities on an order in `state` (`needs_approval`: it is a
/// quote waiting for an approval), from the permissions the writes require.
pub fn abilities(actor: &Actor, state: OrderState, needs_approval: bool) -> Abilities {
    let has = |permission| policy::require(actor, permission).is_ok();
    let draft = state == OrderState::Draft;
    Abilities {
        edit: draft && has(Permission::OrdersWrite),
        confirm: draft && has(Permission::OrdersConfirm),
        approve: draft && needs_approval && has(Permission::OrdersApprove),
        cancel: match state {
            OrderState::Draft => has(Permission::OrdersWrite),
            OrderState::Confirmed => has(Permission::OrdersCancel),
            _ => false,
        },
        ship: state.holds_stock() && has(Permission::ShipmentsWrite),
    }
}

/// Everything an order's page shows.
#[derive(Clone, Debug)]
pub struct OrderPage {
    /// The order with its lines, shipments and names.
    pub detail: OrderDetail,
    /// Why it needs an approval (`credit_limit`, `discount`, `tax`,
    /// comma-separated; empty when none): for a quote not yet approved,
    /// what confirming it now would need; once approved, nothing.
    pub approval_reason: String,
    /// What the reader may do to it.
    pub abilities: Abilities,
}

/// An order's page. Needs the order in the reader's scope.
pub async fn page(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<OrderPage> {
    let detail = get(db, actor, id).await?;
    let approval_reason = if detail.order.approved_by.is_some() {
        String::new()
    } else if detail.state == OrderState::Draft {
        approval(db, actor, id).await?.reason()
    } else {
        detail.order.approval_reason.clone()
    };
    let abilities = abilities(actor, detail.state, !approval_reason.is_empty());
    Ok(OrderPage {
        detail,
        approval_reason,
        abilities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::RequestMeta;

    fn actor(permissions: &[Permission]) -> Actor {
        Actor {
            user_id: 7,
            email: "a@example.com".into(),
            name: "A".into(),
            role_ids: vec![],
            permissions: permissions.iter().copied().collect(),
            meta: RequestMeta::default(),
        }
    }

    #[test]
    fn abilities_follow_the_state_and_the_permissions_of_the_writes() {
        use OrderState::{Cancelled, Confirmed, Draft, PartiallyShipped, Shipped};
        use Permission::{OrdersApprove, OrdersCancel, OrdersConfirm, OrdersWrite, ShipmentsWrite};
        let all = actor(&[
            OrdersWrite,
            OrdersConfirm,
            OrdersApprove,
            OrdersCancel,
            ShipmentsWrite,
        ]);
        let writer = actor(&[OrdersWrite]);
        let reader = actor(&[]);
        let none = Abilities::default();
        let cases = [
            (&reader, Draft, true, none),
            (
                &all,
                Draft,
                true,
                Abilities {
                    edit: true,
                    confirm: true,
                    approve: true,
                    cancel: true,
                    ship: false,
                },
            ),
            (
                &all,
                Draft,
                false,
                Abilities {
                    edit: true,
                    confirm: true,
                    approve: false,
                    cancel: true,
                    ship: false,
                },
            ),
            (
                &writer,
                Draft,
                true,
                Abilities {
                    edit: true,
                    cancel: true,
                    ..none
                },
            ),
            (
                &all,
                Confirmed,
                false,
                Abilities {
                    cancel: true,
                    ship: true,
                    ..none
                },
            ),
            (&writer, Confirmed, false, none),
            (
                &all,
                PartiallyShipped,
                false,
                Abilities { ship: true, ..none },
            ),
            (&all, Shipped, false, none),
            (&all, Cancelled, false, none),
        ];
        for (actor, state, needs_approval, expected) in cases {
            assert_eq!(
                abilities(actor, state, needs_approval),
                expected,
                "{state:?} {needs_approval}"
            );
        }
    }
}
