//! The demo's customer service: the working calendar (Berlin office
//! hours, public holidays), SLA policies, three queues, about 300 tickets
//! across kinds, channels, priorities and statuses over the last two
//! months (some breached, some rated), returns through the real return
//! service (some approved with their credit notes and return moves), and
//! 20 knowledge base articles in English and Chinese.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::{
    access::builtin::BuiltinRole,
    db::Tx,
    entities::{
        customers, invoice_lines, invoices, queue_members, queues, sla_calendars, sla_holidays,
        sla_policies, ticket_comments, ticket_status_changes, tickets, users,
    },
    Result,
    {
        demo::crm_data::Gen,
        demo::erp_data::demo_actor,
        demo::EXTRA_SUPPORT,
        service::knowledge::{self, ArticleInput},
        service::returns::{self, ReturnInput},
        service::service_desk,
        service::tickets::{self as ticket_service, TicketInput},
    },
};

const SUBJECTS: &[(&str, &str)] = &[
    ("request", "Please send a copy of the delivery note"),
    ("request", "Change the delivery address for our next order"),
    ("request", "Need a quote for 200 more units"),
    ("request", "请提供产品的技术参数表"),
    ("complaint", "Parcel arrived damaged"),
    ("complaint", "Delivery was two days late"),
    ("complaint", "Wrong colour delivered"),
    ("complaint", "发票金额与报价不一致"),
    ("return", "Return of unused items"),
    ("return", "Item faulty on arrival, want to send it back"),
    ("return", "退回多发的货物"),
    ("question", "How do I track my shipment?"),
    ("question", "What are your payment terms?"),
    ("question", "Can I pay by card?"),
    ("question", "如何申请退货？"),
];

const ARTICLES: &[(&str, &str, &str, &str, &str)] = &[
    ("en", "Orders", "How to track your shipment", "shipping,tracking",
     "Every shipment gets a **carrier** and a **tracking number** when it leaves our warehouse.\n\n1. Find the shipment number on your delivery note.\n2. Open the carrier's website and enter the tracking number.\n\nIf the tracking shows no movement for three working days, contact support."),
    ("en", "Returns", "How to return goods", "returns,rma",
     "You can return goods within **30 days** of delivery.\n\n- Use the support form and choose your order number.\n- We send a return authorisation (RMA) number.\n- Pack the goods with the RMA number visible.\n\nOnce the goods arrive, we issue a credit note for them."),
    ("en", "Returns", "Refunds and credit notes", "refund,credit,returns",
     "When a return is approved we issue a **credit note**. It first reduces what your invoice still owes; anything you already paid becomes credit on your account, used for your next invoice or refunded on request."),
    ("en", "Invoices", "Payment terms and methods", "payment,invoice,terms",
     "Invoices are due within the payment terms agreed for your account (usually 30 days). We accept bank transfer, card and cheque. Quote the invoice number as payment reference."),
    ("en", "Invoices", "Why is my invoice overdue?", "invoice,overdue,payment",
     "An invoice is overdue when its due date has passed and it is not paid in full. Partial payments reduce the amount owed. Contact us if you believe a payment is missing."),
    ("en", "Orders", "Changing or cancelling an order", "order,cancel,change",
     "Quotes can be changed freely. A confirmed order can be cancelled until anything has shipped; after that, please request a return for the shipped part."),
    ("en", "Orders", "Partial deliveries and backorders", "backorder,shipping,delivery",
     "When part of an order is out of stock we ship what is available and **backorder** the rest. Backorders are reserved automatically, oldest order first, when new stock arrives."),
    ("en", "Account", "Updating your company details", "account,address,tax",
     "Send us your new address, tax number or billing email through the support form. Changes apply to invoices raised after the update."),
    ("en", "Products", "Damaged or faulty goods", "damaged,faulty,complaint",
     "If goods arrive **damaged**, take photos of the parcel and the goods and open a complaint within 7 days. We replace the goods or issue a credit note."),
    ("en", "Support", "Our service hours and response times", "sla,hours,support",
     "Support works Monday to Friday, 09:00–17:00 (Berlin). Urgent tickets get a first answer within one working hour, normal tickets within one working day."),
    ("zh", "订单", "如何跟踪您的货物", "物流,跟踪",
     "每批货物离开仓库时都会有**承运商**和**运单号**。\n\n1. 在送货单上找到发货单号。\n2. 打开承运商网站输入运单号。\n\n如果三个工作日内物流没有更新，请联系客服。"),
    ("zh", "退货", "如何申请退货", "退货,退货授权",
     "收货后 **30 天** 内可以退货。\n\n- 通过支持表单提交并填写订单号。\n- 我们会发送退货授权（RMA）编号。\n- 包装时请在外箱标明 RMA 编号。\n\n货物到达后，我们会为其开具贷项通知单。"),
    ("zh", "退货", "退款与贷项通知单", "退款,贷项,退货",
     "退货获批后我们会开具**贷项通知单**。它首先冲减发票的未付金额；您已支付的部分将成为账户贷项，可用于下一张发票或按要求退款。"),
    ("zh", "发票", "付款条件与付款方式", "付款,发票,账期",
     "发票须在为您的账户约定的付款期限内支付（通常为 30 天）。我们接受银行转账、银行卡和支票。付款时请注明发票号。"),
    ("zh", "发票", "为什么我的发票逾期了？", "发票,逾期,付款",
     "发票到期日已过且未全额付清即为逾期。部分付款会减少未付金额。如您认为有付款遗漏，请联系我们。"),
    ("zh", "订单", "修改或取消订单", "订单,取消,修改",
     "报价可以随时修改。已确认的订单在发货前可以取消；发货后，请为已发货部分申请退货。"),
    ("zh", "订单", "分批发货与缺货", "缺货,发货,交付",
     "当订单部分缺货时，我们先发出现有货物，其余部分记为**缺货**。新货到达后会按订单先后自动预留。"),
    ("zh", "账户", "更新公司信息", "账户,地址,税号",
     "请通过支持表单发送新的地址、税号或账单邮箱。更新后开具的发票将使用新信息。"),
    ("zh", "产品", "货物损坏或故障", "损坏,故障,投诉",
     "如果货物到达时**损坏**，请拍摄包裹和货物照片，并在 7 天内提交投诉。我们会更换货物或开具贷项通知单。"),
    ("zh", "支持", "服务时间与响应时间", "服务,时间,响应",
     "客服工作时间为周一至周五 09:00–17:00（柏林时间）。紧急工单在一个工作小时内首次回复，普通工单在一个工作日内回复。"),
];

pub(crate) async fn seed(db: &impl Tx, now: DateTime<Utc>) -> Result<()> {
    let support = demo_actor(db, BuiltinRole::Support).await?;
    let manager = demo_actor(db, BuiltinRole::Manager).await?;
    // Calendar: Berlin office hours (UTC+1 in winter), a few holidays.
    let calendar_id = service_desk::default_calendar(db).await?;
    sla_calendars::Entity::update_many()
        .col_expr(sla_calendars::Column::Name, Expr::value("Berlin office"))
        .col_expr(sla_calendars::Column::UtcOffsetMinutes, Expr::value(60))
        .filter(sla_calendars::Column::Id.eq(calendar_id))
        .exec(db)
        .await?;
    for (y, m, d, name) in [
        (2026, 12, 24, "Christmas Eve"),
        (2026, 12, 25, "Christmas Day"),
        (2026, 12, 26, "Boxing Day"),
        (2027, 1, 1, "New Year's Day"),
        (2026, 10, 3, "German Unity Day"),
    ] {
        if let Some(day) = NaiveDate::from_ymd_opt(y, m, d) {
            sla_holidays::Entity::insert(sla_holidays::ActiveModel {
                calendar_id: Set(calendar_id),
                day: Set(day),
                name: Set(name.into()),
            })
            .exec_without_returning(db)
            .await?;
        }
    }
    for (name, priority, segment, response, resolution) in [
        ("Urgent", "urgent", "", 60, 480),
        ("High", "high", "", 240, 960),
        ("Normal", "normal", "", 480, 2400),
        ("Low", "low", "", 960, 4800),
        ("Wholesale urgent", "urgent", "wholesale", 30, 240),
    ] {
        sla_policies::ActiveModel {
            name: Set(name.into()),
            priority: Set(priority.into()),
            segment: Set(segment.into()),
            first_response_minutes: Set(response),
            resolution_minutes: Set(resolution),
            calendar_id: Set(calendar_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    // Agents: the demo support user and the extra ones.
    let mut agents = vec![support.user_id];
    for (email, _) in EXTRA_SUPPORT {
        if let Some(u) = users::Entity::find()
            .filter(users::Column::EmailKey.eq(email.to_lowercase()))
            .one(db)
            .await?
        {
            agents.push(u.id);
        }
    }
    let mut queue_ids = Vec::new();
    for (name, auto, members) in [
        ("General support", true, agents.clone()),
        ("Returns desk", false, vec![support.user_id]),
        ("Technical", true, agents[1..].to_vec()),
    ] {
        let q = queues::ActiveModel {
            name: Set(name.into()),
            manager_id: Set(Some(manager.user_id)),
            auto_assign: Set(auto),
            last_assignee_id: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for user_id in members {
            queue_members::ActiveModel {
                queue_id: Set(q.id),
                user_id: Set(user_id),
            }
            .insert(db)
            .await?;
        }
        queue_ids.push(q.id);
    }
    // Articles.
    for (language, category, title, tags, body) in ARTICLES {
        knowledge::save(
            db,
            &support,
            None,
            &ArticleInput {
                title: (*title).into(),
                body: (*body).into(),
                category: (*category).into(),
                tags: vec![(*tags).into()],
                language: (*language).into(),
                published: true,
            },
        )
        .await?;
    }
    seed_tickets(db, now, &support, &agents, &queue_ids).await
}

async fn seed_tickets(
    db: &impl Tx,
    now: DateTime<Utc>,
    support: &crate::access::Actor,
    agents: &[i64],
    queue_ids: &[i64],
) -> Result<()> {
    let mut gen = Gen::new(7_2026);
    let customers: Vec<customers::Model> = customers::Entity::find()
        .filter(customers::Column::Archived.eq(false))
        .filter(customers::Column::MergedIntoId.is_null())
        .order_by_asc(customers::Column::Id)
        .all(db)
        .await?;
    if customers.is_empty() {
        return Ok(());
    }
    // Invoiced orders with lines that can come back (for returns).
    let billed: Vec<invoices::Model> = invoices::Entity::find()
        .filter(invoices::Column::State.ne("cancelled"))
        .order_by_asc(invoices::Column::Id)
        .all(db)
        .await?;
    let channels = [
        "web", "email", "phone", "social", "api", "email", "web", "phone",
    ];
    let priorities = [
        "low", "normal", "normal", "normal", "high", "high", "urgent",
    ];
    let mut returns_made = 0;
    for i in 0..300u64 {
        let (kind, subject) = *gen.pick(SUBJECTS);
        // Spread over 60 days; the newest ones still open.
        let age_hours = (i64::try_from(300 - i).unwrap_or(0) * 60 * 24 / 300) + gen.below(6) as i64;
        let at = now - Duration::hours(age_hours);
        let invoice = (kind == "return" && returns_made < 24 && !billed.is_empty())
            .then(|| billed[gen.below(billed.len() as u64) as usize].clone());
        let customer = match &invoice {
            Some(inv) => customers.iter().find(|c| c.id == inv.customer_id).cloned(),
            None => Some(gen.pick(&customers).clone()),
        };
        let Some(customer) = customer else { continue };
        let agent = *gen.pick(agents);
        let queue = if kind == "return" {
            queue_ids[1]
        } else {
            *gen.pick(&[queue_ids[0], queue_ids[0], queue_ids[2]])
        };
        let valid = ticket_service::validate(
            db,
            &TicketInput {
                customer_id: Some(customer.id),
                contact_id: None,
                requester_name: customer.name.clone(),
                requester_email: customer.email.clone().unwrap_or_default(),
                order_id: invoice.as_ref().map(|inv| inv.order_id),
                shipment_id: None,
                kind: kind.into(),
                channel: (*gen.pick(&channels)).into(),
                subject: subject.into(),
                description: format!("{subject}.\n\n— {}", customer.name),
                priority: (*gen.pick(&priorities)).into(),
                queue_id: Some(queue),
                assignee_id: (gen.below(10) > 0).then_some(agent),
                tags: Vec::new(),
            },
        )
        .await?;
        let ticket = ticket_service::insert(db, Some(support), &valid, at).await?;
        // A life: the older the ticket, the further along it is.
        let fresh = age_hours < 30;
        let steps: &[&str] = match (fresh, gen.below(10)) {
            (true, 0..=3) => &[],
            (true, 4..=6) => &["open"],
            (true, _) => &["open", "waiting"],
            (false, 0) => &["open"],
            (false, 1) => &["open", "waiting"],
            (false, 2..=5) => &["open", "resolved", "closed"],
            (false, _) => &["open", "resolved"],
        };
        let mut when = at;
        let mut last = "new".to_owned();
        let mut row: tickets::ActiveModel = ticket.clone().into();
        for step in steps {
            when += Duration::minutes(20 + gen.below(600) as i64);
            if when >= now {
                break;
            }
            if *step == "open" {
                ticket_comments::ActiveModel {
                    ticket_id: Set(ticket.id),
                    author_id: Set(Some(agent)),
                    author_name: Set("Support".into()),
                    public: Set(true),
                    body: Set("Thank you, we are looking into it.".into()),
                    created_at: Set(when),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                row.first_responded_at = Set(Some(when));
            }
            match *step {
                "resolved" => {
                    row.resolved_at = Set(Some(when));
                    row.resolution_minutes = Set(Some(ticket_service::resolution_minutes(
                        ticket.created_at,
                        when,
                    )));
                    if gen.below(3) > 0 {
                        row.rating = Set(Some(
                            3 + gen.below(3) as i32 - i32::from(gen.below(5) == 0) * 2,
                        ));
                        row.rated_at = Set(Some(when + Duration::hours(5)));
                    }
                }
                "closed" => row.closed_at = Set(Some(when)),
                _ => {}
            }
            ticket_status_changes::ActiveModel {
                ticket_id: Set(ticket.id),
                from_status: Set(last.clone()),
                to_status: Set((*step).into()),
                changed_by: Set(Some(agent)),
                changed_at: Set(when),
                ..Default::default()
            }
            .insert(db)
            .await?;
            last = (*step).into();
        }
        row.status = Set(last.clone());
        row.updated_at = Set(when);
        let ticket = row.update(db).await?;
        ticket_service::refresh_sla(db, &ticket, now).await?;
        // Returns: request through the service; approve most of them.
        if let Some(inv) = invoice {
            let line = invoice_lines::Entity::find()
                .filter(invoice_lines::Column::InvoiceId.eq(inv.id))
                .filter(
                    Expr::col(invoice_lines::Column::Quantity)
                        .gt(Expr::col(invoice_lines::Column::CreditedQuantity)),
                )
                .one(db)
                .await?;
            if let Some(line) = line {
                let requested = returns::request(
                    db,
                    support,
                    ticket.id,
                    &ReturnInput {
                        order_id: inv.order_id,
                        warehouse_id: None,
                        lines: vec![(line.order_line_id, 1)],
                        reason: "Customer sent it back".into(),
                    },
                )
                .await;
                if let Ok(ret) = requested {
                    returns_made += 1;
                    if returns_made % 3 != 0 {
                        returns::approve(db, support, ret.id, now.date_naive()).await?;
                    }
                }
            }
        }
    }
    Ok(())
}
