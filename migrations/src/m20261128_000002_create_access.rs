//! Identity and access: users, roles, role permissions, user roles, the
//! session store's table, login throttling and the audit trail.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    EmailKey,
    Name,
    PasswordHash,
    Active,
    FailedLogins,
    LockedUntil,
    LastLoginAt,
    PasswordChangedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Roles {
    Table,
    Id,
    Name,
    NameKey,
    Description,
    Builtin,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RolePermissions {
    Table,
    RoleId,
    Permission,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserRoles {
    Table,
    UserId,
    RoleId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    Data,
    ExpiresAt,
    ClientAddr,
    UserAgent,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LoginThrottles {
    Table,
    Key,
    Failures,
    WindowStartedAt,
    BlockedUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    ActorUserId,
    ActorLabel,
    Action,
    Entity,
    EntityId,
    BeforeJson,
    AfterJson,
    ClientAddr,
    UserAgent,
    CreatedAt,
    UpdatedAt,
}

fn timestamps<T: IntoIden + 'static>(table: &mut TableCreateStatement, created: T, updated: T) {
    table
        .col(
            ColumnDef::new(created)
                .timestamp_with_time_zone()
                .not_null(),
        )
        .col(
            ColumnDef::new(updated)
                .timestamp_with_time_zone()
                .not_null(),
        );
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut users = Table::create();
        users
            .table(Users::Table)
            .col(
                ColumnDef::new(Users::Id)
                    .big_integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            )
            .col(ColumnDef::new(Users::Email).string_len(254).not_null())
            .col(
                ColumnDef::new(Users::EmailKey)
                    .string_len(254)
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(Users::Name).string_len(200).not_null())
            .col(ColumnDef::new(Users::PasswordHash).text().not_null())
            .col(
                ColumnDef::new(Users::Active)
                    .boolean()
                    .not_null()
                    .default(true),
            )
            .col(
                ColumnDef::new(Users::FailedLogins)
                    .integer()
                    .not_null()
                    .default(0),
            )
            .col(
                ColumnDef::new(Users::LockedUntil)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(
                ColumnDef::new(Users::LastLoginAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(
                ColumnDef::new(Users::PasswordChangedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            );
        timestamps(&mut users, Users::CreatedAt, Users::UpdatedAt);
        manager.create_table(users.to_owned()).await?;

        let mut roles = Table::create();
        roles
            .table(Roles::Table)
            .col(
                ColumnDef::new(Roles::Id)
                    .big_integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            )
            .col(ColumnDef::new(Roles::Name).string_len(100).not_null())
            .col(
                ColumnDef::new(Roles::NameKey)
                    .string_len(100)
                    .not_null()
                    .unique_key(),
            )
            .col(
                ColumnDef::new(Roles::Description)
                    .text()
                    .not_null()
                    .default(""),
            )
            .col(ColumnDef::new(Roles::Builtin).string_len(40).null());
        timestamps(&mut roles, Roles::CreatedAt, Roles::UpdatedAt);
        manager.create_table(roles.to_owned()).await?;

        let mut role_permissions = Table::create();
        role_permissions
            .table(RolePermissions::Table)
            .col(
                ColumnDef::new(RolePermissions::RoleId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(RolePermissions::Permission)
                    .string_len(100)
                    .not_null(),
            )
            .primary_key(
                Index::create()
                    .col(RolePermissions::RoleId)
                    .col(RolePermissions::Permission),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(RolePermissions::Table, RolePermissions::RoleId)
                    .to(Roles::Table, Roles::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            );
        timestamps(
            &mut role_permissions,
            RolePermissions::CreatedAt,
            RolePermissions::UpdatedAt,
        );
        manager.create_table(role_permissions.to_owned()).await?;

        let mut user_roles = Table::create();
        user_roles
            .table(UserRoles::Table)
            .col(ColumnDef::new(UserRoles::UserId).big_integer().not_null())
            .col(ColumnDef::new(UserRoles::RoleId).big_integer().not_null())
            .primary_key(
                Index::create()
                    .col(UserRoles::UserId)
                    .col(UserRoles::RoleId),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(UserRoles::Table, UserRoles::UserId)
                    .to(Users::Table, Users::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(UserRoles::Table, UserRoles::RoleId)
                    .to(Roles::Table, Roles::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            );
        timestamps(&mut user_roles, UserRoles::CreatedAt, UserRoles::UpdatedAt);
        manager.create_table(user_roles.to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_roles_role")
                    .table(UserRoles::Table)
                    .col(UserRoles::RoleId)
                    .to_owned(),
            )
            .await?;

        let mut sessions = Table::create();
        sessions
            .table(Sessions::Table)
            .col(
                ColumnDef::new(Sessions::Id)
                    .string_len(64)
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new(Sessions::UserId).big_integer().null())
            .col(ColumnDef::new(Sessions::Data).text().not_null())
            .col(
                ColumnDef::new(Sessions::ExpiresAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(ColumnDef::new(Sessions::ClientAddr).string_len(100).null())
            .col(ColumnDef::new(Sessions::UserAgent).string_len(500).null())
            .foreign_key(
                ForeignKey::create()
                    .from(Sessions::Table, Sessions::UserId)
                    .to(Users::Table, Users::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            );
        timestamps(&mut sessions, Sessions::CreatedAt, Sessions::UpdatedAt);
        manager.create_table(sessions.to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_expires")
                    .table(Sessions::Table)
                    .col(Sessions::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        let mut throttles = Table::create();
        throttles
            .table(LoginThrottles::Table)
            .col(
                ColumnDef::new(LoginThrottles::Key)
                    .string_len(200)
                    .not_null()
                    .primary_key(),
            )
            .col(
                ColumnDef::new(LoginThrottles::Failures)
                    .integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(LoginThrottles::WindowStartedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(LoginThrottles::BlockedUntil)
                    .timestamp_with_time_zone()
                    .null(),
            );
        timestamps(
            &mut throttles,
            LoginThrottles::CreatedAt,
            LoginThrottles::UpdatedAt,
        );
        manager.create_table(throttles.to_owned()).await?;

        let mut audit = Table::create();
        audit
            .table(AuditEvents::Table)
            .col(
                ColumnDef::new(AuditEvents::Id)
                    .big_integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            )
            .col(
                ColumnDef::new(AuditEvents::OccurredAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(AuditEvents::ActorUserId)
                    .big_integer()
                    .null(),
            )
            .col(
                ColumnDef::new(AuditEvents::ActorLabel)
                    .string_len(254)
                    .not_null(),
            )
            .col(
                ColumnDef::new(AuditEvents::Action)
                    .string_len(100)
                    .not_null(),
            )
            .col(
                ColumnDef::new(AuditEvents::Entity)
                    .string_len(100)
                    .not_null(),
            )
            .col(ColumnDef::new(AuditEvents::EntityId).string_len(100).null())
            .col(ColumnDef::new(AuditEvents::BeforeJson).text().null())
            .col(ColumnDef::new(AuditEvents::AfterJson).text().null())
            .col(
                ColumnDef::new(AuditEvents::ClientAddr)
                    .string_len(100)
                    .null(),
            )
            .col(
                ColumnDef::new(AuditEvents::UserAgent)
                    .string_len(500)
                    .null(),
            );
        timestamps(&mut audit, AuditEvents::CreatedAt, AuditEvents::UpdatedAt);
        manager.create_table(audit.to_owned()).await?;
        for (name, column) in [
            ("idx_audit_occurred", AuditEvents::OccurredAt),
            ("idx_audit_actor", AuditEvents::ActorUserId),
            ("idx_audit_entity", AuditEvents::Entity),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditEvents::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            LoginThrottles::Table.into_iden(),
            Sessions::Table.into_iden(),
            UserRoles::Table.into_iden(),
            RolePermissions::Table.into_iden(),
            Roles::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
