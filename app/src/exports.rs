//! CSV export of a list with its current filter. Each list's export
//! server function reads the list page by page through the very function
//! the list itself uses (so the same filter, record scope and field
//! permissions apply), needs `reports.export` on top, and writes at most
//! [`MAX_ROWS`] rows; the button shows progress and what was written.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    auth::use_me,
    crm::types::{ActivityRow, LeadRow, OpportunityRow},
    customers::types::CustomerSummary,
    erp::types::{OrderRow, ProductRow, ShipmentRow},
    i18n::*,
    money::types::{InvoiceRow, PoRow},
    service::types::TicketRow,
};

/// Most rows one export writes (the domain's limit, repeated for the UI).
pub const MAX_ROWS: u64 = 50_000;

/// Rows read per page while exporting.
#[cfg(feature = "ssr")]
pub const PAGE: u64 = 200;

/// A finished export.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportView {
    /// The CSV text (UTF-8 with BOM).
    pub csv: String,
    /// Rows written.
    pub rows: u64,
    /// The list had more rows than [`MAX_ROWS`].
    pub truncated: bool,
}

/// A list row as CSV cells, in the order of the list's columns.
pub trait CsvRow {
    /// Each column's key (the header when the reader sends none) and
    /// whether it holds numbers (written without grouping commas).
    const COLUMNS: &'static [(&'static str, bool)];
    /// The cells.
    fn cells(self) -> Vec<String>;
}

/// Reads every page `page(n)` returns (from 1) and writes them as CSV
/// under `headers`. Needs `reports.export`; the list function checks its
/// own permission and scope.
#[cfg(feature = "ssr")]
pub async fn export<T, F, Fut>(
    headers: Vec<String>,
    mut page: F,
) -> Result<ExportView, crate::error::AppError>
where
    T: CsvRow,
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<
        Output = Result<crate::admin::types::PageView<T>, crate::error::AppError>,
    >,
{
    use tandem_domain::analytics::reports::{csv_rows, EXPORT_MAX_ROWS};
    tandem_domain::access::policy::require(
        &crate::ssr::signed_in()?,
        tandem_domain::access::Permission::ReportsExport,
    )?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut truncated = false;
    let mut n = 1;
    loop {
        let found = page(n).await?;
        let last = found.items.is_empty() || n * found.per_page >= found.total;
        for item in found.items {
            if rows.len() == EXPORT_MAX_ROWS {
                truncated = true;
                break;
            }
            rows.push(item.cells());
        }
        if truncated || last {
            break;
        }
        if rows.len() == EXPORT_MAX_ROWS {
            truncated = true;
            break;
        }
        n += 1;
    }
    // One header per column: the reader's words, else the column's key.
    let headers: Vec<String> = T::COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (key, _))| headers.get(i).cloned().unwrap_or_else(|| (*key).to_owned()))
        .collect();
    let numeric: Vec<bool> = T::COLUMNS.iter().map(|c| c.1).collect();
    let bytes = csv_rows(&headers, &numeric, &rows)?;
    Ok(ExportView {
        csv: String::from_utf8(bytes).map_err(|_| crate::error::AppError::Internal)?,
        rows: rows.len() as u64,
        truncated,
    })
}

/// Today (UTC) as YYYY-MM-DD, for the file name.
#[cfg(feature = "hydrate")]
fn today() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
        .chars()
        .take(10)
        .collect()
}

#[cfg(not(feature = "hydrate"))]
fn today() -> String {
    String::new()
}

fn yes(flag: bool) -> String {
    if flag { "yes" } else { "no" }.to_owned()
}

impl CsvRow for OrderRow {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("number", false),
        ("customer", false),
        ("state", false),
        ("total", true),
        ("currency", false),
        ("ship_by", false),
        ("created", false),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.number,
            self.customer,
            self.state,
            self.total,
            self.currency,
            self.ship_by,
            self.created,
        ]
    }
}

impl CsvRow for CustomerSummary {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("code", false),
        ("name", false),
        ("kind", false),
        ("segment", false),
        ("email", false),
        ("phone", false),
        ("owner", false),
        ("archived", false),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.code,
            self.name,
            self.kind,
            self.segment,
            self.email.unwrap_or_default(),
            self.phone.unwrap_or_default(),
            self.owner.unwrap_or_default(),
            yes(self.archived),
        ]
    }
}

impl CsvRow for LeadRow {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("name", false),
        ("company", false),
        ("email", false),
        ("phone", false),
        ("source", false),
        ("status", false),
        ("owner", false),
        ("created", false),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.name,
            self.company,
            self.email.unwrap_or_default(),
            self.phone.unwrap_or_default(),
            self.source,
            self.status,
            self.owner.unwrap_or_default(),
            self.created,
        ]
    }
}

impl CsvRow for OpportunityRow {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("title", false),
        ("customer", false),
        ("stage", false),
        ("amount", true),
        ("currency", false),
        ("probability", true),
        ("expected_close", false),
        ("owner", false),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.title,
            self.customer,
            self.stage,
            self.amount,
            self.currency,
            self.probability.to_string(),
            self.expected_close,
            self.owner.unwrap_or_default(),
        ]
    }
}

impl CsvRow for ActivityRow {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("kind", false),
        ("subject", false),
        ("customer", false),
        ("due", false),
        ("done", false),
        ("owner", false),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.kind,
            self.subject,
            self.customer,
            self.due.unwrap_or_default(),
            self.done.unwrap_or_default(),
            self.owner.unwrap_or_default(),
        ]
    }
}

impl CsvRow for ProductRow {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("sku", false),
        ("name", false),
        ("category", false),
        ("unit", false),
        ("list_price", true),
        ("cost_price", true),
        ("tax_rate", true),
        ("on_hand", true),
        ("available", true),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.sku,
            self.name,
            self.category,
            self.unit,
            self.list_price,
            // Empty without `products.read_cost`, as on screen.
            self.cost_price.unwrap_or_default(),
            self.tax_rate,
            self.on_hand.to_string(),
            self.available.to_string(),
        ]
    }
}

impl CsvRow for ShipmentRow {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("number", false),
        ("order", false),
        ("customer", false),
        ("state", false),
        ("carrier", false),
        ("tracking", false),
        ("shipped", false),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.number,
            self.order_number,
            self.customer,
            self.state,
            self.carrier,
            self.tracking,
            self.at,
        ]
    }
}

impl CsvRow for InvoiceRow {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("number", false),
        ("customer", false),
        ("state", false),
        ("issued", false),
        ("due", false),
        ("total", true),
        ("owed", true),
        ("currency", false),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.number,
            self.customer,
            self.state,
            self.issue_date,
            self.due_date,
            self.total,
            self.owed,
            self.currency,
        ]
    }
}

impl CsvRow for PoRow {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("number", false),
        ("supplier", false),
        ("warehouse", false),
        ("state", false),
        ("expected", false),
        ("total", true),
        ("currency", false),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.number,
            self.supplier,
            self.warehouse,
            self.state,
            self.expected_on,
            self.total,
            self.currency,
        ]
    }
}

impl CsvRow for TicketRow {
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("number", false),
        ("subject", false),
        ("customer", false),
        ("status", false),
        ("priority", false),
        ("kind", false),
        ("channel", false),
        ("queue", false),
        ("assignee", false),
        ("due", false),
        ("breached", false),
        ("created", false),
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.number,
            self.subject,
            self.customer,
            self.status,
            self.priority,
            self.kind,
            self.channel,
            self.queue,
            self.assignee,
            self.due,
            yes(self.breached),
            self.created,
        ]
    }
}

/// The "Export CSV" button of a list: `run(headers)` exports the list's
/// current filter; `headers` are the column titles in the reader's
/// language, in [`CsvRow::cells`] order. Shown to holders of
/// `reports.export`.
#[component]
pub fn ExportCsv<F, Fut>(
    /// File name without extension.
    name: &'static str,
    /// Column titles.
    headers: Vec<String>,
    /// Runs the export.
    run: F,
) -> impl IntoView
where
    F: Fn(Vec<String>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<ExportView, crate::error::AppError>> + 'static,
{
    let i18n = use_i18n();
    let can = use_me().is_some_and(|m| m.can("reports.export"));
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<ExportView>);
    let failed = RwSignal::new(false);
    let start = move |_| {
        let (run, headers) = (run.clone(), headers.clone());
        busy.set(true);
        failed.set(false);
        done.set(None);
        leptos::task::spawn_local(async move {
            match run(headers).await {
                Ok(mut found) => {
                    crate::reports::download(&format!("{name}_{}.csv", today()), &found.csv);
                    found.csv = String::new();
                    done.set(Some(found));
                }
                Err(_) => failed.set(true),
            }
            busy.set(false);
        });
    };
    can.then(|| {
        view! {
            <div class="export" data-testid="list-export">
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="list-export-csv"
                    on:click=start
                    disabled=move || busy.get()
                    aria-busy=move || busy.get().to_string()
                >
                    {move || {
                        if busy.get() {
                            t_string!(i18n, rep.exporting)
                        } else {
                            t_string!(i18n, rep.export)
                        }
                    }}
                </button>
                <span class="small muted" role="status" data-testid="list-export-status">
                    {move || {
                        done.get()
                            .map(|d| {
                                let rows = d.rows.to_string();
                                if d.truncated {
                                    format!(
                                        "{} {} · {}",
                                        rows,
                                        t_string!(i18n, rep.rows_exported),
                                        t_string!(i18n, rep.export_truncated),
                                    )
                                } else {
                                    format!("{} {}", rows, t_string!(i18n, rep.rows_exported))
                                }
                            })
                    }}
                </span>
                {move || {
                    failed
                        .get()
                        .then(|| {
                            view! {
                                <span class="field-error" role="alert">
                                    {t!(i18n, errors.internal)}
                                </span>
                            }
                        })
                }}
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths<T: CsvRow + Default>() -> (usize, usize) {
        (T::COLUMNS.len(), T::default().cells().len())
    }

    #[test]
    fn every_export_has_a_column_key_per_cell() {
        for (keys, cells) in [
            widths::<OrderRow>(),
            widths::<CustomerSummary>(),
            widths::<LeadRow>(),
            widths::<OpportunityRow>(),
            widths::<ActivityRow>(),
            widths::<ProductRow>(),
            widths::<ShipmentRow>(),
            widths::<InvoiceRow>(),
            widths::<PoRow>(),
            widths::<TicketRow>(),
        ] {
            assert_eq!(keys, cells);
        }
    }
}
