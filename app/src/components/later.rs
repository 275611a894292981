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

/// The rows a list draws: `ids` as they are, except that rows not drawn yet come in at
/// most `batch` per browser task. A list whose rows all change at once (a first sync,
/// a new search, a page of a pull) is so never drawn in one long task; rows already
/// drawn stay, in the order of `ids`.
pub fn progressive<T>(ids: Memo<Vec<T>>, batch: usize) -> ReadSignal<Vec<T>>
where
    T: Clone + Eq + std::hash::Hash + Send + Sync + 'static,
{
    let shown = RwSignal::new(Vec::<T>::new());
    let tick = RwSignal::new(0u64);
    Effect::new(move |_| {
        tick.track();
        let target = ids.get();
        let drawn: std::collections::HashSet<T> =
            shown.with_untracked(|s| s.iter().cloned().collect());
        let mut added = 0;
        let next: Vec<T> = target
            .iter()
            .filter(|id| {
                drawn.contains(*id) || {
                    added += 1;
                    added <= batch
                }
            })
            .cloned()
            .collect();
        let done = next.len() == target.len();
        shown.set(next);
        if !done {
            // The rest in the next task; the list may be gone by then.
            set_timeout(
                move || {
                    let _ = tick.try_update(|t| *t += 1);
                },
                std::time::Duration::ZERO,
            );
        }
    });
    shown.read_only()
}
