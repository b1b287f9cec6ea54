//! `/campaigns`: campaigns with their leads, conversions and won amount,
//! and the form to add or edit one.

use leptos::prelude::*;

use super::{api, text_field, types::CampaignForm, CrmTabs};
use crate::{
    auth::use_me,
    components::{
        forms::FieldError, loading, Col, EditCell, Editor, EditorForm, ListTable, Money, Options,
        PageHeader,
    },
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
    let editor = Editor::new(|| CampaignForm {
        channel: "email".into(),
        currency: "EUR".into(),
        ..Default::default()
    });
    let form = editor.form;
    let errors = editor.errors(move || create.value().get(), move || update.value().get());
    let save = editor.save(
        move |form| create.dispatch(api::CreateCampaign { form }),
        move |id, form| update.dispatch(api::UpdateCampaign { id, form }),
    );
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, crm.campaigns) />
            <CrmTabs current="campaigns" />
            <Transition fallback=loading>
                {move || {
                    campaigns
                        .get()
                        .map(|result| {
                            result
                                .map(|rows| {
                                    view! {
                                        <ListTable
                                            testid="campaigns"
                                            head=view! {
                                                <Col>{t!(i18n, admin.name)}</Col>
                                                <Col>{t!(i18n, crm.channel)}</Col>
                                                <Col>{t!(i18n, crm.period)}</Col>
                                                <Col num=true>{t!(i18n, crm.budget)}</Col>
                                                <Col num=true>{t!(i18n, crm.leads)}</Col>
                                                <Col num=true>{t!(i18n, crm.conversions)}</Col>
                                                <Col num=true>{t!(i18n, crm.won_amount)}</Col>
                                                {can_write
                                                    .then(|| view! { <Col>{t!(i18n, common.actions)}</Col> })}
                                            }
                                        >
                                            {rows
                                                .into_iter()
                                                .map(|c| {
                                                    let edit = CampaignForm {
                                                        name: c.name.clone(),
                                                        channel: c.channel.clone(),
                                                        budget: c.budget_plain.clone(),
                                                        currency: c.currency.clone(),
                                                        starts_on: c.starts_on.clone(),
                                                        ends_on: c.ends_on.clone(),
                                                    };
                                                    let id = c.id;
                                                    view! {
                                                        <tr>
                                                            <td>
                                                                <a href=format!("/leads?campaign={id}")>{c.name}</a>
                                                            </td>
                                                            <td>{channel_label(&c.channel, i18n)}</td>
                                                            <td class="small">
                                                                {format!("{} – {}", c.starts_on, c.ends_on)}
                                                            </td>
                                                            <td class="num">
                                                                <Money amount=c.budget currency=c.currency />
                                                            </td>
                                                            <td class="num">{c.leads}</td>
                                                            <td class="num">{c.converted}</td>
                                                            <td class="num">{c.won}</td>
                                                            {can_write
                                                                .then(|| {
                                                                    view! {
                                                                        <EditCell on_edit=move || editor.edit(id, edit.clone()) />
                                                                    }
                                                                })}
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </ListTable>
                                    }
                                })
                        })
                }}
            </Transition>
            {can_write
                .then(|| {
                    view! {
                        <EditorForm
                            editor
                            errors
                            on_save=save
                            adding=move || t_string!(i18n, crm.new_campaign)
                            editing=move || t_string!(i18n, crm.edit_campaign)
                        >
                            {text_field!(
                                form, errors, "campaign-name", name, t!(i18n, admin.name), "text"
                            )}
                            <div class="field">
                                <label for="campaign-channel">{t!(i18n, crm.channel)}</label>
                                <select
                                    id="campaign-channel"
                                    class="select"
                                    prop:value=move || form.read().channel.clone()
                                    on:change=move |ev| {
                                        form.update(|f| f.channel = event_target_value(&ev))
                                    }
                                >
                                    <Options values=&CHANNELS label=channel_label />
                                </select>
                                <FieldError errors field="channel" />
                            </div>
                            {text_field!(
                                form, errors, "campaign-budget", budget, t!(i18n, crm.budget), "text"
                            )}
                            {text_field!(
                                form, errors, "campaign-currency", currency, t!(i18n, crm.currency), "text"
                            )}
                            {text_field!(
                                form, errors, "campaign-start", starts_on, t!(i18n, crm.starts_on), "date"
                            )}
                            {text_field!(
                                form, errors, "campaign-end", ends_on, t!(i18n, crm.ends_on), "date"
                            )}
                        </EditorForm>
                    }
                })}
        </div>
    }
}
