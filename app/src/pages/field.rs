//! The field worker's page: log a contact, see what is on the device and its sync state.

use leptos::prelude::*;

use crate::components::contact_form::ContactForm;
use crate::components::contact_list::ContactList;
use crate::components::later::Later;

#[component]
pub fn Field() -> impl IntoView {
    view! {
        <ContactForm/>
        // The list is below the form: drawn in the next task.
        <Later><ContactList/></Later>
    }
}
