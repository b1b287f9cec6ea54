//! A board as its page opens it: the board, the boards the actor may switch
//! to, and the choices of the filter form.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{board, kinds, options, Board, FilterInput, Kind, Options};
use crate::{access::Actor, Error, Result};

/// What the dashboards page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The board.
    pub board: Board,
    /// The boards the actor may open, their own first.
    pub kinds: Vec<Kind>,
    /// The choices of the filter form.
    pub options: Options,
}

/// Board `kind` (the actor's own first board when `None`) over `input` at
/// `now`, with the boards the actor may open and the filter choices. Needs
/// `dashboards.view` or `dashboards.view_all`, and the board's own rule.
pub async fn open(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: Option<Kind>,
    input: &FilterInput,
    now: DateTime<Utc>,
) -> Result<Opened> {
    let kinds = kinds(actor)?;
    let kind = match kind {
        Some(kind) => kind,
        None => kinds.first().copied().ok_or(Error::Forbidden)?,
    };
    let board = board(db, actor, kind, input, now).await?;
    let options = options(db, actor).await?;
    Ok(Opened {
        board,
        kinds,
        options,
    })
}
