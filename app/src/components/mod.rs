//! Pieces shared by pages.

pub mod contact_form;
pub mod contact_list;
pub mod service_card;
// For the contact form's referral step (wired by the lead): unused until then.
#[allow(dead_code)]
pub mod service_picker;
pub mod status_bar;
