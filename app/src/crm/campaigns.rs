//! `/campaigns`: campaigns with their leads, conversions and won amount,
//! and the form to add or edit one.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{api, text_field, types::CampaignForm, CrmTabs};
use crate::{
    auth::use_me,
    components::forms::{FieldError, FormErrors},
    i18n::*,
};

const CHANNELS: [&str; 6] = ["email", "web", "event", "social", "print", "other"];

fn channel_label(channel: &str, i18n: leptos_i18n::I18nContext<Locale>) -> &'static str {
    match channel {
        "email" => t_string!(i18n, crm.channel_email),
        "web" => t_string!(i18n, crm.channel_web),
        "event" => t_string!(i18n, crm.channel_event),
        "social" => t_string!(i18n, crm.channel_social),
        "print" => t_string!(i18n, crm.channel_print),
        _ => t_string!(i18n, crm.channel_other),
    }
}

/// `/campaigns`.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<api::CreateCampaign>::new();
    let update = ServerAction::<api::UpdateCampaign>::new();
    let campaigns = Resource::new(
        move || (create.version().get(), update.version().get()),
        |_| api::list_campaigns(),
    );
    let can_write = use_me().is_some_and(|m| m.can("campaigns.write"));
    let editing = RwSignal::new(None::<i64>);
    let blank = || CampaignForm {
        channel: "email".into(),
        currency: "EUR".into(),
        ..Default::default()
    };
    let form = RwSignal::new(blank());
    let errors = Signal::derive(move || {
        if editing.get().is_some() {
            update.value().get().and_then(Result::err)
        } else {
            create.value().get().and_then(Result::err)
        }
    });
    Effect::new(move |_| {
        let created = matches!(create.value().get(), Some(Ok(())));
        let updated = matches!(update.value().get(), Some(Ok(())));
        if created || updated {
            form.set(blank());
            editing.set(None);
        }
    });
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, crm.campaigns).to_owned())/>
        <div class="page">
            <header class="page-header"><h1>{t!(i18n, crm.campaigns)}</h1></header>
            <CrmTabs current="campaigns"/>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || campaigns.get().map(|result| result.map(|rows| view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="campaigns">
                            <thead><tr>
                                <th scope="col">{t!(i18n, admin.name)}</th>
                                <th scope="col">{t!(i18n, crm.channel)}</th>
                                <th scope="col">{t!(i18n, crm.period)}</th>
                                <th scope="col" class="num">{t!(i18n, crm.budget)}</th>
                                <th scope="col" class="num">{t!(i18n, crm.leads)}</th>
                                <th scope="col" class="num">{t!(i18n, crm.conversions)}</th>
                                <th scope="col" class="num">{t!(i18n, crm.won_amount)}</th>
                                {can_write.then(|| view! { <th scope="col">{t!(i18n, common.actions)}</th> })}
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|c| {
                                    let edit = CampaignForm {
                                        name: c.name.clone(), channel: c.channel.clone(), budget: c.budget_plain.clone(),
                                        currency: c.currency.clone(), starts_on: c.starts_on.clone(), ends_on: c.ends_on.clone(),
                                    };
                                    let id = c.id;
                                    view! {
                                        <tr>
                                            <td><a href=format!("/leads?campaign={id}")>{c.name.clone()}</a></td>
                                            <td>{channel_label(&c.channel, i18n)}</td>
                                            <td class="small">{format!("{} – {}", c.starts_on, c.ends_on)}</td>
                                            <td class="num">{format!("{} {}", c.budget, c.currency)}</td>
                                            <td class="num">{c.leads}</td>
                                            <td class="num">{c.converted}</td>
                                            <td class="num">{c.won.clone()}</td>
                                            {can_write.then(|| view! {
                                                <td><button type="button" class="btn btn-ghost small" on:click=move |_| { form.set(edit.clone()); editing.set(Some(id)); }>{t!(i18n, crm.edit)}</button></td>
                                            })}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }))}
            </Transition>
            {can_write.then(|| view! {
                <form class="card" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    match editing.get_untracked() {
                        Some(id) => { update.dispatch(api::UpdateCampaign { id, form: form.get_untracked() }); }
                        None => { create.dispatch(api::CreateCampaign { form: form.get_untracked() }); }
                    }
                }>
                    <h2 class="card-title">{move || if editing.get().is_some() { t_string!(i18n, crm.edit_campaign) } else { t_string!(i18n, crm.new_campaign) }}</h2>
                    {text_field!(form, errors, "campaign-name", name, t!(i18n, admin.name), "text")}
                    <div class="field">
                        <label for="campaign-channel">{t!(i18n, crm.channel)}</label>
                        <select id="campaign-channel" class="select" prop:value=move || form.read().channel.clone() on:change=move |ev| form.update(|f| f.channel = event_target_value(&ev))>
                            {CHANNELS.iter().map(|c| view! { <option value=*c>{channel_label(c, i18n)}</option> }).collect_view()}
                        </select>
                        <FieldError errors field="channel"/>
                    </div>
                    {text_field!(form, errors, "campaign-budget", budget, t!(i18n, crm.budget), "text")}
                    {text_field!(form, errors, "campaign-currency", currency, t!(i18n, crm.currency), "text")}
                    {text_field!(form, errors, "campaign-start", starts_on, t!(i18n, crm.starts_on), "date")}
                    {text_field!(form, errors, "campaign-end", ends_on, t!(i18n, crm.ends_on), "date")}
                    <FormErrors errors field="form"/>
                    <button type="submit" class="btn btn-primary">{t!(i18n, common.save)}</button>
                    {move || editing.get().is_some().then(|| view! {
                        " " <button type="button" class="btn btn-secondary" on:click=move |_| { form.set(blank()); editing.set(None); }>{t!(i18n, common.cancel)}</button>
                    })}
                </form>
            })}
        </div>
    }
}
