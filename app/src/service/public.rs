//! Pages anyone may open without signing in: the help centre (`/help`,
//! `/help/:id`), the support form (`/support`) and the satisfaction page
//! (`/rate/:token`). Article bodies are Markdown rendered and sanitised
//! on the server (only harmless markup reaches `inner_html`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};

use super::{api, types::*};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        id_param, param,
    },
    i18n::*,
};

/// `/help`: published articles, searchable.
#[component]
pub fn HelpPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| param(&query.read(), k).unwrap_or_default();
    let list = Resource::new(
        move || (get("q"), get("category"), get("lang")),
        |(q, category, lang)| api::search_articles(q, category, lang, false),
    );
    let categories = Resource::new(|| (), |_| api::article_categories());
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, service.help).to_owned()
        }) />
        <div class="page page-narrow">
            <header class="page-header">
                <h1>{t!(i18n, service.help)}</h1>
                <p class="muted">
                    {t!(i18n, service.help_intro)} " "
                    <a href="/support">{t!(i18n, service.contact_support)}</a>
                </p>
            </header>
            <Form method="GET" action="" attr:class="filters">
                <div class="field">
                    <label for="help-q">{t!(i18n, service.search)}</label>
                    <input
                        id="help-q"
                        class="input"
                        type="search"
                        name="q"
                        maxlength="200"
                        prop:value=move || get("q")
                    />
                </div>
                <div class="field">
                    <label for="help-category">{t!(i18n, service.category)}</label>
                    <select
                        id="help-category"
                        class="select"
                        name="category"
                        prop:value=move || get("category")
                    >
                        <option value="">{t!(i18n, crm.any)}</option>
                        <Transition fallback=|| ()>
                            {move || {
                                categories
                                    .get()
                                    .and_then(Result::ok)
                                    .map(|cs| {
                                        cs.into_iter()
                                            .map(|c| {
                                                view! { <option value=c.clone()>{c.clone()}</option> }
                                            })
                                            .collect_view()
                                    })
                            }}
                        </Transition>
                    </select>
                </div>
                <div class="field">
                    <label for="help-lang">{t!(i18n, service.language)}</label>
                    <select
                        id="help-lang"
                        class="select"
                        name="lang"
                        prop:value=move || get("lang")
                    >
                        <option value="">{t!(i18n, crm.any)}</option>
                        <option value="en">"English"</option>
                        <option value="zh">"中文"</option>
                    </select>
                </div>
                <button type="submit" class="btn btn-secondary">
                    {t!(i18n, service.search)}
                </button>
            </Form>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    list.get()
                        .map(|r| match r {
                            Ok(rows) => view! { <ArticleList rows base="/help" /> }.into_any(),
                            Err(e) => {
                                let errors = Signal::stored(Some(e));
                                // A query over the limits, or too many searches from this address.
                                view! {
                                    <FieldError errors field="q" />
                                    <FormErrors errors field="form" />
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// A list of articles linking under `base`.
#[component]
pub fn ArticleList(rows: Vec<ArticleRow>, base: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="muted">{t!(i18n, service.no_articles)}</p> }.into_any();
    }
    view! {
        <ul class="plain-list article-list" data-testid="articles">
            {rows
                .into_iter()
                .map(|a| {
                    view! {
                        <li class="card">
                            <h2 class="card-title">
                                <a href=format!("{base}/{}", a.id)>{a.title.clone()}</a>
                                {(!a.published)
                                    .then(|| {
                                        view! {
                                            " "
                                            <span class="badge">{t!(i18n, service.draft)}</span>
                                        }
                                    })}
                            </h2>
                            <p class="small muted">
                                {a.category.clone()} " · " {a.language.clone()}
                            </p>
                            <p class="small">{a.excerpt.clone()}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// `/help/:id`.
#[component]
pub fn ArticlePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let article = Resource::new(id, api::get_article);
    view! {
        <div class="page page-narrow">
            <p>
                <a href="/help">{t!(i18n, service.help)}</a>
            </p>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    article
                        .get()
                        .map(|r| match r {
                            Err(e) => crate::components::failed(e),
                            Ok(a) => {
                                view! {
                                    <Title text=a.form.title.clone() />
                                    <article class="card article">
                                        <h1 data-testid="article-title">{a.form.title.clone()}</h1>
                                        <p class="small muted">
                                            {a.form.category.clone()} " · " {a.updated.clone()}
                                        </p>
                                        // Sanitised on the server by ammonia.
                                        <div class="article-body" inner_html=a.html.clone()></div>
                                    </article>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// `/support`: the public support form.
#[component]
pub fn SupportPage() -> impl IntoView {
    let i18n = use_i18n();
    let submit = ServerAction::<api::SubmitSupport>::new();
    let errors = Signal::derive(move || submit.value().get().and_then(Result::err));
    let form = RwSignal::new(SupportForm::default());
    let typed = RwSignal::new(String::new());
    let related = Resource::new(
        move || typed.get(),
        |text| async move {
            if text.trim().len() < 12 {
                Ok(Vec::new())
            } else {
                api::related_articles(text).await
            }
        },
    );
    let text = move |f: fn(&mut SupportForm) -> &mut String| {
        move |ev: leptos::ev::Event| {
            form.update(|v| *f(v) = event_target_value(&ev));
            typed.set(form.with_untracked(|v| format!("{} {}", v.subject, v.description)));
        }
    };
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, service.contact_support).to_owned()
        }) />
        <div class="page page-narrow">
            <header class="page-header">
                <h1>{t!(i18n, service.contact_support)}</h1>
                <p class="muted">
                    {t!(i18n, service.support_intro)} " "
                    <a href="/help">{t!(i18n, service.help)}</a>
                </p>
            </header>
            {move || match submit.value().get() {
                Some(Ok(number)) => {
                    view! {
                        <section class="card" role="status" data-testid="support-done">
                            <h2 class="card-title">{t!(i18n, service.thanks)}</h2>
                            <p>
                                {t!(i18n, service.your_number)} " " <strong>
                                    <code data-testid="support-number">{number}</code>
                                </strong>
                            </p>
                        </section>
                    }
                        .into_any()
                }
                _ => {
                    view! {
                        <form
                            class="card"
                            novalidate
                            data-testid="support-form"
                            on:submit=move |ev| {
                                ev.prevent_default();
                                submit
                                    .dispatch(api::SubmitSupport {
                                        form: form.get_untracked(),
                                    });
                            }
                        >
                            <div class="field">
                                <label for="sp-name">{t!(i18n, service.your_name)}</label>
                                <input
                                    id="sp-name"
                                    class="input"
                                    autocomplete="name"
                                    maxlength="200"
                                    on:change=text(|f| &mut f.name)
                                />
                                <FieldError errors field="name" />
                            </div>
                            <div class="field">
                                <label for="sp-email">{t!(i18n, money.email)}</label>
                                <input
                                    id="sp-email"
                                    class="input"
                                    type="email"
                                    autocomplete="email"
                                    on:change=text(|f| &mut f.email)
                                />
                                <FieldError errors field="email" />
                            </div>
                            <div class="field">
                                <label for="sp-order">
                                    {t!(i18n, service.order_number_optional)}
                                </label>
                                <input
                                    id="sp-order"
                                    class="input"
                                    maxlength="40"
                                    on:change=text(|f| &mut f.order_number)
                                />
                                <FieldError errors field="order_number" />
                            </div>
                            <div class="field">
                                <label for="sp-subject">{t!(i18n, service.subject)}</label>
                                <input
                                    id="sp-subject"
                                    class="input"
                                    maxlength="200"
                                    on:change=text(|f| &mut f.subject)
                                />
                                <FieldError errors field="subject" />
                            </div>
                            <div class="field">
                                <label for="sp-description">{t!(i18n, service.description)}</label>
                                <textarea
                                    id="sp-description"
                                    class="input"
                                    rows="6"
                                    maxlength="10000"
                                    on:change=text(|f| &mut f.description)
                                ></textarea>
                                <FieldError errors field="description" />
                            </div>
                            // The honeypot: hidden from people and from assistive technology.
                            <div class="honeypot" aria-hidden="true">
                                <label for="sp-website">"Website"</label>
                                <input
                                    id="sp-website"
                                    tabindex="-1"
                                    autocomplete="off"
                                    on:change=text(|f| &mut f.website)
                                />
                            </div>
                            <Transition fallback=|| ()>
                                {move || {
                                    related
                                        .get()
                                        .and_then(Result::ok)
                                        .filter(|a| !a.is_empty())
                                        .map(|articles| {
                                            view! {
                                                <div class="related" data-testid="related-articles">
                                                    <p class="small muted">
                                                        {t!(i18n, service.maybe_answered)}
                                                    </p>
                                                    <ul class="plain-list">
                                                        {articles
                                                            .into_iter()
                                                            .map(|a| {
                                                                view! {
                                                                    <li>
                                                                        <a
                                                                            href=format!("/help/{}", a.id)
                                                                            target="_blank"
                                                                            rel="noopener"
                                                                        >
                                                                            {a.title}
                                                                        </a>
                                                                    </li>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </ul>
                                                </div>
                                            }
                                        })
                                }}
                            </Transition>
                            <FormErrors errors field="website" />
                            <FormErrors errors field="form" />
                            <button
                                type="submit"
                                class="btn btn-primary"
                                disabled=move || submit.pending().get()
                            >
                                {t!(i18n, service.send_request)}
                            </button>
                        </form>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// `/rate/:token`: the one-time satisfaction page.
#[component]
pub fn RatePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, api::rating_form);
    let rate = ServerAction::<api::RateTicket>::new();
    let errors = Signal::derive(move || rate.value().get().and_then(Result::err));
    let score = RwSignal::new(0);
    let comment = RwSignal::new(String::new());
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, service.rate_title).to_owned()
        }) />
        <div class="page page-narrow">
            <header class="page-header">
                <h1>{t!(i18n, service.rate_title)}</h1>
            </header>
            {move || {
                if matches!(rate.value().get(), Some(Ok(()))) {
                    view! {
                        <p class="card" role="status" data-testid="rated">
                            {t!(i18n, service.rate_thanks)}
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <Transition fallback=move || {
                            view! { <p class="muted">{t!(i18n, common.loading)}</p> }
                        }>
                            {move || {
                                info.get()
                                    .map(|r| match r {
                                        Err(_) => {
                                            view! { <p class="card">{t!(i18n, service.rate_used)}</p> }
                                                .into_any()
                                        }
                                        Ok((number, subject)) => {
                                            view! {
                                                <form
                                                    class="card"
                                                    novalidate
                                                    data-testid="rate-form"
                                                    on:submit=move |ev| {
                                                        ev.prevent_default();
                                                        rate.dispatch(api::RateTicket {
                                                            token: token(),
                                                            score: score.get_untracked(),
                                                            comment: comment.get_untracked(),
                                                        });
                                                    }
                                                >
                                                    <p>
                                                        <code>{number}</code>
                                                        " "
                                                        {subject}
                                                    </p>
                                                    <fieldset class="field">
                                                        <legend>{t!(i18n, service.rate_question)}</legend>
                                                        {(1..=5)
                                                            .map(|n| {
                                                                let field_id = format!("score-{n}");
                                                                view! {
                                                                    <label class="check" for=field_id.clone()>
                                                                        <input
                                                                            type="radio"
                                                                            name="score"
                                                                            id=field_id.clone()
                                                                            value=n.to_string()
                                                                            on:change=move |_| score.set(n)
                                                                        />
                                                                        " "
                                                                        {n}
                                                                    </label>
                                                                    " "
                                                                }
                                                            })
                                                            .collect_view()}
                                                        <FieldError errors field="score" />
                                                    </fieldset>
                                                    <div class="field">
                                                        <label for="rate-comment">
                                                            {t!(i18n, service.comment)}
                                                        </label>
                                                        <textarea
                                                            id="rate-comment"
                                                            class="input"
                                                            rows="3"
                                                            maxlength="1000"
                                                            on:change=move |ev| comment.set(event_target_value(&ev))
                                                        ></textarea>
                                                        <FieldError errors field="comment" />
                                                    </div>
                                                    <FormErrors errors field="form" />
                                                    <button
                                                        type="submit"
                                                        class="btn btn-primary"
                                                        disabled=move || rate.pending().get()
                                                    >
                                                        {t!(i18n, service.send)}
                                                    </button>
                                                </form>
                                            }
                                                .into_any()
                                        }
                                    })
                            }}
                        </Transition>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
