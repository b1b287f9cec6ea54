//! `/service/settings` (queues, SLA policies, the working calendar) and the
//! staff side of the knowledge base (`/knowledge`, `/knowledge/new`,
//! `/knowledge/:id`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::{api, priority_label, public::ArticleList, types::*, ServiceTabs, PRIORITIES};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        param, NewLink,
    },
    i18n::*,
};

/// `/service/settings`.
#[component]
pub fn ServiceSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save_queue = ServerAction::<api::SaveQueue>::new();
    let save_policy = ServerAction::<api::SavePolicy>::new();
    let save_calendar = ServerAction::<api::SaveCalendar>::new();
    let queues = Resource::new(move || save_queue.version().get(), |_| api::list_queues());
    let agents = Resource::new(|| (), |_| api::list_agents());
    let policies = Resource::new(
        move || save_policy.version().get(),
        |_| api::list_policies(),
    );
    let calendar = Resource::new(
        move || save_calendar.version().get(),
        |_| api::get_calendar(),
    );
    let queue_errors = Signal::derive(move || save_queue.value().get().and_then(Result::err));
    let policy_errors = Signal::derive(move || save_policy.value().get().and_then(Result::err));
    let calendar_errors = Signal::derive(move || save_calendar.value().get().and_then(Result::err));
    let q_name = RwSignal::new(String::new());
    let q_auto = RwSignal::new(true);
    let q_members: RwSignal<Vec<i64>> = RwSignal::new(Vec::new());
    let policy = RwSignal::new(PolicyView {
        priority: "normal".into(),
        first_response_minutes: 480,
        resolution_minutes: 2400,
        ..Default::default()
    });
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, service.settings).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, service.settings)}</h1>
            </header>
            <ServiceTabs current="settings" />
            <section class="card">
                <h2 class="card-title">{t!(i18n, service.queues)}</h2>
                <Transition fallback=|| ()>
                    {move || {
                        queues
                            .get()
                            .and_then(Result::ok)
                            .map(|qs| {
                                view! {
                                    <ul class="plain-list" data-testid="queues">
                                        {qs
                                            .into_iter()
                                            .map(|q| {
                                                view! {
                                                    <li>
                                                        <strong>{q.name.clone()}</strong>
                                                        {q
                                                            .auto_assign
                                                            .then(|| {
                                                                view! {
                                                                    " · "
                                                                    {t!(i18n, service.round_robin)}
                                                                }
                                                            })}
                                                        {q.manager.clone().map(|(_, m)| format!(" · {m}"))}
                                                        " · "
                                                        {q
                                                            .members
                                                            .iter()
                                                            .map(|(_, n, away)| {
                                                                if *away { format!("{n} (away)") } else { n.clone() }
                                                            })
                                                            .collect::<Vec<_>>()
                                                            .join(", ")}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                            })
                    }}
                </Transition>
                <form
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save_queue
                            .dispatch(api::SaveQueue {
                                id: None,
                                name: q_name.get_untracked(),
                                manager_id: None,
                                auto_assign: q_auto.get_untracked(),
                                member_ids: q_members.get_untracked(),
                            });
                    }
                >
                    <h3>{t!(i18n, service.new_queue)}</h3>
                    <div class="field">
                        <label for="q-name">{t!(i18n, admin.name)}</label>
                        <input
                            id="q-name"
                            class="input"
                            on:change=move |ev| q_name.set(event_target_value(&ev))
                        />
                        <FieldError errors=queue_errors field="name" />
                    </div>
                    <fieldset class="field">
                        <legend>{t!(i18n, service.members)}</legend>
                        <Transition fallback=|| ()>
                            {move || {
                                agents
                                    .get()
                                    .and_then(Result::ok)
                                    .map(|people| {
                                        people
                                            .into_iter()
                                            .map(|(id, name)| {
                                                let field_id = format!("q-member-{id}");
                                                view! {
                                                    <label class="check" for=field_id.clone()>
                                                        <input
                                                            type="checkbox"
                                                            id=field_id.clone()
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                q_members
                                                                    .update(|m| {
                                                                        m.retain(|x| *x != id);
                                                                        if on {
                                                                            m.push(id);
                                                                        }
                                                                    });
                                                            }
                                                        />
                                                        " "
                                                        {name}
                                                    </label>
                                                }
                                            })
                                            .collect_view()
                                    })
                            }}
                        </Transition>
                    </fieldset>
                    <div class="field">
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=move || q_auto.get()
                                on:change=move |ev| q_auto.set(event_target_checked(&ev))
                            />
                            " "
                            {t!(i18n, service.round_robin)}
                        </label>
                    </div>
                    <FormErrors errors=queue_errors field="form" />
                    <button type="submit" class="btn btn-secondary">
                        {t!(i18n, service.save)}
                    </button>
                </form>
            </section>
            <section class="card">
                <h2 class="card-title">{t!(i18n, service.policies)}</h2>
                <Transition fallback=|| ()>
                    {move || {
                        policies
                            .get()
                            .and_then(Result::ok)
                            .map(|ps| {
                                view! {
                                    <div class="table-wrap">
                                        <table class="table" data-testid="policies">
                                            <thead>
                                                <tr>
                                                    <th scope="col">{t!(i18n, admin.name)}</th>
                                                    <th scope="col">{t!(i18n, service.priority)}</th>
                                                    <th scope="col">{t!(i18n, service.segment)}</th>
                                                    <th scope="col" class="num">
                                                        {t!(i18n, service.first_response_min)}
                                                    </th>
                                                    <th scope="col" class="num">
                                                        {t!(i18n, service.resolution_min)}
                                                    </th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {ps
                                                    .into_iter()
                                                    .map(|p| {
                                                        view! {
                                                            <tr>
                                                                <td>{p.name}</td>
                                                                <td>{priority_label(&p.priority, i18n)}</td>
                                                                <td>
                                                                    {if p.segment.is_empty() {
                                                                        "—".to_owned()
                                                                    } else {
                                                                        p.segment
                                                                    }}
                                                                </td>
                                                                <td class="num">{p.first_response_minutes}</td>
                                                                <td class="num">{p.resolution_minutes}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }
                            })
                    }}
                </Transition>
                <form
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save_policy
                            .dispatch(api::SavePolicy {
                                form: policy.get_untracked(),
                            });
                    }
                >
                    <div class="grid-2">
                        <div class="field">
                            <label for="p-name">{t!(i18n, admin.name)}</label>
                            <input
                                id="p-name"
                                class="input"
                                on:change=move |ev| {
                                    policy.update(|p| p.name = event_target_value(&ev))
                                }
                            />
                            <FieldError errors=policy_errors field="name" />
                        </div>
                        <div class="field">
                            <label for="p-priority">{t!(i18n, service.priority)}</label>
                            <select
                                id="p-priority"
                                class="select"
                                prop:value=move || policy.with(|p| p.priority.clone())
                                on:change=move |ev| {
                                    policy.update(|p| p.priority = event_target_value(&ev))
                                }
                            >
                                {PRIORITIES
                                    .into_iter()
                                    .map(|s| {
                                        view! { <option value=s>{priority_label(s, i18n)}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="p-segment">{t!(i18n, service.segment)}</label>
                            <input
                                id="p-segment"
                                class="input"
                                on:change=move |ev| {
                                    policy.update(|p| p.segment = event_target_value(&ev))
                                }
                            />
                            <FieldError errors=policy_errors field="segment" />
                        </div>
                        <div class="field">
                            <label for="p-first">{t!(i18n, service.first_response_min)}</label>
                            <input
                                id="p-first"
                                class="input input-narrow"
                                inputmode="numeric"
                                prop:value=move || {
                                    policy.with(|p| p.first_response_minutes.to_string())
                                }
                                on:change=move |ev| {
                                    policy
                                        .update(|p| {
                                            p.first_response_minutes = event_target_value(&ev)
                                                .trim()
                                                .parse()
                                                .unwrap_or(0);
                                        })
                                }
                            />
                            <FieldError errors=policy_errors field="first_response_minutes" />
                        </div>
                        <div class="field">
                            <label for="p-resolution">{t!(i18n, service.resolution_min)}</label>
                            <input
                                id="p-resolution"
                                class="input input-narrow"
                                inputmode="numeric"
                                prop:value=move || policy.with(|p| p.resolution_minutes.to_string())
                                on:change=move |ev| {
                                    policy
                                        .update(|p| {
                                            p.resolution_minutes = event_target_value(&ev)
                                                .trim()
                                                .parse()
                                                .unwrap_or(0);
                                        })
                                }
                            />
                            <FieldError errors=policy_errors field="resolution_minutes" />
                        </div>
                    </div>
                    <FormErrors errors=policy_errors field="form" />
                    <button type="submit" class="btn btn-secondary">
                        {t!(i18n, service.save)}
                    </button>
                </form>
            </section>
            <section class="card">
                <h2 class="card-title">{t!(i18n, service.calendar)}</h2>
                <Transition fallback=|| ()>
                    {move || {
                        calendar
                            .get()
                            .and_then(Result::ok)
                            .map(|c| {
                                let form = RwSignal::new(c);
                                let days = [
                                    t_string!(i18n, service.mon),
                                    t_string!(i18n, service.tue),
                                    t_string!(i18n, service.wed),
                                    t_string!(i18n, service.thu),
                                    t_string!(i18n, service.fri),
                                    t_string!(i18n, service.sat),
                                    t_string!(i18n, service.sun),
                                ];
                                view! {
                                    <form
                                        novalidate
                                        data-testid="calendar-form"
                                        on:submit=move |ev| {
                                            ev.prevent_default();
                                            save_calendar
                                                .dispatch(api::SaveCalendar {
                                                    form: form.get_untracked(),
                                                });
                                        }
                                    >
                                        <div class="grid-2">
                                            <div class="field">
                                                <label for="c-name">{t!(i18n, admin.name)}</label>
                                                <input
                                                    id="c-name"
                                                    class="input"
                                                    prop:value=move || form.with(|f| f.name.clone())
                                                    on:change=move |ev| {
                                                        form.update(|f| f.name = event_target_value(&ev))
                                                    }
                                                />
                                                <FieldError errors=calendar_errors field="name" />
                                            </div>
                                            <div class="field">
                                                <label for="c-offset">{t!(i18n, service.utc_offset)}</label>
                                                <input
                                                    id="c-offset"
                                                    class="input input-narrow"
                                                    prop:value=move || {
                                                        form.with(|f| f.utc_offset_minutes.clone())
                                                    }
                                                    on:change=move |ev| {
                                                        form.update(|f| {
                                                            f.utc_offset_minutes = event_target_value(&ev);
                                                        })
                                                    }
                                                />
                                                <FieldError
                                                    errors=calendar_errors
                                                    field="utc_offset_minutes"
                                                />
                                            </div>
                                            <div class="field">
                                                <label for="c-start">{t!(i18n, service.day_start)}</label>
                                                <input
                                                    id="c-start"
                                                    class="input input-narrow"
                                                    type="time"
                                                    prop:value=move || form.with(|f| f.start.clone())
                                                    on:change=move |ev| {
                                                        form.update(|f| f.start = event_target_value(&ev))
                                                    }
                                                />
                                                <FieldError
                                                    errors=calendar_errors
                                                    field="day_start_minute"
                                                />
                                            </div>
                                            <div class="field">
                                                <label for="c-end">{t!(i18n, service.day_end)}</label>
                                                <input
                                                    id="c-end"
                                                    class="input input-narrow"
                                                    type="time"
                                                    prop:value=move || form.with(|f| f.end.clone())
                                                    on:change=move |ev| {
                                                        form.update(|f| f.end = event_target_value(&ev))
                                                    }
                                                />
                                                <FieldError errors=calendar_errors field="day_end_minute" />
                                            </div>
                                        </div>
                                        <fieldset class="field">
                                            <legend>{t!(i18n, service.working_days)}</legend>
                                            {days
                                                .into_iter()
                                                .enumerate()
                                                .map(|(i, name)| {
                                                    let field_id = format!("c-day-{i}");
                                                    view! {
                                                        <label class="check" for=field_id.clone()>
                                                            <input
                                                                type="checkbox"
                                                                id=field_id.clone()
                                                                prop:checked=move || {
                                                                    form.with(|f| {
                                                                        f.working_days.get(i).copied().unwrap_or(false)
                                                                    })
                                                                }
                                                                on:change=move |ev| {
                                                                    form.update(|f| {
                                                                        if f.working_days.len() < 7 {
                                                                            f.working_days.resize(7, false);
                                                                        }
                                                                        f.working_days[i] = event_target_checked(&ev);
                                                                    })
                                                                }
                                                            />
                                                            " "
                                                            {name}
                                                        </label>
                                                        " "
                                                    }
                                                })
                                                .collect_view()}
                                            <FieldError errors=calendar_errors field="working_days" />
                                        </fieldset>
                                        <div class="field">
                                            <label for="c-holidays">{t!(i18n, service.holidays)}</label>
                                            <textarea
                                                id="c-holidays"
                                                class="input"
                                                rows="5"
                                                prop:value=move || form.with(|f| f.holidays.clone())
                                                on:change=move |ev| {
                                                    form.update(|f| f.holidays = event_target_value(&ev))
                                                }
                                            ></textarea>
                                            <p class="small muted">{t!(i18n, service.holidays_hint)}</p>
                                        </div>
                                        <FormErrors errors=calendar_errors field="form" />
                                        <button type="submit" class="btn btn-secondary">
                                            {t!(i18n, service.save)}
                                        </button>
                                    </form>
                                }
                            })
                    }}
                </Transition>
            </section>
        </div>
    }
}

/// `/knowledge`: every article, drafts too.
#[component]
pub fn KnowledgePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| param(&query.read(), k).unwrap_or_default();
    let list = Resource::new(
        move || get("q"),
        |q| api::search_articles(q, String::new(), String::new(), true),
    );
    let me = crate::auth::use_me();
    let can_write = me.as_ref().is_some_and(|m| m.can("knowledge.write"));
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, service.knowledge).to_owned()
        }) />
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, service.knowledge)}</h1>
                <NewLink allowed=can_write href="/knowledge/new">
                    {t!(i18n, service.new_article)}
                </NewLink>
            </header>
            <ServiceTabs current="knowledge" />
            <form method="GET" action="" class="filters">
                <div class="field">
                    <label for="kb-q">{t!(i18n, service.search)}</label>
                    <input
                        id="kb-q"
                        class="input"
                        type="search"
                        name="q"
                        prop:value=move || get("q")
                    />
                </div>
                <button type="submit" class="btn btn-secondary">
                    {t!(i18n, service.search)}
                </button>
            </form>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    list.get()
                        .map(|r| r.map(|rows| view! { <ArticleList rows base="/knowledge" /> }))
                }}
            </Transition>
        </div>
    }
}

/// `/knowledge/new` and `/knowledge/:id`: the editor with a preview of the
/// saved article.
#[component]
pub fn ArticleEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let save = ServerAction::<api::SaveArticle>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            if id() != Some(saved) {
                navigate(&format!("/knowledge/{saved}"), Default::default());
            }
        }
    });
    let errors = Signal::derive(move || save.value().get().and_then(Result::err));
    let article = Resource::new(
        move || (id(), save.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => api::get_article(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, service.knowledge).to_owned()
        }) />
        <div class="page">
            <ServiceTabs current="knowledge" />
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    article
                        .get()
                        .map(|r| match r {
                            Err(e) => crate::components::failed(e),
                            Ok(found) => {
                                let html = found
                                    .as_ref()
                                    .map(|a| a.html.clone())
                                    .unwrap_or_default();
                                let form = RwSignal::new(
                                    found
                                        .map(|a| a.form)
                                        .unwrap_or(ArticleForm {
                                            language: "en".into(),
                                            ..Default::default()
                                        }),
                                );
                                view! {
                                    <form
                                        class="card"
                                        novalidate
                                        data-testid="article-form"
                                        on:submit=move |ev| {
                                            ev.prevent_default();
                                            save.dispatch(api::SaveArticle {
                                                id: id(),
                                                form: form.get_untracked(),
                                            });
                                        }
                                    >
                                        <div class="field">
                                            <label for="a-title">{t!(i18n, service.title)}</label>
                                            <input
                                                id="a-title"
                                                class="input"
                                                prop:value=move || form.with(|f| f.title.clone())
                                                on:change=move |ev| {
                                                    form.update(|f| f.title = event_target_value(&ev))
                                                }
                                            />
                                            <FieldError errors field="title" />
                                        </div>
                                        <div class="grid-2">
                                            <div class="field">
                                                <label for="a-category">{t!(i18n, service.category)}</label>
                                                <input
                                                    id="a-category"
                                                    class="input"
                                                    prop:value=move || form.with(|f| f.category.clone())
                                                    on:change=move |ev| {
                                                        form.update(|f| f.category = event_target_value(&ev))
                                                    }
                                                />
                                                <FieldError errors field="category" />
                                            </div>
                                            <div class="field">
                                                <label for="a-language">{t!(i18n, service.language)}</label>
                                                <select
                                                    id="a-language"
                                                    class="select"
                                                    prop:value=move || form.with(|f| f.language.clone())
                                                    on:change=move |ev| {
                                                        form.update(|f| f.language = event_target_value(&ev))
                                                    }
                                                >
                                                    <option value="en">"English"</option>
                                                    <option value="zh">"中文"</option>
                                                </select>
                                                <FieldError errors field="language" />
                                            </div>
                                        </div>
                                        <div class="field">
                                            <label for="a-tags">{t!(i18n, service.tags)}</label>
                                            <input
                                                id="a-tags"
                                                class="input"
                                                prop:value=move || form.with(|f| f.tags.clone())
                                                on:change=move |ev| {
                                                    form.update(|f| f.tags = event_target_value(&ev))
                                                }
                                            />
                                            <FieldError errors field="tags" />
                                        </div>
                                        <div class="field">
                                            <label for="a-body">
                                                {t!(i18n, service.body_markdown)}
                                            </label>
                                            <textarea
                                                id="a-body"
                                                class="input"
                                                rows="14"
                                                prop:value=move || form.with(|f| f.body.clone())
                                                on:change=move |ev| {
                                                    form.update(|f| f.body = event_target_value(&ev))
                                                }
                                            ></textarea>
                                            <FieldError errors field="body" />
                                        </div>
                                        <div class="field">
                                            <label class="check">
                                                <input
                                                    type="checkbox"
                                                    prop:checked=move || form.with(|f| f.published)
                                                    on:change=move |ev| {
                                                        form.update(|f| f.published = event_target_checked(&ev))
                                                    }
                                                />
                                                " "
                                                {t!(i18n, service.published)}
                                            </label>
                                        </div>
                                        <FormErrors errors field="form" />
                                        <button
                                            type="submit"
                                            class="btn btn-primary"
                                            disabled=move || save.pending().get()
                                        >
                                            {t!(i18n, service.save)}
                                        </button>
                                    </form>
                                    {(!html.is_empty())
                                        .then(|| {
                                            view! {
                                                <section class="card article">
                                                    <h2 class="card-title">{t!(i18n, service.preview)}</h2>
                                                    // Sanitised on the server by ammonia.
                                                    <div class="article-body" inner_html=html></div>
                                                </section>
                                            }
                                        })}
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}
