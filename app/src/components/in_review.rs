//! What a record's fields wait for: two devices set them apart, and which value stands
//! is the central office's review. The worker is told which fields, and the values this
//! device wrote (the row may show the other device's).

use leptos::prelude::*;

use crate::state::Ctx;

/// The fields of a person or a contact under review (`kind` starts the test ids:
/// `{kind}-in-review`, `{kind}-in-review-mine`); nothing when there are none.
#[component]
pub fn InReview(
    fields: Signal<Vec<String>>,
    mine: Signal<Vec<(String, String)>>,
    kind: &'static str,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let tr = ctx.lang.get().t();
        let lang = ctx.lang.get();
        let fields = fields.get();
        let name = |f: &str| {
            tr.ws_field_names
                .find(f.split('.').next().unwrap_or_default())
                .unwrap_or(f)
                .to_lowercase()
        };
        (!fields.is_empty()).then(|| {
            let names = fields.iter().map(|f| name(f)).collect::<Vec<_>>().join(", ");
            let mine = mine
                .get()
                .into_iter()
                .map(|(f, v)| {
                    let value = crate::pages::workspace::value_label(&f, &v, tr, lang);
                    view! {
                        <li data-testid=format!("{kind}-in-review-mine")>
                            {tr.person_in_review_mine.args(&[("field", &name(&f)), ("value", &value)])}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <p class="small warning" data-testid=format!("{kind}-in-review")>{tr.person_in_review.with("fields", &names)}</p>
                <ul class="small muted in-review-mine">{mine}</ul>
            }
        })
    }
}
