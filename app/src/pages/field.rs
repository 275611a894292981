//! The field worker's page: log a contact, see what is on the device and its sync state.

use leptos::prelude::*;

use crate::components::contact_form::ContactForm;
use crate::components::contact_list::ContactList;

#[component]
pub fn Field() -> impl IntoView {
    view! {
        <ContactForm/>
        <ContactList/>
    }
}
