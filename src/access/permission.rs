//! The fixed permission catalogue: `<area>.<action>`, each with its area and
//! a description in English and Simplified Chinese. Roles are data; these
//! codes are code. Later areas add their permissions here.

use std::fmt;

macro_rules! catalogue {
    ($( $variant:ident => $code:literal, $area:ident, $en:literal, $zh:literal; )+) => {
        /// One permission of the catalogue.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Permission {
            $(
                #[doc = $en]
                $variant,
            )+
        }

        impl Permission {
            /// Every permission, in catalogue order.
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),+];

            /// The stored code, such as `customers.read`.
            pub fn code(self) -> &'static str {
                match self { $(Permission::$variant => $code),+ }
            }

            /// The area it belongs to, for grouping in the permission matrix.
            pub fn area(self) -> Area {
                match self { $(Permission::$variant => Area::$area),+ }
            }

            /// What it allows, in English.
            pub fn description_en(self) -> &'static str {
                match self { $(Permission::$variant => $en),+ }
            }

            /// What it allows, in Simplified Chinese.
            pub fn description_zh(self) -> &'static str {
                match self { $(Permission::$variant => $zh),+ }
            }
        }
    };
}

catalogue! {
    CustomersRead => "customers.read", Customers, "See your own customers and their contacts", "查看自己的客户及其联系人";
    CustomersReadAll => "customers.read_all", Customers, "See every customer, not only your own", "查看所有客户，而不仅是自己的";
    CustomersWrite => "customers.write", Customers, "Create and edit customers and contacts", "创建和编辑客户及联系人";
    CustomersMerge => "customers.merge", Customers, "Merge duplicate customers", "合并重复客户";
    CustomersArchive => "customers.archive", Customers, "Archive and restore customers", "归档和恢复客户";
    LeadsRead => "leads.read", Leads, "See your own leads", "查看自己的线索";
    LeadsReadAll => "leads.read_all", Leads, "See every lead", "查看所有线索";
    LeadsWrite => "leads.write", Leads, "Create, edit, qualify and convert leads", "创建、编辑、确认和转化线索";
    OpportunitiesRead => "opportunities.read", Opportunities, "See your own opportunities", "查看自己的商机";
    OpportunitiesReadAll => "opportunities.read_all", Opportunities, "See every opportunity and the whole pipeline", "查看所有商机和完整销售管道";
    OpportunitiesWrite => "opportunities.write", Opportunities, "Create and move opportunities", "创建和推进商机";
    PipelineConfigure => "opportunities.configure", Opportunities, "Configure pipeline stages", "配置销售管道阶段";
    ActivitiesRead => "activities.read", Activities, "See your own activities", "查看自己的活动";
    ActivitiesReadAll => "activities.read_all", Activities, "See everyone's activities", "查看所有人的活动";
    ActivitiesWrite => "activities.write", Activities, "Log calls, meetings, tasks and notes", "记录电话、会议、任务和备注";
    CampaignsRead => "campaigns.read", Campaigns, "See campaigns and their results", "查看营销活动及其成效";
    CampaignsWrite => "campaigns.write", Campaigns, "Create and edit campaigns", "创建和编辑营销活动";
    ProductsRead => "products.read", Products, "See products and prices", "查看产品和价格";
    ProductsReadCost => "products.read_cost", Products, "See products' cost prices", "查看产品成本价";
    ProductsWrite => "products.write", Products, "Create and edit products", "创建和编辑产品";
    StockRead => "stock.read", Stock, "See stock levels and moves", "查看库存水平和库存变动";
    StockAdjust => "stock.adjust", Stock, "Adjust stock with a reason", "按原因调整库存";
    StockTransfer => "stock.transfer", Stock, "Transfer stock between warehouses", "在仓库之间调拨库存";
    WarehousesWrite => "warehouses.write", Stock, "Create and edit warehouses", "创建和编辑仓库";
    OrdersRead => "orders.read", Orders, "See your own customers' quotes and orders", "查看自己客户的报价和订单";
    OrdersReadAll => "orders.read_all", Orders, "See every quote and order", "查看所有报价和订单";
    OrdersWrite => "orders.write", Orders, "Create and edit quotes", "创建和编辑报价";
    OrdersConfirm => "orders.confirm", Orders, "Confirm orders (reserves stock)", "确认订单（预留库存）";
    OrdersCancel => "orders.cancel", Orders, "Cancel confirmed orders", "取消已确认的订单";
    OrdersApprove => "orders.approve", Orders, "Approve discounts (prices below list), tax-rate changes and credit-limit overrides", "批准折扣（低于标价的价格）、税率变更和信用额度超限";
    ShipmentsRead => "shipments.read", Shipments, "See shipments", "查看发货";
    ShipmentsWrite => "shipments.write", Shipments, "Pick, pack and ship orders", "拣货、包装和发货";
    InvoicesRead => "invoices.read", Invoices, "See your own customers' invoices", "查看自己客户的发票";
    InvoicesReadAll => "invoices.read_all", Invoices, "See every invoice", "查看所有发票";
    InvoicesWrite => "invoices.write", Invoices, "Raise and cancel invoices and credit notes", "开具和作废发票及贷项通知单";
    PaymentsRead => "payments.read", Payments, "See payments", "查看付款";
    PaymentsWrite => "payments.write", Payments, "Record payments", "登记付款";
    PurchasingRead => "purchasing.read", Purchasing, "See suppliers and purchase orders", "查看供应商和采购订单";
    PurchasingWrite => "purchasing.write", Purchasing, "Create and send purchase orders", "创建和发送采购订单";
    PurchasingReceive => "purchasing.receive", Purchasing, "Receive goods into stock", "收货入库";
    ReplenishmentManage => "purchasing.replenish", Purchasing, "Manage reorder rules and turn suggestions into orders", "管理补货规则并将建议转为采购订单";
    TicketsRead => "tickets.read", Tickets, "See your own and your queue's tickets", "查看自己和所在队列的工单";
    TicketsReadAll => "tickets.read_all", Tickets, "See every ticket", "查看所有工单";
    TicketsWrite => "tickets.write", Tickets, "Create tickets, reply and change status", "创建工单、回复和更改状态";
    TicketsAssign => "tickets.assign", Tickets, "Assign tickets to agents and queues", "将工单分配给客服和队列";
    TicketsReturns => "tickets.returns", Tickets, "Approve returns and credit notes from tickets", "批准工单中的退货和贷项通知单";
    TicketsConfigure => "tickets.configure", Tickets, "Configure queues, SLA policies and the working calendar", "配置队列、SLA 策略和工作日历";
    KnowledgeRead => "knowledge.read", Knowledge, "Read the knowledge base", "阅读知识库";
    KnowledgeWrite => "knowledge.write", Knowledge, "Write knowledge base articles", "编写知识库文章";
    DashboardsView => "dashboards.view", Dashboards, "See the dashboard of your role", "查看所属角色的仪表板";
    DashboardsViewAll => "dashboards.view_all", Dashboards, "See every role's dashboard", "查看所有角色的仪表板";
    ReportsView => "reports.view", Reports, "Run reports", "运行报表";
    ReportsExport => "reports.export", Reports, "Export lists and reports as CSV", "将列表和报表导出为 CSV";
    AdminUsers => "admin.users", Admin, "Manage users: create, edit, deactivate, reset passwords", "管理用户：创建、编辑、停用、重置密码";
    AdminRoles => "admin.roles", Admin, "Manage roles and their permissions", "管理角色及其权限";
    AdminAudit => "admin.audit", Admin, "Read the audit log", "查看审计日志";
    AdminIntegrations => "admin.integrations", Admin, "Manage API tokens and webhooks", "管理 API 令牌和 Webhook";
    AdminBackups => "admin.backups", Admin, "Create and restore backups", "创建和恢复备份";
    AdminOwnTokens => "admin.own_tokens", Admin, "Create and revoke API tokens for yourself", "为自己创建和吊销 API 令牌";
    AdminImport => "admin.import", Admin, "Import data from CSV files", "从 CSV 文件导入数据";
}

/// The areas permissions are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// Customers and contacts.
    Customers,
    /// Leads.
    Leads,
    /// Opportunities and the pipeline.
    Opportunities,
    /// Activities.
    Activities,
    /// Campaigns.
    Campaigns,
    /// Products.
    Products,
    /// Stock and warehouses.
    Stock,
    /// Quotes and sales orders.
    Orders,
    /// Shipments.
    Shipments,
    /// Invoices and credit notes.
    Invoices,
    /// Payments.
    Payments,
    /// Suppliers, purchase orders, replenishment.
    Purchasing,
    /// Service tickets.
    Tickets,
    /// Knowledge base.
    Knowledge,
    /// Dashboards.
    Dashboards,
    /// Reports.
    Reports,
    /// Administration.
    Admin,
}

impl Area {
    /// A stable key (`customers`).
    pub fn key(self) -> &'static str {
        match self {
            Area::Customers => "customers",
            Area::Leads => "leads",
            Area::Opportunities => "opportunities",
            Area::Activities => "activities",
            Area::Campaigns => "campaigns",
            Area::Products => "products",
            Area::Stock => "stock",
            Area::Orders => "orders",
            Area::Shipments => "shipments",
            Area::Invoices => "invoices",
            Area::Payments => "payments",
            Area::Purchasing => "purchasing",
            Area::Tickets => "tickets",
            Area::Knowledge => "knowledge",
            Area::Dashboards => "dashboards",
            Area::Reports => "reports",
            Area::Admin => "admin",
        }
    }
}

impl Permission {
    /// The permission with this code, if it is in the catalogue.
    pub fn from_code(code: &str) -> Option<Permission> {
        Permission::ALL.iter().copied().find(|p| p.code() == code)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_are_unique_and_shaped_area_dot_action() {
        let mut seen = HashSet::new();
        for p in Permission::ALL {
            assert!(seen.insert(p.code()), "duplicate code {}", p.code());
            let (area, action) = p.code().split_once('.').unwrap_or_default();
            assert!(!area.is_empty() && !action.is_empty(), "{}", p.code());
            assert!(p
                .code()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'));
            assert_eq!(Permission::from_code(p.code()), Some(*p));
        }
    }

    #[test]
    fn every_permission_is_described_in_both_languages() {
        for p in Permission::ALL {
            assert!(!p.description_en().trim().is_empty(), "{p}");
            assert!(!p.description_zh().trim().is_empty(), "{p}");
            assert_ne!(p.description_en(), p.description_zh(), "{p}");
        }
    }

    #[test]
    fn unknown_codes_are_not_permissions() {
        assert_eq!(Permission::from_code("customers.delete_everything"), None);
        assert_eq!(Permission::from_code(""), None);
    }
}
