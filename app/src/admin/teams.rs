//! `/admin/teams`: sales teams and who is in which ("my team" in the
//! forecast).

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use super::AdminTabs;
use crate::{
    components::forms::{FieldError, FormErrors},
    crm::types::Choice,
    error::AppError,
    i18n::*,
};

#[cfg(feature = "ssr")]
use tandem_domain::access::teams;

#[cfg(feature = "ssr")]
use crate::ssr::signed_in;

/// A team and its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Members' names.
    pub members: Vec<String>,
}

/// The teams page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamsView {
    /// Every team.
    pub teams: Vec<TeamView>,
    /// Every active user, for the assignment form.
    pub users: Vec<Choice>,
}

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::access::teams::Roster;

    use super::*;

    pub fn roster(r: Roster) -> TeamsView {
        TeamsView {
            teams: r
                .teams
                .into_iter()
                .map(|t| TeamView {
                    id: t.id,
                    name: t.name,
                    members: t.members.into_iter().map(|(_, n)| n).collect(),
                })
                .collect(),
            users: r
                .users
                .into_iter()
                .map(|(id, name)| Choice { id, name })
                .collect(),
        }
    }
}

crate::authz!("/api/admin/teams/list", Needs(AdminUsers), JSON, r#"{}"#);
/// Teams and users.
#[server(endpoint = "admin/teams/list", input = Json)]
pub async fn list_teams() -> Result<TeamsView, AppError> {
    let state = crate::ssr::state()?;
    let roster = teams::roster(&state.db, &signed_in()?).await?;
    Ok(convert::roster(roster))
}

crate::authz!(
    "/api/admin/teams/create",
    Needs(AdminUsers),
    JSON,
    r#"{"name":""}"#
);
/// Creates a team.
#[server(endpoint = "admin/teams/create", input = Json)]
pub async fn create_team(name: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    teams::create(&state.db, &signed_in()?, &name).await?;
    Ok(())
}

crate::authz!(
    "/api/admin/teams/set",
    Needs(AdminUsers),
    JSON,
    r#"{"user_id":999999,"team_id":null}"#,
);
/// Puts a user in a team (or none).
#[server(endpoint = "admin/teams/set", input = Json)]
pub async fn set_team(user_id: i64, team_id: Option<i64>) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(teams::set_team(&state.db, &signed_in()?, user_id, team_id).await?)
}

/// `/admin/teams`.
#[component]
pub fn TeamsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateTeam>::new();
    let assign = ServerAction::<SetTeam>::new();
    let data = Resource::new(
        move || (create.version().get(), assign.version().get()),
        |_| list_teams(),
    );
    let name = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let team = RwSignal::new(String::new());
    let create_errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let assign_errors = Signal::derive(move || assign.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = create.value().get() {
            name.set(String::new());
        }
    });
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, admin.teams).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, admin.teams)}</h1>
            </header>
            <AdminTabs current="teams" />
            <p class="muted">{t!(i18n, admin.teams_help)}</p>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    data.get()
                        .map(|result| {
                            result
                                .map(|d| {
                                    let teams = d.teams.clone();
                                    view! {
                                        <ul class="plain-list" data-testid="teams">
                                            {d
                                                .teams
                                                .into_iter()
                                                .map(|t| {
                                                    view! {
                                                        <li>
                                                            <strong>{t.name}</strong>
                                                            ": "
                                                            {t.members.join(", ")}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                        <form
                                            class="card"
                                            novalidate
                                            on:submit=move |ev| {
                                                ev.prevent_default();
                                                if let Ok(user_id) = user.get_untracked().parse() {
                                                    assign
                                                        .dispatch(SetTeam {
                                                            user_id,
                                                            team_id: team.get_untracked().parse().ok(),
                                                        });
                                                }
                                            }
                                        >
                                            <h2 class="card-title">{t!(i18n, admin.assign_team)}</h2>
                                            <div class="field">
                                                <label for="team-user">{t!(i18n, admin.user)}</label>
                                                <select
                                                    id="team-user"
                                                    class="select"
                                                    on:change=move |ev| user.set(event_target_value(&ev))
                                                >
                                                    <option value="">"—"</option>
                                                    {d
                                                        .users
                                                        .into_iter()
                                                        .map(|u| {
                                                            view! { <option value=u.id.to_string()>{u.name}</option> }
                                                        })
                                                        .collect_view()}
                                                </select>
                                            </div>
                                            <div class="field">
                                                <label for="team-team">{t!(i18n, admin.team)}</label>
                                                <select
                                                    id="team-team"
                                                    class="select"
                                                    on:change=move |ev| team.set(event_target_value(&ev))
                                                >
                                                    <option value="">{t!(i18n, admin.no_team)}</option>
                                                    {teams
                                                        .into_iter()
                                                        .map(|t| {
                                                            view! { <option value=t.id.to_string()>{t.name}</option> }
                                                        })
                                                        .collect_view()}
                                                </select>
                                                <FieldError errors=assign_errors field="team_id" />
                                            </div>
                                            <FormErrors errors=assign_errors field="form" />
                                            <button type="submit" class="btn btn-secondary">
                                                {t!(i18n, common.save)}
                                            </button>
                                        </form>
                                    }
                                })
                        })
                }}
            </Transition>
            <form
                class="card"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    create
                        .dispatch(CreateTeam {
                            name: name.get_untracked(),
                        });
                }
            >
                <h2 class="card-title">{t!(i18n, admin.new_team)}</h2>
                <div class="field">
                    <label for="team-name">{t!(i18n, admin.name)}</label>
                    <input
                        id="team-name"
                        class="input"
                        type="text"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                    <FieldError errors=create_errors field="name" />
                </div>
                <FormErrors errors=create_errors field="form" />
                <button type="submit" class="btn btn-primary">
                    {t!(i18n, admin.new_team)}
                </button>
            </form>
        </div>
    }
}
