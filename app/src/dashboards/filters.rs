//! The board's filter form: a GET form, so the URL holds the filter and a
//! board can be bookmarked and shared.

use leptos::prelude::*;
use leptos_router::components::Form;

use super::types::{BoardView, OptionView};
use leptos_i18n::I18nContext;

use crate::i18n::*;

/// The words for period `p` (a custom range when unknown).
pub(crate) fn period_label(p: &str, i18n: I18nContext<Locale>) -> &'static str {
    match p {
        "today" => t_string!(i18n, dash.p_today),
        "7d" => t_string!(i18n, dash.p_7d),
        "30d" => t_string!(i18n, dash.p_30d),
        "quarter" => t_string!(i18n, dash.p_quarter),
        "year" => t_string!(i18n, dash.p_year),
        _ => t_string!(i18n, dash.p_custom),
    }
}

/// A `<select>` of `options` with an "any" first; left out when empty.
#[component]
fn Choice(
    id: &'static str,
    name: &'static str,
    label: String,
    options: Vec<OptionView>,
    current: String,
) -> impl IntoView {
    let i18n = use_i18n();
    (!options.is_empty()).then(|| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id class="select" name=name>
                    <option value="">{t!(i18n, dash.any)}</option>
                    {options
                        .into_iter()
                        .map(|o| {
                            let selected = o.id == current;
                            view! {
                                <option value=o.id selected=selected>
                                    {o.name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    })
}

/// The filters of `board`, filled with its current values.
#[component]
pub fn Filters(board: BoardView) -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let custom = board.period == "custom";
    let segments: Vec<OptionView> = board
        .segments
        .iter()
        .map(|s| OptionView {
            id: s.clone(),
            name: s.clone(),
        })
        .collect();
    view! {
        <Form method="GET" action="" attr:class="filters" attr:data-testid="board-filters">
            <div class="field">
                <label for="dash-period">{t!(i18n, dash.period)}</label>
                <select id="dash-period" class="select" name="period">
                    {["today", "7d", "30d", "quarter", "year", "custom"]
                        .into_iter()
                        .map(|p| {
                            let selected = p == board.period;
                            view! {
                                <option value=p selected=selected>
                                    {period_label(p, i18n)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="dash-from">{t!(i18n, dash.from)}</label>
                <input
                    id="dash-from"
                    class="input"
                    type="date"
                    name="from"
                    value=if custom { board.from.clone() } else { get("from") }
                />
            </div>
            <div class="field">
                <label for="dash-to">{t!(i18n, dash.to)}</label>
                <input
                    id="dash-to"
                    class="input"
                    type="date"
                    name="to"
                    value=if custom { board.to.clone() } else { get("to") }
                />
            </div>
            <Choice
                id="dash-warehouse"
                name="warehouse"
                label=t_string!(i18n, dash.warehouse).to_owned()
                options=board.warehouses.clone()
                current=get("warehouse")
            />
            <Choice
                id="dash-owner"
                name="owner"
                label=t_string!(i18n, dash.owner).to_owned()
                options=board.owners.clone()
                current=get("owner")
            />
            <Choice
                id="dash-team"
                name="team"
                label=t_string!(i18n, dash.team).to_owned()
                options=board.teams.clone()
                current=get("team")
            />
            <Choice
                id="dash-segment"
                name="segment"
                label=t_string!(i18n, dash.segment).to_owned()
                options=segments
                current=get("segment")
            />
            <div class="field field-actions">
                <button type="submit" class="btn btn-primary">
                    {t!(i18n, dash.apply)}
                </button>
            </div>
        </Form>
        <p class="muted small">{t!(i18n, dash.custom_hint)}</p>
    }
}
