//! Uploaded files, kept (decoded) for the dry run and the import that
//! follows, and the user a command-line import runs as.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use crate::{
    access::{policy, users, Actor, Permission},
    entities::import_files,
    messages, Error, Result,
};

use super::{
    parse::{decode, parse},
    Parsed,
};

/// Uploads are kept this long for the dry run and the import that follows.
pub const UPLOAD_KEEP: chrono::Duration = chrono::Duration::days(2);

/// The active user with `email`, as the command line's `--as`.
pub async fn actor_for_email(db: &DatabaseConnection, email: &str) -> Result<Actor> {
    let unknown = || Error::field("as", messages::IMPORT_USER_UNKNOWN);
    let id = users::id_by_email(db, email).await?.ok_or_else(unknown)?;
    crate::access::roles::resolve_actor(db, id, crate::access::RequestMeta::default())
        .await?
        .ok_or_else(unknown)
}

/// Keeps an uploaded file (decoded) for the dry run and the import.
/// Needs `admin.import`. Returns its id and what was read.
pub async fn upload(
    db: &DatabaseConnection,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
) -> Result<(i64, Parsed)> {
    let actor = policy::require(actor, Permission::AdminImport)?;
    let parsed = parse(bytes)?;
    let (text, _) = decode(bytes)?;
    let now = Utc::now();
    import_files::Entity::delete_many()
        .filter(import_files::Column::UploadedAt.lt(now - UPLOAD_KEEP))
        .exec(db)
        .await?;
    let file = import_files::ActiveModel {
        file_name: Set(file_name.chars().take(255).collect()),
        encoding: Set(parsed.encoding.to_owned()),
        content: Set(text),
        rows: Set(i64::try_from(parsed.rows.len()).unwrap_or(i64::MAX)),
        uploaded_by: Set(actor.user_id),
        uploaded_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((file.id, parsed))
}

/// An upload of the actor's, read again. Needs `admin.import`.
pub async fn uploaded(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<(String, Parsed)> {
    let actor = policy::require(actor, Permission::AdminImport)?;
    let file = import_files::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|f| f.uploaded_by == actor.user_id)
        .ok_or(Error::NotFound)?;
    let parsed = parse(file.content.as_bytes())?;
    Ok((
        file.file_name,
        Parsed {
            encoding: if file.encoding == "gbk" {
                "gbk"
            } else {
                "utf-8"
            },
            ..parsed
        },
    ))
}
