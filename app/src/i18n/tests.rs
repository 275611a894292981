//! The catalogue's files against each other, the vocabularies and the plural rules.

use std::collections::BTreeSet;

use super::ftl::{self, Entry, Value};
use super::*;
use strada_shared::central::Keep;
use strada_shared::directory::Requirement;

/// The languages whose file must define every message (the others may be partial).
const COMPLETE: [Lang; 2] = [Lang::It, Lang::En];

fn entries(lang: Lang) -> Vec<Entry> {
    let (_, src) = SOURCES
        .iter()
        .find(|(l, _)| *l == lang)
        .expect("every language has a file");
    ftl::parse(src).unwrap_or_else(|e| panic!("{}.ftl: {e}", lang.code()))
}

fn keys(lang: Lang) -> BTreeSet<String> {
    entries(lang).into_iter().map(|e| e.key).collect()
}

fn codes<T: Code>() -> Vec<&'static str> {
    T::ALL.iter().map(|v| v.code()).collect()
}

/// Every vocabulary the app names, by its group in the files and its codes.
fn vocabularies() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("channel", codes::<Channel>()),
        ("sector", codes::<Sector>()),
        ("indicator", codes::<Indicator>()),
        ("material", codes::<Material>()),
        ("consent", codes::<ConsentStatus>()),
        ("gender", codes::<Gender>()),
        ("need", codes::<NeedCategory>()),
        ("documents", DocumentStatus::ALL.map(|d| d.code()).to_vec()),
        ("svc_doc", DocumentStatus::ALL.map(|d| d.code()).to_vec()),
        ("requirement", Requirement::ALL.map(|r| r.code()).to_vec()),
        (
            "referral_status",
            ReferralStatus::ALL.map(|s| s.code()).to_vec(),
        ),
        (
            "referral_action",
            ReferralStatus::ALL.map(|s| s.code()).to_vec(),
        ),
        ("refusal", RefusalCode::ALL.map(|c| c.code()).to_vec()),
        ("role", Role::ALL.map(|r| r.as_str()).to_vec()),
        (
            "strength",
            strada_shared::vocab::Strength::ALL
                .iter()
                .map(|c| c.code())
                .collect(),
        ),
        (
            "decision",
            strada_shared::vocab::Decision::ALL
                .iter()
                .map(|c| c.code())
                .collect(),
        ),
        ("case_stage", strada_shared::schema::case::STAGES.to_vec()),
        (
            "intervention_status",
            strada_shared::vocab::InterventionStatus::ALL
                .iter()
                .map(|c| c.code())
                .collect(),
        ),
        (
            "outcome",
            strada_shared::vocab::Outcome::ALL
                .iter()
                .map(|c| c.code())
                .collect(),
        ),
        ("ws_sort", crate::pages::workspace::ALL_SORTS.to_vec()),
        (
            "language",
            strada_shared::domain::LANGUAGES
                .iter()
                .map(|(code, _)| *code)
                .collect(),
        ),
        (
            "ws_field",
            strada_shared::schema::conflicts::FIELDS.to_vec(),
        ),
        (
            "ws_merge_field",
            strada_shared::central::MERGE_FIELDS.to_vec(),
        ),
        (
            "ws_kept",
            [Keep::Survivor, Keep::Merged]
                .map(crate::pages::workspace::keep_code)
                .to_vec(),
        ),
        ("rp_csv", strada_shared::report::CSV_TABLES.to_vec()),
        // The record types of the exchange format (`EXCHANGE.md` §1), as an import
        // report counts them.
        (
            "xf_kind",
            vec!["team", "person", "contact", "referral", "case", "job_offer"],
        ),
        (
            "xf_one",
            vec!["team", "person", "contact", "referral", "case", "job_offer"],
        ),
        (
            "xf_reason",
            strada_shared::import_reasons::LINE_REASONS
                .iter()
                .map(|(key, _)| *key)
                .collect(),
        ),
    ]
}

fn names(t: &Catalogue, group: &str) -> Names {
    match group {
        "channel" => t.channel_names,
        "sector" => t.sector_names,
        "indicator" => t.indicator_names,
        "material" => t.material_names,
        "consent" => t.consent_names,
        "gender" => t.gender_names,
        "need" => t.need_names,
        "documents" => t.documents_names,
        "svc_doc" => t.svc_doc_names,
        "requirement" => t.requirement_names,
        "referral_status" => t.referral_status_names,
        "referral_action" => t.referral_action_names,
        "refusal" => t.refusal_names,
        "role" => t.role_names,
        "ws_sort" => t.ws_sort_names,
        "language" => t.language_names,
        "ws_field" => t.ws_field_names,
        "ws_merge_field" => t.ws_merge_field_names,
        "ws_kept" => t.ws_kept_names,
        "strength" => t.strength_names,
        "decision" => t.decision_names,
        "intervention_status" => t.intervention_status_names,
        "case_stage" => t.case_stage_names,
        "outcome" => t.outcome_names,
        "rp_csv" => t.rp_csv_names,
        "xf_kind" => t.xf_kind_names,
        "xf_one" => t.xf_one_names,
        "xf_reason" => t.xf_reason_names,
        other => panic!("no names for {other}"),
    }
}

#[test]
fn italian_and_english_define_every_message_and_no_other() {
    let reference = keys(Lang::It);
    for lang in COMPLETE {
        let own = keys(lang);
        let missing: Vec<_> = reference.difference(&own).collect();
        let extra: Vec<_> = own.difference(&reference).collect();
        assert!(missing.is_empty(), "{}.ftl lacks {missing:?}", lang.code());
        assert!(
            extra.is_empty(),
            "{}.ftl has unknown {extra:?}",
            lang.code()
        );
    }
}

#[test]
fn no_language_has_a_message_the_reference_lacks() {
    let reference = keys(Lang::It);
    for lang in Lang::ALL {
        let extra: Vec<_> = keys(lang).difference(&reference).cloned().collect();
        assert!(extra.is_empty(), "{}.ftl: {extra:?}", lang.code());
    }
}

#[test]
fn every_code_of_every_vocabulary_has_a_name_in_every_language() {
    let vocabularies = vocabularies();
    // The files name exactly these vocabularies: a group added to a file is tested too.
    let groups: BTreeSet<&str> = vocabularies.iter().map(|(g, _)| *g).collect();
    let in_files: BTreeSet<String> = keys(Lang::It)
        .iter()
        .filter_map(|k| ftl::vocabulary_key(k).map(|(g, _)| g.to_string()))
        .collect();
    assert_eq!(
        in_files,
        groups
            .iter()
            .map(|g| g.to_string())
            .collect::<BTreeSet<_>>()
    );
    for lang in Lang::ALL {
        for (group, codes) in &vocabularies {
            let table = names(lang.t(), group);
            let named: BTreeSet<&str> = table.0.iter().map(|(c, _)| *c).collect();
            let wanted: BTreeSet<&str> = codes.iter().copied().collect();
            assert_eq!(
                named,
                wanted,
                "{} {group}: names for exactly the codes",
                lang.code()
            );
            for code in codes {
                assert!(!table.get(code).is_empty());
            }
        }
    }
    for lang in COMPLETE {
        let own = keys(lang);
        for (group, codes) in &vocabularies {
            for code in codes {
                assert!(
                    own.contains(&format!("{group}-{code}")),
                    "{}.ftl names {group} {code}",
                    lang.code()
                );
            }
        }
    }
}

#[test]
fn vocabulary_names_follow_codes_not_positions() {
    assert_eq!(IT.channel_name(Channel::ItinerantUnit), "Unità mobile");
    assert_eq!(EN.channel_name(Channel::ItinerantUnit), "Itinerant unit");
    assert_eq!(
        IT.indicator_name(Indicator::RetentionOfDocuments),
        IT.indicator_names.get("retention_of_documents")
    );
    assert_eq!(
        EN.referral_action(ReferralStatus::Closed),
        "Close with outcome"
    );
    assert_eq!(
        EN.refusal(RefusalCode::TooLarge),
        "the document is too large or has too many changes for the server"
    );
    assert_eq!(IT.role_name(Role::CentralOffice), "Ufficio centrale");
    // A code the catalogue does not know shows as itself instead of panicking.
    assert_eq!(IT.channel_names.get("carrier_pigeon"), "carrier_pigeon");
}

#[test]
fn translations_take_the_reference_arguments_and_their_own_plural_forms() {
    let reference: Vec<Entry> = entries(Lang::It);
    for lang in Lang::ALL {
        let rule = lang.plural_rule();
        let reachable: BTreeSet<&str> = (0..=1_000u64)
            .chain([1_000_000])
            .map(|n| rule(n).name())
            .collect();
        for e in entries(lang) {
            let r = reference
                .iter()
                .find(|r| r.key == e.key)
                .expect("known key");
            let known = r.value.variables();
            for v in e.value.variables() {
                assert!(
                    known.contains(&v),
                    "{}.ftl {}: {{ ${v} }}",
                    lang.code(),
                    e.key
                );
            }
            if let Value::Plural(forms) = &e.value {
                let (_, choices) = forms.split_last().expect("a default form");
                for (category, _) in choices {
                    assert!(
                        reachable.contains(category.as_str()),
                        "{}.ftl {}: no number is `{category}` in this language",
                        lang.code(),
                        e.key
                    );
                }
            }
        }
    }
}

#[test]
fn counts_choose_their_plural_form() {
    assert_eq!(
        IT.sign_out_confirm_pending.n(1),
        "C'è 1 modifica non ancora sincronizzata: uscendo andrà persa. Uscire e cancellare i dati da questo dispositivo?"
    );
    // The text the browser tests (and workers) know, for more than one change.
    assert_eq!(
        IT.sign_out_confirm_pending.n(2),
        "Ci sono 2 modifiche non ancora sincronizzate: uscendo andranno perse. Uscire e cancellare i dati da questo dispositivo?"
    );
    assert_eq!(
        IT.wipe_confirm_pending.n(1),
        "C'è 1 modifica non ancora sincronizzata: andrà persa. Cancellare tutti i dati di Strada da questo dispositivo?"
    );
    assert_eq!(
        EN.wipe_confirm_pending.n(3),
        "There are 3 changes not yet synced: they will be lost. Delete all Strada data from this device?"
    );
    assert!(
        EN.sign_out_confirm_pending
            .n(1)
            .starts_with("There is 1 change not yet synced")
    );
    assert_eq!(IT.svc_places.n(1), "1 posto");
    assert_eq!(IT.svc_places.n(12), "12 posti");
    assert_eq!(EN.svc_results.n(1), "1 service found");
    assert_eq!(IT.minutes.n(15), "15 min");
    // Arabic: one, two, few (3–10) and the rest.
    let ar = Lang::Ar.t();
    assert_eq!(ar.minutes.n(1), "دقيقة واحدة");
    assert_eq!(ar.minutes.n(2), "دقيقتان");
    assert_eq!(ar.minutes.n(5), "5 دقائق");
    assert_eq!(ar.minutes.n(15), "15 دقيقة");
    assert_eq!(ar.minutes.n(100), "100 دقيقة");
}

#[test]
fn sentences_keep_their_words_around_the_values() {
    assert_eq!(
        IT.unlock_intro.split("user"),
        (
            "I dati su questo dispositivo sono cifrati. Inserisci la password di ",
            "."
        )
    );
    assert_eq!(IT.svc_results.split_n(4), ("", " servizi trovati"));
    assert_eq!(
        IT.signed_in_as.with("user", "marta (bergamo-1)"),
        "Collegato come marta (bergamo-1)"
    );
    assert_eq!(EN.since.with("date", "11/6/26"), "since 11/6/26");
    assert_eq!(
        IT.one_time_password_for.split("user"),
        ("Password temporanea per ", ":")
    );
    // A value the message does not use leaves it whole.
    assert_eq!(IT.since.split("user"), ("dal {$date}", ""));
}

#[test]
fn a_partial_language_shows_what_it_lacks_in_italian() {
    let ar = Lang::Ar.t();
    assert!(!keys(Lang::Ar).contains("consent_question"));
    assert_eq!(ar.consent_question, IT.consent_question);
    assert_eq!(
        ar.sign_out_confirm_pending.n(1),
        IT.sign_out_confirm_pending.n(1)
    );
    assert_eq!(
        ar.channel_name(Channel::Street),
        IT.channel_name(Channel::Street)
    );
    assert_eq!(ar.username, "اسم المستخدم");
}

#[test]
fn every_language_names_itself_and_arabic_and_urdu_run_right_to_left() {
    let own_names: BTreeSet<&str> = Lang::ALL.iter().map(|l| l.t().lang_name).collect();
    assert_eq!(own_names.len(), Lang::ALL.len());
    for lang in Lang::ALL {
        assert!(keys(lang).contains("lang_name"), "{}.ftl", lang.code());
        assert_eq!(Lang::parse(lang.code()), lang);
    }
    assert_eq!(Lang::parse("xx"), Lang::It);
    assert!(Lang::Ar.rtl());
    assert!(is_rtl("ur"));
    assert!(!Lang::It.rtl() && !Lang::En.rtl());
    // Italian and English have every message; Arabic the field app's.
    assert!(Lang::It.complete() && Lang::En.complete());
    assert!(!Lang::Ar.complete());
}

#[test]
fn catalogue_files_parse_strictly_and_say_where() {
    let ok = "# comment\nkey = A { $user } and { \"{\" }\nplural =\n    { $n ->\n        [one] one { $n }\n       *[other] many { $n }\n    }\nchannel-street = Street\n";
    let parsed = ftl::parse(ok).unwrap();
    assert_eq!(parsed[0].value, Value::Text("A {$user} and {".into()));
    assert_eq!(
        parsed[1].value,
        Value::Plural(vec![
            ("one".into(), "one {$n}".into()),
            ("other".into(), "many {$n}".into())
        ])
    );
    assert_eq!(
        ftl::vocabulary_key(&parsed[2].key),
        Some(("channel", "street"))
    );
    let err = |src: &str| ftl::parse(src).unwrap_err();
    assert!(err("a = x\na = y\n").starts_with("line 2: `a` is defined twice"));
    assert!(err("a = x\n  more text\n").starts_with("line 2: indented text"));
    assert!(err("a = { NUMBER($n) }\n").starts_with("line 1:"));
    assert!(err("a = { $n ->\n    [one] x\n    [other] y\n}\n").contains("default variant"));
    assert!(err("a =\n    { $n ->\n       *[lots] x\n    }\n").starts_with("line 3: `lots`"));
    assert!(err("Bad-Key = x\n").contains("not a key"));
    assert!(err("a =\n").contains("has no text"));
}

#[test]
fn an_import_reason_reads_in_the_language_with_its_values() {
    let it = Lang::It.t();
    assert_eq!(
        it.import_reason("longer than 120 characters"),
        "più lungo di 120 caratteri"
    );
    assert_eq!(
        it.import_reason("names no job_offer in the file or the store"),
        "indica un record (offerta di lavoro) che non è né nel file né nell'archivio"
    );
    assert_eq!(
        it.import_reason("does not follow the lifecycle: proposed cannot move to accepted"),
        "non segue il percorso di un invio: da «proposto» non si passa a «accettato»"
    );
    assert_eq!(
        it.import_reason(RefusalCode::TeamMove.reason()),
        it.refusal(RefusalCode::TeamMove)
    );
    assert_eq!(
        it.import_reason(&ValidationError::NoAlias.to_string()),
        it.validation(&ValidationError::NoAlias)
    );
    // A reason a newer server writes shows as written.
    assert_eq!(
        it.import_reason("a rule still unknown"),
        "a rule still unknown"
    );
    // Every line rule, with values, reads in Italian and in English with no placeholder
    // left.
    for (key, pattern) in strada_shared::import_reasons::LINE_REASONS {
        let mut example = String::new();
        let mut rest = *pattern;
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').unwrap();
            example.push_str(&rest[..open]);
            example.push_str(if rest[open..].starts_with("{kind}") {
                "person"
            } else {
                "7"
            });
            rest = &rest[close + 1..];
        }
        example.push_str(rest);
        for lang in COMPLETE {
            let shown = lang.t().import_reason(&example);
            assert!(
                !shown.contains('{') && !shown.is_empty(),
                "{key} in {}: {shown}",
                lang.code()
            );
        }
        assert_ne!(
            it.import_reason(&example),
            example,
            "{key} is not translated"
        );
    }
}
