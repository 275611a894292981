//! A field whose value follows a signal without undoing what its user is typing.
//!
//! `prop:value=move || x.get()` with `on:input` setting `x` writes the value back into
//! the field at every keystroke. A date typed with the keyboard is empty until it is
//! whole (`value` is `""` meanwhile), and writing `""` back wiped the digits typed so
//! far: the date could not be typed at all (a new user's walk, keyboard only). Here the
//! value is written only when it differs from the field's own.

use leptos::html::Input;
use leptos::prelude::*;

/// A reference for an `<input>` whose value follows `value`: put it on the input
/// (`node_ref=`), and set the signal from its `on:input` as before.
pub fn follows(value: impl Fn() -> String + 'static) -> NodeRef<Input> {
    let node = NodeRef::<Input>::new();
    Effect::new(move |_| {
        let v = value();
        if let Some(el) = node.get()
            && el.value() != v
        {
            el.set_value(&v);
        }
    });
    node
}
