//! Column and constraint builders shared by migrations written from
//! «ERP core» on (earlier migrations keep their own copies, untouched).

use sea_orm_migration::prelude::*;

/// A 64-bit auto-increment primary key.
pub fn id<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// A UTC timestamp, required.
pub fn stamp<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

/// A UTC timestamp, optional.
pub fn stamp_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

/// A required 64-bit integer.
pub fn big<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

/// A required 64-bit integer defaulting to zero.
pub fn big_zero<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

/// An optional 64-bit integer (a nullable reference).
pub fn big_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().to_owned()
}

/// A required string of at most `len` characters.
pub fn text<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

/// A required string defaulting to empty.
pub fn text_empty<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    ColumnDef::new(col)
        .string_len(len)
        .not_null()
        .default("")
        .to_owned()
}

/// A required long text defaulting to empty.
pub fn long_text<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().not_null().default("").to_owned()
}

/// A foreign key to `to.id`.
pub fn fk<F: IntoIden + 'static, T: IntoIden + 'static, C: IntoIden>(
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

/// Creates the index `name` on `table(cols…)`.
pub async fn index<T: IntoIden + 'static, C: IntoIden + 'static>(
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
