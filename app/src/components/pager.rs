//! Previous / next links under a paginated list.

use leptos::prelude::*;

use crate::i18n::*;

/// Links to the neighbouring pages; `link` builds a page's URL.
#[component]
pub fn Pager(page: u64, pages: u64, #[prop(into)] link: Callback<u64, String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, common.pages)>
            {(page > 1)
                .then(|| {
                    view! {
                        <a class="btn btn-secondary" href=link.run(page - 1)>
                            {t!(i18n, common.previous)}
                        </a>
                    }
                })}
            <span class="muted">{page} " / " {pages}</span>
            {(page < pages)
                .then(|| {
                    view! {
                        <a class="btn btn-secondary" href=link.run(page + 1)>
                            {t!(i18n, common.next)}
                        </a>
                    }
                })}
        </nav>
    }
}
