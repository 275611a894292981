//! Conflicts a person should see: two devices set the same field to different values
//! while apart. Automerge keeps one value (the same on every copy) and remembers the
//! others; for the sensitive fields below both are shown to a reviewer, who picks one
//! (a normal change). Sets (needs, languages, materials) merge silently.
//!
//! Sensitive fields: a person's birth year, gender, country, documents and phone; a
//! contact's sector, who it names (`person`, `person_id`) and each indicator's note; a
//! referral's outcome; a case's managers, closing and eligibility, its assessment
//! (judgement, note, date, each indicator's grade, or the whole grade when two desks
//! graded it first apart) and each intervention of its PIP
//! (status, dates, partner, note: a laptop's offline edit silently replaced a desk's
//! later one, a new user's walk).

use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value};
use serde::{Deserialize, Serialize};

use super::DocType;

/// One field with more than one value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field: `birth_year`, `sector`, `indicators.deception`, `person.alias`…
    pub field: String,
    /// Every value, the one automerge shows first.
    pub values: Vec<ConflictValue>,
}

/// A value of a conflicting field and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictValue {
    /// The value as JSON text (`"agriculture"`, `1990`, `null`, `{"alias":…}`).
    pub value: String,
    /// The automerge actor that wrote it (hex).
    pub actor: String,
    /// The operation's counter (with the actor, it identifies the write).
    pub counter: u64,
    /// Who wrote it and when (Unix ms), when known (filled in by the server).
    #[serde(default)]
    pub by: Option<crate::ids::UserId>,
    #[serde(default)]
    pub at: Option<i64>,
    /// The account's name, when the list is read (not stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_name: Option<String>,
}

/// Every field a conflict may name (its first part: `indicators` for
/// `indicators.deception`), for the names the app shows.
pub const FIELDS: &[&str] = &[
    "birth_year",
    "gender",
    "country",
    "documents",
    "phone",
    "sector",
    "person",
    "person_id",
    "indicators",
    "outcome",
    "case_manager",
    "labour_expert",
    "closed_at",
    "eligibility",
    "assessment",
    "interventions",
];

/// The fields of each intervention of a case's PIP that are reviewed.
pub const INTERVENTION_FIELDS: &[&str] = &["status", "done_at", "planned_at", "partner", "note"];

/// The fields of a case's assessment that are reviewed (besides each indicator's grade,
/// `assessment.indicators.<code>.<field>`).
pub const ASSESSMENT_FIELDS: &[&str] = &["judgement", "note", "at"];

/// The parts of a case's eligibility decision, kept together (see [`choose`]).
const ELIGIBILITY_PARTS: &[&str] = &["decision", "at", "reasons"];

/// The fields of an indicator's grade in a case's assessment that are reviewed.
pub const GRADE_FIELDS: &[&str] = &["strength", "evidence"];

/// The keys checked for each document type (at the root).
fn root_keys(doc_type: DocType) -> &'static [&'static str] {
    match doc_type {
        DocType::Person => &["birth_year", "gender", "country", "documents", "phone"],
        DocType::Contact => &["sector", "person", "person_id"],
        DocType::Referral => &["outcome"],
        DocType::Case => &["case_manager", "labour_expert", "closed_at", "outcome"],
        DocType::JobOffer | DocType::PuaRules => &[],
    }
}

fn render(doc: &AutoCommit, value: &Value<'_>, id: &automerge::ObjId) -> String {
    match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) => serde_json_string(t),
            ScalarValue::Int(n) => n.to_string(),
            ScalarValue::Uint(n) => n.to_string(),
            ScalarValue::F64(f) => f.to_string(),
            ScalarValue::Boolean(b) => b.to_string(),
            ScalarValue::Null => "null".into(),
            other => serde_json_string(&other.to_string()),
        },
        Value::Object(ObjType::Map) => {
            // A small map (a person reference `{alias: …}`): its keys and scalar values.
            let mut parts = Vec::new();
            for item in doc.map_range(id, ..) {
                let v = match item.value.into_value() {
                    Value::Scalar(s) => match s.as_ref() {
                        ScalarValue::Str(t) => serde_json_string(t),
                        other => other.to_string(),
                    },
                    Value::Object(_) => "{}".into(),
                };
                parts.push(format!("{}:{v}", serde_json_string(item.key.as_ref())));
            }
            format!("{{{}}}", parts.join(","))
        }
        Value::Object(_) => "[]".into(),
    }
}

fn serde_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn conflict_at(
    doc: &AutoCommit,
    obj: &automerge::ObjId,
    key: &str,
    field: String,
) -> Option<FieldConflict> {
    let all = doc.get_all(obj, key).ok()?;
    if all.len() < 2 {
        return None;
    }
    // `get_all` answers oldest operation first; the value automerge shows (`get`) is
    // its last. The shown value goes first, as `FieldConflict::values` says (a new
    // user's walk: «mostrato ora» stood beside the value the lists did not show).
    let values = all
        .iter()
        .rev()
        .map(|(v, id)| {
            let (counter, actor) = match id {
                automerge::ObjId::Id(counter, actor, _) => (*counter, actor.to_hex_string()),
                automerge::ObjId::Root => (0, String::new()),
            };
            ConflictValue {
                value: render(doc, v, id),
                actor,
                counter,
                by: None,
                at: None,
                by_name: None,
            }
        })
        .collect::<Vec<ConflictValue>>();
    // The same value written on both sides is no conflict.
    if values.iter().all(|v| v.value == values[0].value) {
        return None;
    }
    Some(FieldConflict { field, values })
}

/// The conflicting sensitive fields of a document.
pub fn find(doc: &AutoCommit, doc_type: DocType) -> Vec<FieldConflict> {
    let root = automerge::ROOT;
    let mut out: Vec<FieldConflict> = root_keys(doc_type)
        .iter()
        .filter_map(|k| conflict_at(doc, &root, k, (*k).to_string()))
        .collect();
    // Inside the only value kept: a person reference's alias, an indicator's note.
    let nested: &[&str] = match doc_type {
        DocType::Contact => &["person", "indicators"],
        DocType::Case => &["eligibility"],
        _ => &[],
    };
    for key in nested {
        if let Some(obj) = map_at(doc, &root, key) {
            let keys: Vec<String> = doc.keys(&obj).collect();
            for k in keys {
                if let Some(c) = conflict_at(doc, &obj, &k, format!("{key}.{k}")) {
                    out.push(c);
                }
            }
        }
    }
    if doc_type == DocType::Case {
        if let Some(assessment) = map_at(doc, &root, "assessment") {
            for k in ASSESSMENT_FIELDS {
                out.extend(conflict_at(doc, &assessment, k, format!("assessment.{k}")));
            }
            if let Some(grades) = map_at(doc, &assessment, "indicators") {
                let codes: Vec<String> = doc.keys(&grades).collect();
                for code in codes {
                    // An indicator graded for the first time on two desks apart: two
                    // grades (each its own map), one kept whole (a new user's walk: the
                    // other desk's grade and evidence went without a word).
                    out.extend(conflict_at(
                        doc,
                        &grades,
                        &code,
                        format!("assessment.indicators.{code}"),
                    ));
                    let Some(grade) = map_at(doc, &grades, &code) else {
                        continue;
                    };
                    for k in GRADE_FIELDS {
                        out.extend(conflict_at(
                            doc,
                            &grade,
                            k,
                            format!("assessment.indicators.{code}.{k}"),
                        ));
                    }
                }
            }
        }
        if let Some(all) = map_at(doc, &root, "interventions") {
            let keys: Vec<String> = doc.keys(&all).collect();
            for key in keys {
                let Some(one) = map_at(doc, &all, &key) else {
                    continue;
                };
                for k in INTERVENTION_FIELDS {
                    out.extend(conflict_at(
                        doc,
                        &one,
                        k,
                        format!("interventions.{key}.{k}"),
                    ));
                }
            }
        }
    }
    out
}

/// The map at `key` of `obj` (the one value automerge shows), if it is a map.
fn map_at(doc: &AutoCommit, obj: &automerge::ObjId, key: &str) -> Option<automerge::ObjId> {
    match doc.get(obj, key) {
        Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
    }
}

/// Whether `field` names a field [`find`] reviews, whatever the document.
fn reviewed(field: &str) -> bool {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        [one] => root_keys_any().contains(one),
        [parent, _] => {
            ["person", "indicators", "eligibility"].contains(parent)
                || (*parent == "assessment" && ASSESSMENT_FIELDS.contains(&parts[1]))
        }
        ["assessment", "indicators", _] => true,
        ["assessment", "indicators", _, k] => GRADE_FIELDS.contains(k),
        ["interventions", _, k] => INTERVENTION_FIELDS.contains(k),
        _ => false,
    }
}

/// Keeps one of a conflicting field's values (the write `actor`/`counter`): writes it
/// again, by `doc`'s actor, over all of them (a map value — a person reference — is
/// written as a new map with the same entries), and commits. `false` when the field has
/// no such value (resolved meanwhile, or not a sensitive field).
pub fn choose(doc: &mut AutoCommit, field: &str, actor: &str, counter: u64) -> bool {
    use automerge::transaction::Transactable;
    if !reviewed(field) {
        return false;
    }
    // The map the field is in: its path's parents, each the map automerge shows.
    let (parents, key) = match field.rsplit_once('.') {
        None => ("", field),
        Some((parents, key)) => (parents, key),
    };
    let mut obj = automerge::ROOT;
    for parent in parents.split('.').filter(|p| !p.is_empty()) {
        match map_at(doc, &obj, parent) {
            Some(inner) => obj = inner,
            None => return false,
        }
    }
    let Ok(all) = doc.get_all(&obj, key) else {
        return false;
    };
    // Only a field in conflict is kept (the eighteenth attacker's probe: the one value of
    // a field was "kept", written again and audited as a conflict resolved).
    if all.len() < 2 {
        return false;
    }
    let chosen = all.into_iter().find(|(_, id)| match id {
        automerge::ObjId::Id(c, a, _) => *c == counter && a.to_hex_string() == actor,
        automerge::ObjId::Root => false,
    });
    let Some((value, chosen_id)) = chosen.map(|(v, id)| (v.into_owned(), id)) else {
        return false;
    };
    let written = match value {
        // Deleted first: a put of the value automerge already shows would write nothing,
        // and the other value would stay.
        Value::Scalar(v) => {
            let v = v.into_owned();
            doc.delete(&obj, key).and_then(|()| doc.put(&obj, key, v))
        }
        Value::Object(ObjType::Map) => {
            let entries: Vec<(String, ScalarValue)> = doc
                .map_range(&chosen_id, ..)
                .filter_map(|i| match i.value.into_value() {
                    Value::Scalar(v) => Some((i.key.to_string(), v.into_owned())),
                    Value::Object(_) => None,
                })
                .collect();
            doc.put_object(&obj, key, ObjType::Map).and_then(|new| {
                entries
                    .into_iter()
                    .try_for_each(|(k, v)| doc.put(&new, k, v))
            })
        }
        Value::Object(_) => return false,
    };
    if written.is_err() {
        return false;
    }
    // An eligibility is one decision: keeping one desk's decision keeps its date and
    // reasons too, where those were written apart as well (a new user's walk: kept one
    // part at a time, a case read "not eligible" with the reasons of "eligible").
    if parents == "eligibility" {
        let chosen_actor = match &chosen_id {
            automerge::ObjId::Id(_, a, _) => a.clone(),
            automerge::ObjId::Root => return false,
        };
        for sibling in ELIGIBILITY_PARTS.iter().filter(|k| **k != key) {
            let Ok(all) = doc.get_all(&obj, *sibling) else {
                continue;
            };
            if all.len() < 2 {
                continue;
            }
            let same = all.into_iter().find_map(|(v, id)| match (&v, &id) {
                (Value::Scalar(s), automerge::ObjId::Id(_, a, _)) if *a == chosen_actor => {
                    Some(s.clone().into_owned())
                }
                _ => None,
            });
            if let Some(v) = same
                && (doc.delete(&obj, *sibling).is_err() || doc.put(&obj, *sibling, v).is_err())
            {
                return false;
            }
        }
    }
    // An intervention has a date done exactly when it is done: a status other than done
    // kept over a "done" written apart leaves no date behind (the case would not read).
    if field.starts_with("interventions.")
        && key == "status"
        && doc
            .get(&obj, "status")
            .ok()
            .flatten()
            .is_some_and(|(v, _)| v.as_str() != Some("done"))
        && doc
            .get(&obj, "done_at")
            .ok()
            .flatten()
            .is_some_and(|(v, _)| !v.is_null())
        && doc.put(&obj, "done_at", ScalarValue::Null).is_err()
    {
        return false;
    }
    super::commit(doc);
    true
}

fn root_keys_any() -> Vec<&'static str> {
    DocType::ALL
        .into_iter()
        .flat_map(|t| root_keys(t).iter().copied())
        .collect()
}

/// When each value was written: the time of the change holding its operation (Unix
/// ms, as the writing device's clock said).
pub fn write_times(doc: &mut AutoCommit, conflicts: &mut [FieldConflict]) {
    if conflicts.is_empty() {
        return;
    }
    // The changes' metadata only: rebuilding every change of a large history took tens
    // of milliseconds, on each push to a document with a conflict (the attacker's
    // seventh probe).
    let changes = doc.get_changes_meta(&[]);
    for c in conflicts.iter_mut() {
        for v in &mut c.values {
            let Ok(actor) = hex::decode(&v.actor) else {
                continue;
            };
            let found = changes.iter().find(|ch| {
                ch.actor.to_bytes() == actor.as_slice()
                    && ch.start_op <= v.counter
                    && v.counter <= ch.max_op
            });
            if let Some(ch) = found {
                // 0: written without a clock (before stamping existed).
                v.at = Some(ch.timestamp).filter(|t| *t > 0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DocId, TeamId, UserId};
    use crate::schema::{self, ContactDoc, PersonDoc};
    use crate::vocab::{Code, Sector};
    use automerge::ActorId;

    fn contact() -> ContactDoc {
        ContactDoc {
            id: DocId::new_v7(1_760_000_000_000, [1; 10]),
            occurred_at: 1_760_000_000_000,
            needs: vec![crate::domain::NeedCategory::Food],
            author: UserId::new_v7(1_760_000_000_000, [2; 10]),
            team: TeamId::parse("bergamo-1").unwrap(),
            ..ContactDoc::blank()
        }
    }

    #[test]
    fn two_sectors_set_apart_are_a_conflict_with_both_values() {
        let c = contact();
        let mut a = schema::create(ActorId::from(vec![0xaa; 16]), &c).unwrap();
        let mut b = a.fork().with_actor(ActorId::from(vec![0xbb; 16]));
        schema::update(
            &mut a,
            &ContactDoc {
                sector: Some(Sector::Agriculture),
                ..c.clone()
            },
        )
        .unwrap();
        schema::update(
            &mut b,
            &ContactDoc {
                sector: Some(Sector::Logistics),
                ..c.clone()
            },
        )
        .unwrap();
        a.merge(&mut b).unwrap();
        let mut found = find(&a, DocType::Contact);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "sector");
        // The value the document shows is the first.
        let shown: ContactDoc = schema::read(&a).unwrap();
        let shown = format!("\"{}\"", shown.sector.unwrap().code());
        assert_eq!(found[0].values[0].value, shown);
        let mut values: Vec<&str> = found[0].values.iter().map(|v| v.value.as_str()).collect();
        values.sort();
        assert_eq!(values, ["\"agriculture\"", "\"logistics\""]);
        write_times(&mut a, &mut found);
        // No clock is installed in these tests (it is global, and golden bytes are
        // written without one): time 0 reads as unknown. The API tests see real times.
        assert!(found[0].values.iter().all(|v| v.at.is_none()));
    }

    /// The eighteenth attacker's probe: the one value of a field in no conflict was
    /// "kept" (written again, audited as a conflict resolved).
    #[test]
    fn a_field_with_one_value_is_not_kept() {
        let c = ContactDoc {
            sector: Some(Sector::Agriculture),
            ..contact()
        };
        let mut a = schema::create(ActorId::from(vec![0xaa; 16]), &c).unwrap();
        let heads = a.get_heads();
        let (_, id) = a.get(automerge::ROOT, "sector").unwrap().unwrap();
        let (counter, actor) = match id {
            automerge::ObjId::Id(counter, actor, _) => (counter, actor.to_hex_string()),
            automerge::ObjId::Root => unreachable!(),
        };
        let mut reviewer = a.fork().with_actor(ActorId::from(vec![0xcc; 16]));
        assert!(!choose(&mut reviewer, "sector", &actor, counter));
        assert_eq!(reviewer.get_heads(), heads, "nothing written");
    }

    /// A new user's walk: two desks graded the same indicator, not graded before, while
    /// apart; one desk's grade and evidence went, and nothing was up for review.
    #[test]
    fn an_indicator_graded_first_on_two_desks_apart_is_reviewed_whole() {
        use crate::schema::CaseDoc;
        use crate::schema::case::Grade;
        let mut c = crate::schema::case::tests::sample();
        c.assessment.indicators.remove("isolation");
        let mut laptop = schema::create(ActorId::from(vec![0xaa; 16]), &c).unwrap();
        let mut desk = laptop.fork().with_actor(ActorId::from(vec![0xbb; 16]));
        let graded = |strength: &str, evidence: &str| {
            let mut v = c.clone();
            v.assessment.indicators.insert(
                "isolation".into(),
                Grade {
                    strength: strength.into(),
                    evidence: evidence.into(),
                },
            );
            v
        };
        schema::update(&mut laptop, &graded("strong", "Synthetic: laptop")).unwrap();
        schema::update(&mut desk, &graded("weak", "Synthetic: desk")).unwrap();
        laptop.merge(&mut desk).unwrap();
        let found = find(&laptop, DocType::Case);
        let f = found
            .iter()
            .find(|f| f.field == "assessment.indicators.isolation")
            .unwrap_or_else(|| panic!("{found:?}"));
        assert_eq!(f.values.len(), 2);
        // Keep the desk's, whichever automerge shows.
        let desk_hex = ActorId::from(vec![0xbb; 16]).to_hex_string();
        let v = f.values.iter().find(|v| v.actor == desk_hex).unwrap();
        assert!(v.value.contains("Synthetic: desk"), "{}", v.value);
        let mut reviewer = laptop.fork().with_actor(ActorId::from(vec![0xcc; 16]));
        assert!(choose(&mut reviewer, &f.field, &v.actor, v.counter));
        laptop.merge(&mut reviewer).unwrap();
        let kept: CaseDoc = schema::read(&laptop).unwrap();
        assert_eq!(
            kept.assessment.indicators["isolation"],
            Grade {
                strength: "weak".into(),
                evidence: "Synthetic: desk".into()
            }
        );
        assert!(find(&laptop, DocType::Case).is_empty());
    }

    /// A new user's walk: an eligibility decided differently on two desks apart, kept
    /// part by part, read "not eligible" with the reasons of "eligible". Keeping one
    /// desk's decision keeps its date and reasons.
    #[test]
    fn keeping_a_decision_keeps_its_date_and_reasons() {
        use crate::schema::CaseDoc;
        use crate::vocab::Decision;
        let c = crate::schema::case::tests::sample();
        let mut laptop = schema::create(ActorId::from(vec![0xaa; 16]), &c).unwrap();
        let mut desk = laptop.fork().with_actor(ActorId::from(vec![0xbb; 16]));
        let decided = |d: Decision, at: &str, reasons: &str| {
            let mut v = c.clone();
            v.eligibility.decision = d;
            v.eligibility.at = Some(at.into());
            v.eligibility.reasons = reasons.into();
            v
        };
        schema::update(
            &mut laptop,
            &decided(Decision::Eligible, "2026-03-10", "Synthetic: eligible"),
        )
        .unwrap();
        schema::update(
            &mut desk,
            &decided(
                Decision::NotEligible,
                "2026-03-11",
                "Synthetic: not eligible",
            ),
        )
        .unwrap();
        laptop.merge(&mut desk).unwrap();
        let found = find(&laptop, DocType::Case);
        for side in [0xaa, 0xbb] {
            let hex = ActorId::from(vec![side; 16]).to_hex_string();
            let f = found
                .iter()
                .find(|f| f.field == "eligibility.decision")
                .unwrap_or_else(|| panic!("{found:?}"));
            let v = f.values.iter().find(|v| v.actor == hex).unwrap();
            let mut doc = laptop.fork().with_actor(ActorId::from(vec![0xcc; 16]));
            assert!(choose(&mut doc, &f.field, &v.actor, v.counter));
            let kept: CaseDoc = schema::read(&doc).unwrap();
            let want = if side == 0xaa {
                decided(Decision::Eligible, "2026-03-10", "Synthetic: eligible")
            } else {
                decided(
                    Decision::NotEligible,
                    "2026-03-11",
                    "Synthetic: not eligible",
                )
            };
            assert_eq!(kept.eligibility, want.eligibility);
            assert!(find(&doc, DocType::Case).is_empty(), "{side:x}");
        }
    }

    /// A new user's walk: a laptop offline set a PIP intervention done and wrote the
    /// assessment's note; a desk meanwhile cancelled that intervention and wrote another
    /// note. Automerge kept the laptop's values and nobody was told. Both are now up for
    /// review, and keeping the desk's cancellation leaves no "done" date behind.
    #[test]
    fn a_case_edited_apart_is_reviewed_and_a_status_kept_leaves_the_case_valid() {
        use crate::schema::CaseDoc;
        use crate::vocab::InterventionStatus;
        let c = crate::schema::case::tests::sample();
        let mut laptop = schema::create(ActorId::from(vec![0xaa; 16]), &c).unwrap();
        let mut desk = laptop.fork().with_actor(ActorId::from(vec![0xbb; 16]));
        let mut on_laptop = c.clone();
        let i = on_laptop.interventions.get_mut("i1").unwrap();
        i.status = InterventionStatus::Done;
        i.done_at = Some("2026-03-12".into());
        on_laptop.assessment.note = "Synthetic: laptop's note".into();
        on_laptop
            .assessment
            .indicators
            .get_mut("deception")
            .unwrap()
            .strength = "medium".into();
        on_laptop.assessment.judgement = "exploitation".into();
        schema::update(&mut laptop, &on_laptop).unwrap();
        let mut on_desk = c.clone();
        on_desk.interventions.get_mut("i1").unwrap().status = InterventionStatus::Cancelled;
        on_desk.assessment.note = "Synthetic: desk's note".into();
        on_desk
            .assessment
            .indicators
            .get_mut("deception")
            .unwrap()
            .strength = "weak".into();
        schema::update(&mut desk, &on_desk).unwrap();
        laptop.merge(&mut desk).unwrap();
        let found = find(&laptop, DocType::Case);
        let fields: Vec<&str> = found.iter().map(|f| f.field.as_str()).collect();
        assert!(fields.contains(&"interventions.i1.status"), "{fields:?}");
        assert!(fields.contains(&"assessment.note"), "{fields:?}");
        assert!(
            fields.contains(&"assessment.indicators.deception.strength"),
            "{fields:?}"
        );
        // The judgement was set on one side only: no conflict.
        assert!(!fields.contains(&"assessment.judgement"), "{fields:?}");
        // Keep the desk's cancellation, note and grade.
        let desk_hex = ActorId::from(vec![0xbb; 16]).to_hex_string();
        for field in [
            "interventions.i1.status",
            "assessment.note",
            "assessment.indicators.deception.strength",
        ] {
            let f = found.iter().find(|f| f.field == field).unwrap();
            let v = f.values.iter().find(|v| v.actor == desk_hex).unwrap();
            let mut reviewer = laptop.fork().with_actor(ActorId::from(vec![0xcc; 16]));
            assert!(choose(&mut reviewer, field, &v.actor, v.counter), "{field}");
            laptop.merge(&mut reviewer).unwrap();
        }
        let kept: CaseDoc = schema::read(&laptop).unwrap();
        let i = &kept.interventions["i1"];
        assert_eq!(i.status, InterventionStatus::Cancelled);
        assert_eq!(i.done_at, None);
        assert_eq!(kept.assessment.note, "Synthetic: desk's note");
        assert_eq!(kept.assessment.indicators["deception"].strength, "weak");
        assert_eq!(kept.assessment.judgement, "exploitation");
        assert!(find(&laptop, DocType::Case).is_empty());
        // A field nobody reviews is not chosen.
        assert!(!choose(&mut laptop, "interventions.i1.need", &desk_hex, 1));
        assert!(!choose(&mut laptop, "reviews", &desk_hex, 1));
    }

    #[test]
    fn an_edit_of_another_field_keeps_the_conflict_for_the_reviewer() {
        let c = contact();
        let mut a = schema::create(ActorId::from(vec![0xaa; 16]), &c).unwrap();
        let mut b = a.fork().with_actor(ActorId::from(vec![0xbb; 16]));
        for (doc, sector) in [(&mut a, Sector::Agriculture), (&mut b, Sector::Logistics)] {
            schema::update(
                doc,
                &ContactDoc {
                    sector: Some(sector),
                    ..c.clone()
                },
            )
            .unwrap();
        }
        a.merge(&mut b).unwrap();
        // The phone holding both values edits the note: the form writes the whole
        // contact as read, with the sector automerge shows.
        let mut read: ContactDoc = schema::read(&a).unwrap();
        read.note = "edited later".into();
        schema::update(&mut a, &read).unwrap();
        let found = find(&a, DocType::Contact);
        assert_eq!(found.len(), 1, "the conflict is still there: {found:?}");
        assert_eq!(found[0].field, "sector");
    }

    #[test]
    fn indicator_notes_and_person_fields_conflict_sets_do_not() {
        let c = contact();
        let mut a = schema::create(ActorId::from(vec![0xaa; 16]), &c).unwrap();
        let mut b = a.fork().with_actor(ActorId::from(vec![0xbb; 16]));
        schema::update(
            &mut a,
            &ContactDoc {
                indicators: vec![(
                    crate::vocab::Indicator::Deception,
                    "promised a contract".into(),
                )],
                needs: vec![
                    crate::domain::NeedCategory::Food,
                    crate::domain::NeedCategory::Health,
                ],
                ..c.clone()
            },
        )
        .unwrap();
        schema::update(
            &mut b,
            &ContactDoc {
                indicators: vec![(crate::vocab::Indicator::Deception, "no contract".into())],
                needs: vec![
                    crate::domain::NeedCategory::Food,
                    crate::domain::NeedCategory::Shelter,
                ],
                ..c.clone()
            },
        )
        .unwrap();
        a.merge(&mut b).unwrap();
        let found = find(&a, DocType::Contact);
        let fields: Vec<&str> = found.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["indicators.deception"]);

        let p = PersonDoc {
            id: DocId::new_v7(1_760_000_000_000, [3; 10]),
            aliases: vec!["Synthetic".into()],
            birth_year: Some(1990),
            birth_year_estimated: false,
            gender: crate::vocab::Gender::Unknown,
            country: String::new(),
            languages: vec![],
            phone: None,
            documents: crate::domain::DocumentStatus::Unknown,
            usual_place: String::new(),
            consent: crate::schema::Consent {
                status: crate::vocab::ConsentStatus::Given,
                at: 1_760_000_000_000,
                recorded_by: UserId::new_v7(1_760_000_000_000, [2; 10]),
                partners: vec![],
            },
            author: UserId::new_v7(1_760_000_000_000, [2; 10]),
            team: TeamId::parse("bergamo-1").unwrap(),
            created_at: 1_760_000_000_000,
            merged_into: None,
        };
        let mut a = schema::create(ActorId::from(vec![0xaa; 16]), &p).unwrap();
        let mut b = a.fork().with_actor(ActorId::from(vec![0xbb; 16]));
        schema::update(
            &mut a,
            &PersonDoc {
                birth_year: Some(1991),
                ..p.clone()
            },
        )
        .unwrap();
        schema::update(
            &mut b,
            &PersonDoc {
                birth_year: Some(1988),
                ..p.clone()
            },
        )
        .unwrap();
        a.merge(&mut b).unwrap();
        let found = find(&a, DocType::Person);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field, "birth_year");
    }
}
