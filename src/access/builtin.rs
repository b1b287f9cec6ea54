//! The built-in roles, created on first start and editable afterwards.

use super::Permission::{self, *};

/// A role Tandem creates on first start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinRole {
    /// Everything.
    Admin,
    /// All business data, approvals, dashboards and reports.
    Manager,
    /// CRM, quotes and orders.
    Sales,
    /// Products, stock, shipments, purchasing.
    Warehouse,
    /// Tickets and the knowledge base.
    Support,
}

impl BuiltinRole {
    /// Every built-in role.
    pub const ALL: [BuiltinRole; 5] = [
        BuiltinRole::Admin,
        BuiltinRole::Manager,
        BuiltinRole::Sales,
        BuiltinRole::Warehouse,
        BuiltinRole::Support,
    ];

    /// The stable key stored in `roles.builtin`.
    pub fn key(self) -> &'static str {
        match self {
            BuiltinRole::Admin => "admin",
            BuiltinRole::Manager => "manager",
            BuiltinRole::Sales => "sales",
            BuiltinRole::Warehouse => "warehouse",
            BuiltinRole::Support => "support",
        }
    }

    /// The name it is created with.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinRole::Admin => "Admin",
            BuiltinRole::Manager => "Manager",
            BuiltinRole::Sales => "Sales",
            BuiltinRole::Warehouse => "Warehouse",
            BuiltinRole::Support => "Support",
        }
    }

    /// The description it is created with.
    pub fn description(self) -> &'static str {
        match self {
            BuiltinRole::Admin => "Users, roles, audit, integrations, backups; everything else too",
            BuiltinRole::Manager => "All business data, approvals, dashboards and reports",
            BuiltinRole::Sales => {
                "Customers, leads, opportunities, activities, campaigns, quotes and orders"
            }
            BuiltinRole::Warehouse => {
                "Products, warehouses, stock, shipments, receipts, purchasing"
            }
            BuiltinRole::Support => {
                "Tickets and the knowledge base; reads customers, orders and invoices"
            }
        }
    }

    /// The permissions it is created with.
    pub fn permissions(self) -> Vec<Permission> {
        match self {
            BuiltinRole::Admin => Permission::ALL.to_vec(),
            BuiltinRole::Manager => Permission::ALL
                .iter()
                .copied()
                .filter(|p| {
                    !matches!(
                        p,
                        AdminUsers | AdminRoles | AdminIntegrations | AdminBackups
                    )
                })
                .collect(),
            BuiltinRole::Sales => vec![
                CustomersRead,
                CustomersWrite,
                LeadsRead,
                LeadsWrite,
                OpportunitiesRead,
                OpportunitiesWrite,
                ActivitiesRead,
                ActivitiesWrite,
                CampaignsRead,
                CampaignsWrite,
                ProductsRead,
                StockRead,
                OrdersRead,
                OrdersWrite,
                OrdersConfirm,
                ShipmentsRead,
                InvoicesRead,
                PaymentsRead,
                TicketsRead,
                KnowledgeRead,
                DashboardsView,
                ReportsExport,
            ],
            BuiltinRole::Warehouse => vec![
                ProductsRead,
                ProductsReadCost,
                ProductsWrite,
                StockRead,
                StockAdjust,
                StockTransfer,
                WarehousesWrite,
                OrdersRead,
                OrdersReadAll,
                ShipmentsRead,
                ShipmentsWrite,
                PurchasingRead,
                PurchasingWrite,
                PurchasingReceive,
                ReplenishmentManage,
                DashboardsView,
                ReportsExport,
            ],
            BuiltinRole::Support => vec![
                TicketsRead,
                TicketsWrite,
                TicketsAssign,
                TicketsReturns,
                KnowledgeRead,
                KnowledgeWrite,
                CustomersRead,
                CustomersReadAll,
                OrdersRead,
                OrdersReadAll,
                ShipmentsRead,
                InvoicesRead,
                InvoicesReadAll,
                ActivitiesRead,
                ActivitiesWrite,
                ProductsRead,
                DashboardsView,
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_cannot_see_cost_prices_or_administer() {
        let sales = BuiltinRole::Sales.permissions();
        assert!(!sales.contains(&ProductsReadCost));
        assert!(!sales.iter().any(|p| p.code().starts_with("admin.")));
    }

    #[test]
    fn only_admin_administers_users_and_roles() {
        for role in BuiltinRole::ALL {
            let p = role.permissions();
            let administers = p.contains(&AdminUsers) && p.contains(&AdminRoles);
            assert_eq!(administers, role == BuiltinRole::Admin, "{}", role.key());
        }
    }
}
