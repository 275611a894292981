//! The tab bar at the bottom of the screen, within thumb reach: contacts, persons,
//! referrals (with the count waiting for feedback), services nearby.

use leptos::prelude::*;

use crate::state::Ctx;

/// The field app's sections and their addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Contacts,
    Persons,
    Referrals,
    Services,
}

impl Tab {
    pub fn from_route(route: &str) -> Tab {
        match route {
            "#/persone" => Tab::Persons,
            "#/invii" => Tab::Referrals,
            r if r.starts_with("#/servizi") => Tab::Services,
            _ => Tab::Contacts,
        }
    }

    fn href(self) -> &'static str {
        match self {
            Tab::Contacts => "#/",
            Tab::Persons => "#/persone",
            Tab::Referrals => "#/invii",
            Tab::Services => "#/servizi",
        }
    }

    fn testid(self) -> &'static str {
        match self {
            Tab::Contacts => "tab-contacts",
            Tab::Persons => "tab-persons",
            Tab::Referrals => "tab-referrals",
            Tab::Services => "nav-services",
        }
    }
}

#[component]
pub fn TabBar(route: RwSignal<String>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let waiting = move || {
        let days = ctx.waiting_days.get();
        let now = crate::util::now_ms() + 1;
        ctx.records.with(|r| r.waiting(now, days).len())
    };
    view! {
        <nav class="tabs" aria-label=move || t().sections>
            {[Tab::Contacts, Tab::Persons, Tab::Referrals, Tab::Services].into_iter().map(|tab| view! {
                <a href=tab.href() data-testid=tab.testid()
                    aria-current=move || (Tab::from_route(&route.get()) == tab).then_some("page")>
                    {move || match tab {
                        Tab::Contacts => t().tab_contacts.to_string(),
                        Tab::Persons => t().persons.to_string(),
                        Tab::Referrals => t().referrals.to_string(),
                        Tab::Services => t().svc_nav.to_string(),
                    }}
                    // The referrals waiting, as a badge on the label's line: «Invii (74)»
                    // wrapped on a 360 px phone (a new user's walk).
                    {move || (tab == Tab::Referrals).then(waiting).filter(|&n| n > 0).map(|n| view! {
                        <span class="tab-count" data-testid="tab-count">{n}</span>
                    })}
                </a>
            }).collect_view()}
        </nav>
    }
}
