//! The import page's data in one read: an upload of the actor's with the
//! mapping offered for it, and the recent runs.

use sea_orm::ConnectionTrait;

use super::{remembered, runs, suggest, uploaded, Kind, Mapping, Parsed, Run};
use crate::{
    access::{policy, Actor, Permission},
    Result,
};

/// Runs the page lists.
const RECENT_RUNS: u64 = 10;

/// An upload, read again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// Key.
    pub id: i64,
    /// The file's name.
    pub file_name: String,
    /// Its headers and rows.
    pub parsed: Parsed,
}

/// What the import page shows for a kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setup {
    /// The kind being imported (its fields are the mapping's rows).
    pub kind: Kind,
    /// The upload to map, if any.
    pub upload: Option<Upload>,
    /// The mapping offered for the upload: the kind's last one, or by
    /// header names (empty without an upload).
    pub mapping: Mapping,
    /// Recent runs, newest first ([`runs`]).
    pub runs: Vec<Run>,
}

/// The import page for `kind` and one of the actor's uploads. Needs
/// `admin.import`.
pub async fn setup(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: Kind,
    upload: Option<i64>,
) -> Result<Setup> {
    policy::require(actor, Permission::AdminImport)?;
    let upload = match upload {
        Some(id) => {
            let (file_name, parsed) = uploaded(db, actor, id).await?;
            Some(Upload {
                id,
                file_name,
                parsed,
            })
        }
        None => None,
    };
    let remembered = remembered(db, kind).await?;
    let mapping = upload
        .as_ref()
        .map(|u| suggest(kind, &u.parsed.headers, remembered.as_ref()))
        .unwrap_or_default();
    Ok(Setup {
        kind,
        upload,
        mapping,
        runs: runs(db, actor, RECENT_RUNS).await?,
    })
}
