//! Lists edited in place: each row's "Edit" button and, under the list,
//! the form that adds a record or edits the chosen one.

use leptos::prelude::*;

use super::forms::FormErrors;
use crate::{error::AppError, i18n::*};

/// What the add-or-edit form under a list works on: the form's value and
/// the record it edits (none while it adds one).
pub struct Editor<F: Send + Sync + 'static> {
    /// The form's value.
    pub form: RwSignal<F>,
    /// The record being edited; none while adding.
    pub editing: RwSignal<Option<i64>>,
    blank: fn() -> F,
}

impl<F: Send + Sync + 'static> Clone for Editor<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: Send + Sync + 'static> Copy for Editor<F> {}

impl<F: Clone + Send + Sync + 'static> Editor<F> {
    /// An editor adding a record, its form starting as `blank()`.
    pub fn new(blank: fn() -> F) -> Self {
        Self {
            form: RwSignal::new(blank()),
            editing: RwSignal::new(None),
            blank,
        }
    }

    /// Edits the record `id`, whose form reads `value`.
    pub fn edit(self, id: i64, value: F) {
        self.form.set(value);
        self.editing.set(Some(id));
    }

    /// Back to adding a record, with a blank form.
    pub fn reset(self) {
        self.form.set((self.blank)());
        self.editing.set(None);
    }

    /// What "Save" does: `create(form)` while adding, `update(id, form)`
    /// while editing.
    pub fn save<C, U>(
        self,
        create: impl Fn(F) -> C + Copy + Send + Sync + 'static,
        update: impl Fn(i64, F) -> U + Copy + Send + Sync + 'static,
    ) -> impl Fn(Option<i64>) + Copy + Send + Sync + 'static {
        move |editing| {
            let form = self.form.get_untracked();
            match editing {
                Some(id) => {
                    update(id, form);
                }
                None => {
                    create(form);
                }
            }
        }
    }

    /// The errors of the request the form last sent: `update`'s while
    /// editing, `create`'s while adding. Once either succeeds the form is
    /// reset.
    pub fn errors(
        self,
        create: impl Fn() -> Option<Result<(), AppError>> + Copy + Send + Sync + 'static,
        update: impl Fn() -> Option<Result<(), AppError>> + Copy + Send + Sync + 'static,
    ) -> Signal<Option<AppError>> {
        Effect::new(move |_| {
            // Both are read, so the effect keeps following both.
            let created = matches!(create(), Some(Ok(())));
            let updated = matches!(update(), Some(Ok(())));
            if created || updated {
                self.reset();
            }
        });
        Signal::derive(move || {
            if self.editing.get().is_some() {
                update().and_then(Result::err)
            } else {
                create().and_then(Result::err)
            }
        })
    }
}

/// A row's "Edit" cell: `on_edit` puts the row into the form.
#[component]
pub fn EditCell(#[prop(into)] on_edit: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <td>
            <button type="button" class="btn btn-ghost small" on:click=move |_| on_edit.run(())>
                {t!(i18n, crm.edit)}
            </button>
        </td>
    }
}

/// The add-or-edit form: its title (`adding` or `editing`), the fields in
/// `children`, "Save" (`on_save` gets the edited record's id, none for a
/// new one) and, while editing, "Cancel".
#[component]
pub fn EditorForm<F>(
    editor: Editor<F>,
    adding: impl Fn() -> &'static str + Send + Sync + 'static,
    editing: impl Fn() -> &'static str + Send + Sync + 'static,
    #[prop(into)] errors: Signal<Option<AppError>>,
    #[prop(into)] on_save: Callback<Option<i64>>,
    children: Children,
) -> impl IntoView
where
    F: Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let edited = editor.editing;
    let title = move || {
        if edited.get().is_some() {
            editing()
        } else {
            adding()
        }
    };
    view! {
        <form
            class="card"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_save.run(edited.get_untracked());
            }
        >
            <h2 class="card-title">{title}</h2>
            {children()}
            <FormErrors errors field="form" />
            <button type="submit" class="btn btn-primary">
                {t!(i18n, common.save)}
            </button>
            {move || {
                edited
                    .get()
                    .is_some()
                    .then(|| {
                        view! {
                            " "
                            <button
                                type="button"
                                class="btn btn-secondary"
                                on:click=move |_| editor.reset()
                            >
                                {t!(i18n, common.cancel)}
                            </button>
                        }
                    })
            }}
        </form>
    }
}
