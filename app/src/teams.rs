//! Teams as people read them: an imported team by the name its exchange file gave it
//! (`GET /api/teams`), any other by its id. Learnt when the workspace asks for the
//! teams; a label read in a view follows what is learnt later.

use std::collections::BTreeMap;

use leptos::prelude::*;
use strada_shared::central::TeamInfo;
use strada_shared::ids::TeamId;

thread_local! {
    static NAMES: ArcRwSignal<BTreeMap<String, String>> = ArcRwSignal::new(BTreeMap::new());
}

/// Keeps the names of `teams` (those without one are shown by their id).
pub fn learn(teams: &[TeamInfo]) {
    let names: BTreeMap<String, String> = teams
        .iter()
        .filter_map(|t| t.name.clone().map(|n| (t.id.to_string(), n)))
        .collect();
    NAMES.with(|s| {
        if s.with_untracked(|m| *m != names) {
            s.set(names);
        }
    });
}

/// How a team is shown: its name, else its id.
pub fn label(team: &TeamId) -> String {
    label_of(team.as_str())
}

/// [`label`] of a team id as text.
pub fn label_of(team: &str) -> String {
    NAMES
        .with(|s| s.with(|m| m.get(team).cloned()))
        .unwrap_or_else(|| team.to_string())
}

/// [`label`] for a view: follows the names learnt after it is drawn.
pub fn live(team: &TeamId) -> impl Fn() -> String + Send + Sync + 'static + use<> {
    let team = team.to_string();
    move || label_of(&team)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_team_shows_its_name_and_another_its_id() {
        let named = TeamId::parse("bassa-2").unwrap();
        let plain = TeamId::parse("bergamo-1").unwrap();
        learn(&[
            TeamInfo {
                id: named.clone(),
                name: Some("Unità mobile".into()),
                area: None,
            },
            TeamInfo {
                id: plain.clone(),
                name: None,
                area: None,
            },
        ]);
        assert_eq!(label(&named), "Unità mobile");
        assert_eq!(label(&plain), "bergamo-1");
    }
}
