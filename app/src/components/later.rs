//! Drawing a page in more than one browser task: what is below the fold waits for the
//! next task, so no single task draws a whole page (each stays well under 50 ms with
//! thousands of records, and the page answers in between).

use std::time::Duration;

use leptos::prelude::*;

/// Renders its children in a later task than the one that renders it (after `after`).
#[component]
pub fn Later(
    children: ChildrenFn,
    /// How long to wait, on top of the task switch itself.
    #[prop(optional)]
    after: Option<Duration>,
) -> impl IntoView {
    let ready = RwSignal::new(false);
    set_timeout(
        // The page may be gone by then: the signal with it, and nothing is drawn.
        move || {
            let _ = ready.try_set(true);
        },
        after.unwrap_or_default(),
    );
    view! { <Show when=move || ready.get()>{children()}</Show> }
}
