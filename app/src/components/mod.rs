//! Pieces shared by pages.

pub mod contact_detail;
pub mod contact_form;
pub mod contact_list;
pub mod in_review;
pub mod later;
pub mod nav;
pub mod saved_places;
pub mod service_card;
pub mod service_picker;
pub mod status_bar;
pub mod sync_state;
pub mod typed;
