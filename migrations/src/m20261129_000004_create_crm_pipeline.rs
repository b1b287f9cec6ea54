//! CRM beyond customers: sales teams, campaigns, leads, configurable
//! pipeline stages (seeded with a default pipeline), opportunities,
//! activities, the customer timeline, and the merge marker on customers.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    MergedIntoId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TeamMembers {
    Table,
    UserId,
    TeamId,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
    Name,
    Channel,
    BudgetMinor,
    Currency,
    StartsOn,
    EndsOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Leads {
    Table,
    Id,
    Name,
    NameKey,
    Company,
    Email,
    EmailKey,
    Phone,
    PhoneKey,
    Source,
    CampaignId,
    Status,
    DisqualifyReason,
    OwnerId,
    CustomerId,
    OpportunityId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PipelineStages {
    Table,
    Id,
    Name,
    Position,
    Probability,
    IsWon,
    IsLost,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Opportunities {
    Table,
    Id,
    CustomerId,
    ContactId,
    CampaignId,
    Title,
    AmountMinor,
    Currency,
    ExpectedClose,
    StageId,
    Probability,
    OwnerId,
    LostReason,
    ClosedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    Kind,
    Subject,
    Body,
    DueAt,
    DoneAt,
    OwnerId,
    CustomerId,
    ContactId,
    OpportunityId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TimelineEvents {
    Table,
    Id,
    CustomerId,
    OccurredAt,
    Kind,
    Summary,
    Link,
    ActorId,
}

fn id<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn stamp<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn fk<F: IntoIden + 'static, T: IntoIden + 'static, C: IntoIden>(
    from: F,
    from_col: C,
    to: T,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(from)
        .from_col(from_col)
        .to_tbl(to)
        .to_col(Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

async fn index<T: IntoIden + 'static, C: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: Vec<C>,
) -> Result<(), DbErr> {
    let mut stmt = Index::create().name(name).table(table).to_owned();
    for col in cols {
        stmt.col(col);
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Restrict, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(Teams::Table)
                    .col(id(Teams::Id))
                    .col(
                        ColumnDef::new(Teams::Name)
                            .string_len(100)
                            .not_null()
                            .unique_key(),
                    )
                    .col(stamp(Teams::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TeamMembers::Table)
                    .col(
                        ColumnDef::new(TeamMembers::UserId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(TeamMembers::TeamId).big_integer().not_null())
                    .foreign_key(&mut fk(
                        TeamMembers::Table,
                        TeamMembers::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        TeamMembers::Table,
                        TeamMembers::TeamId,
                        Teams::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_team_members_team",
            TeamMembers::Table,
            vec![TeamMembers::TeamId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(id(Campaigns::Id))
                    .col(ColumnDef::new(Campaigns::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Campaigns::Channel).string_len(40).not_null())
                    .col(
                        ColumnDef::new(Campaigns::BudgetMinor)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(Campaigns::Currency).string_len(3).not_null())
                    .col(ColumnDef::new(Campaigns::StartsOn).date().not_null())
                    .col(ColumnDef::new(Campaigns::EndsOn).date().not_null())
                    .col(stamp(Campaigns::CreatedAt))
                    .col(stamp(Campaigns::UpdatedAt))
                    .check(Expr::col(Campaigns::BudgetMinor).gte(0))
                    .check(Expr::col(Campaigns::EndsOn).gte(Expr::col(Campaigns::StartsOn)))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PipelineStages::Table)
                    .col(id(PipelineStages::Id))
                    .col(
                        ColumnDef::new(PipelineStages::Name)
                            .string_len(60)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PipelineStages::Position)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PipelineStages::Probability)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PipelineStages::IsWon)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(PipelineStages::IsLost)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(stamp(PipelineStages::CreatedAt))
                    .col(stamp(PipelineStages::UpdatedAt))
                    .check(
                        Expr::col(PipelineStages::Probability)
                            .gte(0)
                            .and(Expr::col(PipelineStages::Probability).lte(100)),
                    )
                    .to_owned(),
            )
            .await?;
        let now = chrono::Utc::now();
        let mut seed = Query::insert()
            .into_table(PipelineStages::Table)
            .columns([
                PipelineStages::Name,
                PipelineStages::Position,
                PipelineStages::Probability,
                PipelineStages::IsWon,
                PipelineStages::IsLost,
                PipelineStages::CreatedAt,
                PipelineStages::UpdatedAt,
            ])
            .to_owned();
        for (position, (name, probability, won, lost)) in [
            ("Prospecting", 10, false, false),
            ("Qualification", 25, false, false),
            ("Proposal", 50, false, false),
            ("Negotiation", 75, false, false),
            ("Won", 100, true, false),
            ("Lost", 0, false, true),
        ]
        .into_iter()
        .enumerate()
        {
            seed.values_panic([
                name.into(),
                (position as i32 + 1).into(),
                probability.into(),
                won.into(),
                lost.into(),
                now.into(),
                now.into(),
            ]);
        }
        manager.exec_stmt(seed).await?;

        manager
            .create_table(
                Table::create()
                    .table(Leads::Table)
                    .col(id(Leads::Id))
                    .col(ColumnDef::new(Leads::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Leads::NameKey).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Leads::Company)
                            .string_len(200)
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new(Leads::Email).string_len(254).null())
                    .col(ColumnDef::new(Leads::EmailKey).string_len(254).null())
                    .col(ColumnDef::new(Leads::Phone).string_len(40).null())
                    .col(ColumnDef::new(Leads::PhoneKey).string_len(40).null())
                    .col(ColumnDef::new(Leads::Source).string_len(20).not_null())
                    .col(ColumnDef::new(Leads::CampaignId).big_integer().null())
                    .col(ColumnDef::new(Leads::Status).string_len(20).not_null())
                    .col(
                        ColumnDef::new(Leads::DisqualifyReason)
                            .string_len(500)
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new(Leads::OwnerId).big_integer().null())
                    .col(ColumnDef::new(Leads::CustomerId).big_integer().null())
                    .col(ColumnDef::new(Leads::OpportunityId).big_integer().null())
                    .col(stamp(Leads::CreatedAt))
                    .col(stamp(Leads::UpdatedAt))
                    .foreign_key(&mut fk(
                        Leads::Table,
                        Leads::CampaignId,
                        Campaigns::Table,
                        SetNull,
                    ))
                    .foreign_key(&mut fk(Leads::Table, Leads::OwnerId, Users::Table, SetNull))
                    .foreign_key(&mut fk(
                        Leads::Table,
                        Leads::CustomerId,
                        Customers::Table,
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_leads_owner",
            Leads::Table,
            vec![Leads::OwnerId, Leads::CreatedAt],
        )
        .await?;
        index(
            manager,
            "idx_leads_created",
            Leads::Table,
            vec![Leads::CreatedAt],
        )
        .await?;
        index(
            manager,
            "idx_leads_name_key",
            Leads::Table,
            vec![Leads::NameKey],
        )
        .await?;
        index(
            manager,
            "idx_leads_email_key",
            Leads::Table,
            vec![Leads::EmailKey],
        )
        .await?;
        index(
            manager,
            "idx_leads_phone_key",
            Leads::Table,
            vec![Leads::PhoneKey],
        )
        .await?;
        index(
            manager,
            "idx_leads_campaign",
            Leads::Table,
            vec![Leads::CampaignId],
        )
        .await?;
        index(
            manager,
            "idx_leads_customer",
            Leads::Table,
            vec![Leads::CustomerId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Opportunities::Table)
                    .col(id(Opportunities::Id))
                    .col(
                        ColumnDef::new(Opportunities::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::ContactId)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::CampaignId)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::Title)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::AmountMinor)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::Currency)
                            .string_len(3)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::ExpectedClose)
                            .date()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::StageId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::Probability)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Opportunities::OwnerId).big_integer().null())
                    .col(
                        ColumnDef::new(Opportunities::LostReason)
                            .string_len(500)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(Opportunities::ClosedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(stamp(Opportunities::CreatedAt))
                    .col(stamp(Opportunities::UpdatedAt))
                    .foreign_key(&mut fk(
                        Opportunities::Table,
                        Opportunities::CustomerId,
                        Customers::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Opportunities::Table,
                        Opportunities::ContactId,
                        Contacts::Table,
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Opportunities::Table,
                        Opportunities::CampaignId,
                        Campaigns::Table,
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Opportunities::Table,
                        Opportunities::StageId,
                        PipelineStages::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Opportunities::Table,
                        Opportunities::OwnerId,
                        Users::Table,
                        SetNull,
                    ))
                    .check(Expr::col(Opportunities::AmountMinor).gte(0))
                    .check(
                        Expr::col(Opportunities::Probability)
                            .gte(0)
                            .and(Expr::col(Opportunities::Probability).lte(100)),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_opportunities_customer",
            Opportunities::Table,
            vec![Opportunities::CustomerId],
        )
        .await?;
        index(
            manager,
            "idx_opportunities_owner",
            Opportunities::Table,
            vec![Opportunities::OwnerId],
        )
        .await?;
        index(
            manager,
            "idx_opportunities_stage",
            Opportunities::Table,
            vec![Opportunities::StageId],
        )
        .await?;
        index(
            manager,
            "idx_opportunities_close",
            Opportunities::Table,
            vec![Opportunities::ExpectedClose],
        )
        .await?;
        index(
            manager,
            "idx_opportunities_campaign",
            Opportunities::Table,
            vec![Opportunities::CampaignId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Activities::Table)
                    .col(id(Activities::Id))
                    .col(ColumnDef::new(Activities::Kind).string_len(20).not_null())
                    .col(
                        ColumnDef::new(Activities::Subject)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Activities::Body)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(Activities::DueAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Activities::DoneAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Activities::OwnerId).big_integer().null())
                    .col(
                        ColumnDef::new(Activities::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Activities::ContactId).big_integer().null())
                    .col(
                        ColumnDef::new(Activities::OpportunityId)
                            .big_integer()
                            .null(),
                    )
                    .col(stamp(Activities::CreatedAt))
                    .col(stamp(Activities::UpdatedAt))
                    .foreign_key(&mut fk(
                        Activities::Table,
                        Activities::CustomerId,
                        Customers::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Activities::Table,
                        Activities::ContactId,
                        Contacts::Table,
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Activities::Table,
                        Activities::OpportunityId,
                        Opportunities::Table,
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Activities::Table,
                        Activities::OwnerId,
                        Users::Table,
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_activities_customer",
            Activities::Table,
            vec![Activities::CustomerId, Activities::CreatedAt],
        )
        .await?;
        index(
            manager,
            "idx_activities_owner_due",
            Activities::Table,
            vec![Activities::OwnerId, Activities::DueAt],
        )
        .await?;
        index(
            manager,
            "idx_activities_created",
            Activities::Table,
            vec![Activities::CreatedAt],
        )
        .await?;
        index(
            manager,
            "idx_activities_opportunity",
            Activities::Table,
            vec![Activities::OpportunityId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TimelineEvents::Table)
                    .col(id(TimelineEvents::Id))
                    .col(
                        ColumnDef::new(TimelineEvents::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(stamp(TimelineEvents::OccurredAt))
                    .col(
                        ColumnDef::new(TimelineEvents::Kind)
                            .string_len(60)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TimelineEvents::Summary)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TimelineEvents::Link)
                            .string_len(200)
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new(TimelineEvents::ActorId).big_integer().null())
                    .foreign_key(&mut fk(
                        TimelineEvents::Table,
                        TimelineEvents::CustomerId,
                        Customers::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        TimelineEvents::Table,
                        TimelineEvents::ActorId,
                        Users::Table,
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_timeline_customer",
            TimelineEvents::Table,
            vec![TimelineEvents::CustomerId, TimelineEvents::OccurredAt],
        )
        .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .add_column(ColumnDef::new(Customers::MergedIntoId).big_integer().null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_customers_created",
            Customers::Table,
            vec![Customers::CreatedAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_customers_created")
                    .table(Customers::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .drop_column(Customers::MergedIntoId)
                    .to_owned(),
            )
            .await?;
        for table in [
            TimelineEvents::Table.into_iden(),
            Activities::Table.into_iden(),
            Opportunities::Table.into_iden(),
            Leads::Table.into_iden(),
            PipelineStages::Table.into_iden(),
            Campaigns::Table.into_iden(),
            TeamMembers::Table.into_iden(),
            Teams::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
