//! A list page: its header, one page of records as it loads (count,
//! rows, pager), the records' table, and the words shown while it loads.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{page_title, Pager};
use crate::{admin::types::PageView, error::AppError, i18n::*};

/// The top of a page: its title, in the browser's tab and as the heading,
/// and the page's main actions (`children`) beside the heading.
#[component]
pub fn PageHeader(
    title: impl Fn() -> &'static str + Copy + Send + Sync + 'static,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let class = if children.is_some() {
        "page-header page-header-row"
    } else {
        "page-header"
    };
    view! {
        <Title text=page_title(move || title().to_owned()) />
        <header class=class>
            <h1>{title}</h1>
            {children.map(|children| children())}
        </header>
    }
}

/// A page's "New …" button (`children` its label), shown only to those
/// who may create (`allowed`).
#[component]
pub fn NewLink(allowed: bool, href: &'static str, children: Children) -> impl IntoView {
    allowed.then(|| {
        view! {
            <a class="btn btn-primary" href=href>
                {children()}
            </a>
        }
    })
}

/// One page of a list as it loads: "N found" (when `counted` names the
/// records), the rows `children` make of the page's records, and the
/// pager, whose `link` gives a page's address.
#[component]
pub fn PagedList<T, F, V>(
    list: Resource<Result<PageView<T>, AppError>>,
    #[prop(into)] link: Callback<u64, String>,
    #[prop(optional, into)] counted: Option<ViewFn>,
    #[prop(optional)] count_testid: Option<&'static str>,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(Vec<T>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=loading>
            {move || {
                list.get()
                    .map(|result| {
                        result
                            .map(|found| {
                                let (page, pages) = (found.page, found.pages());
                                view! {
                                    {counted
                                        .as_ref()
                                        .map(|counted| {
                                            view! {
                                                <p class="muted small" data-testid=count_testid>
                                                    {found.total}
                                                    " "
                                                    {counted.run()}
                                                </p>
                                            }
                                        })}
                                    {children(found.items)}
                                    <Pager page pages link />
                                }
                            })
                    })
            }}
        </Transition>
    }
}

/// A table of records: the header cells in `head` (see [`Col`]), one row
/// per record in `children`.
#[component]
pub fn ListTable(
    head: impl IntoView + 'static,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(default = "table")] class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class=class data-testid=testid>
                <thead>
                    <tr>{head}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A column's header cell; `num` right-aligns a column of figures.
#[component]
pub fn Col(#[prop(optional)] num: bool, children: Children) -> impl IntoView {
    view! {
        <th scope="col" class=num.then_some("num")>
            {children()}
        </th>
    }
}

/// What a list shows when it has no records.
#[component]
pub fn Empty(#[prop(optional)] testid: Option<&'static str>, children: Children) -> impl IntoView {
    view! {
        <p class="muted" data-testid=testid>
            {children()}
        </p>
    }
}

/// The `fallback` of a `<Transition>` while it first loads.
pub fn loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="muted">{t!(i18n, common.loading)}</p> }
}
