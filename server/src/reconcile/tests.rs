use std::collections::BTreeSet;

use strada_shared::domain::Place;
use strada_shared::ids::{DocId, TeamId};
use strada_shared::reconcile::{AliasMatch, Reason};
use strada_shared::vocab::Gender;

use super::*;

fn id(n: u8) -> DocId {
    DocId::new_v7(1_760_000_000_000, [n; 10])
}

fn person(n: u8, team: &str, aliases: &[&str], year: Option<i64>, country: &str) -> PersonFacts {
    PersonFacts {
        id: id(n),
        team: TeamId::parse(team).unwrap(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        birth_year: year,
        birth_year_estimated: false,
        gender: Gender::Man,
        country: country.into(),
        languages: vec!["ar".into(), "fr".into()],
        phone: None,
        usual_place: String::new(),
        sightings: Vec::new(),
    }
}

const NONE_JUDGED: &dyn Fn(DocId, DocId) -> bool = &|_, _| false;

fn pairs(found: &[Candidate]) -> BTreeSet<(DocId, DocId)> {
    found.iter().map(|c| (c.a, c.b)).collect()
}

fn pair(x: u8, y: u8) -> (DocId, DocId) {
    (id(x).min(id(y)), id(x).max(id(y)))
}

/// The score of the pair of persons `x` and `y` among `found` (0 when not proposed).
fn score_of(found: &[Candidate], x: u8, y: u8) -> f32 {
    found
        .iter()
        .find(|c| (c.a, c.b) == pair(x, y))
        .map_or(0.0, |c| c.score)
}

/// A town of strangers, so that names are weighed against a population.
fn strangers() -> Vec<PersonFacts> {
    let names = [
        "Kwame Mensah",
        "Ioana Popescu",
        "Gurpreet Gill",
        "Oleksandr Bondarenko",
        "Emeka Okafor",
        "Ilir Hoxha",
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, n)| person(100 + i as u8, "cremona-mantova", &[n], Some(1970), "Italia"))
        .collect()
}

fn place(lat: f64, lon: f64) -> Place {
    Place {
        lat,
        lon,
        accuracy_m: None,
    }
}

#[test]
fn one_man_written_in_arabic_and_in_two_latin_spellings_is_proposed_with_his_aliases() {
    let mut persons = strangers();
    persons.push(PersonFacts {
        phone: Some("+39 333 1234567".into()),
        ..person(1, "bergamo-1", &["Mohamed Alaoui"], Some(1990), "Marocco")
    });
    persons.push(PersonFacts {
        phone: Some("333-123-4567".into()),
        sightings: vec![(place(45.4336, 9.2389), 1_760_000_000_000)],
        ..person(
            2,
            "milano-logistica",
            &["محمد العلوي"],
            Some(1991),
            "Morocco",
        )
    });
    persons.push(PersonFacts {
        sightings: vec![(place(45.4340, 9.2380), 1_760_003_600_000)],
        ..person(3, "bergamo-1", &["Muhammad Alawi"], Some(1990), "المغرب")
    });
    let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert_eq!(
        pairs(&found),
        BTreeSet::from([pair(1, 2), pair(1, 3), pair(2, 3)])
    );
    // Ids of lower numbers sort first.
    let c12 = found.iter().find(|c| (c.a, c.b) == (id(1), id(2))).unwrap();
    assert_eq!(c12.reasons[0], Reason::SamePhone);
    assert_eq!(
        c12.reasons[1],
        Reason::Alias {
            a: "Mohamed Alaoui".into(),
            b: "محمد العلوي".into(),
            how: AliasMatch::Transliteration
        }
    );
    assert!(
        c12.reasons
            .contains(&Reason::BirthYear { a: 1990, b: 1991 })
    );
    assert!(c12.reasons.contains(&Reason::SameCountry {
        country: "Marocco".into()
    }));
    let c13 = found.iter().find(|c| (c.a, c.b) == pair(1, 3)).unwrap();
    assert!(
        c13.reasons.iter().any(|r| matches!(
            r,
            Reason::Alias {
                how: AliasMatch::Spelling,
                ..
            }
        )),
        "{:?}",
        c13.reasons
    );
    for c in &found {
        assert!(c.a < c.b);
        assert!((DEFAULT_THRESHOLD..=1.0).contains(&c.score));
    }
}

#[test]
fn a_namesake_born_sixteen_years_later_in_another_country_is_not_proposed() {
    let mut persons = strangers();
    persons.push(person(
        1,
        "bergamo-1",
        &["Mohamed Alaoui"],
        Some(1985),
        "Marocco",
    ));
    persons.push(person(
        2,
        "bergamo-1",
        &["Mohamed Alaoui"],
        Some(2001),
        "Egitto",
    ));
    // The same name with only the birth year far apart, or only the country, or a
    // woman and a man: still different people.
    persons.push(person(
        3,
        "bergamo-1",
        &["Youssef Benali"],
        Some(1980),
        "Marocco",
    ));
    persons.push(person(
        4,
        "bergamo-1",
        &["Youssef Benali"],
        Some(1995),
        "Marocco",
    ));
    persons.push(person(
        5,
        "bergamo-1",
        &["Hassan Tazi"],
        Some(1990),
        "Marocco",
    ));
    persons.push(person(
        6,
        "bergamo-1",
        &["Hassan Tazi"],
        Some(1990),
        "Egypt",
    ));
    persons.push(person(
        7,
        "bergamo-1",
        &["Adama Traoré"],
        Some(1990),
        "Mali",
    ));
    persons.push(PersonFacts {
        gender: Gender::Woman,
        ..person(8, "bergamo-1", &["Adama Traoré"], Some(1990), "Mali")
    });
    let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert!(found.is_empty(), "{found:#?}");
    // Every one of them is still seen, with the evidence against it, at threshold 0.
    let all = candidates(&persons, NONE_JUDGED, 0.0);
    let c12 = all.iter().find(|c| (c.a, c.b) == pair(1, 2)).unwrap();
    assert!(
        c12.reasons
            .iter()
            .any(|r| matches!(r, Reason::DifferentBirthYear { .. }))
    );
    assert!(
        c12.reasons
            .iter()
            .any(|r| matches!(r, Reason::DifferentCountry { .. }))
    );
}

#[test]
fn a_pair_judged_not_the_same_person_is_never_proposed_again() {
    let mut persons = strangers();
    persons.push(person(
        1,
        "bergamo-1",
        &["Mamadou Diallo"],
        Some(1994),
        "Senegal",
    ));
    persons.push(person(
        2,
        "bergamo-1",
        &["Mamadú Diallo"],
        Some(1994),
        "Sénégal",
    ));
    persons.push(person(
        3,
        "milano-logistica",
        &["MAMADOU DIALLO"],
        Some(1994),
        "Senegal",
    ));
    assert_eq!(
        candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD).len(),
        3
    );
    // Judged in one order, asked in both.
    let judged = |x: DocId, y: DocId| (x, y) == (id(2), id(1));
    let found = candidates(&persons, &judged, DEFAULT_THRESHOLD);
    assert_eq!(pairs(&found), BTreeSet::from([pair(1, 3), pair(2, 3)]));
    let found = candidates(&persons, &judged, 0.0);
    assert!(!pairs(&found).contains(&pair(1, 2)));
}

#[test]
fn a_shared_phone_and_a_meeting_nearby_are_reasons_and_withdrawn_persons_are_never_candidates() {
    let mut persons = strangers();
    persons.push(PersonFacts {
        phone: Some("+39 333 1234567".into()),
        sightings: vec![(place(45.6983, 9.6773), 1_760_000_000_000)],
        ..person(1, "bergamo-1", &["Rahim"], None, "")
    });
    persons.push(PersonFacts {
        phone: Some("333-123-4567".into()),
        sightings: vec![(place(45.7, 9.68), 1_760_000_000_000 + 3_600_000)],
        ..person(2, "cremona-mantova", &["রহিম"], None, "Bangladesh")
    });
    // Consent withdrawn: the same phone once, nothing left now.
    persons.push(PersonFacts {
        aliases: Vec::new(),
        gender: Gender::Unknown,
        languages: Vec::new(),
        ..person(3, "bergamo-1", &[], None, "")
    });
    let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert_eq!(pairs(&found), BTreeSet::from([pair(1, 2)]));
    let reasons: Vec<String> = found[0].reasons.iter().map(Reason::describe_en).collect();
    assert_eq!(reasons[0], "same phone");
    assert!(
        reasons.contains(&"met 282 m apart on the same day".to_string()),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.contains("রহিম")), "{reasons:?}");
    let all = candidates(&persons, NONE_JUDGED, 0.0);
    assert!(all.iter().all(|c| c.a != id(3) && c.b != id(3)));
}

#[test]
fn the_same_records_give_the_same_candidates_in_any_order() {
    let mut persons = strangers();
    persons.push(person(
        1,
        "bergamo-1",
        &["Mamadou Diallo"],
        Some(1994),
        "Senegal",
    ));
    persons.push(person(
        2,
        "bergamo-1",
        &["Mamadú Diallo", "del campo"],
        None,
        "Senegal",
    ));
    persons.push(person(
        3,
        "bergamo-1",
        &["Ibrahima Sow"],
        Some(1990),
        "Senegal",
    ));
    persons.push(person(
        4,
        "milano-logistica",
        &["Ibrahina Sow"],
        Some(1991),
        "Senegal",
    ));
    persons.push(person(
        5,
        "bergamo-1",
        &["Олена Коваленко"],
        Some(1979),
        "Ucraina",
    ));
    persons.push(person(
        6,
        "bergamo-1",
        &["Olena Kovalenko"],
        Some(1979),
        "Ukraine",
    ));
    let first = candidates(&persons, NONE_JUDGED, 0.2);
    assert_eq!(first, candidates(&persons, NONE_JUDGED, 0.2));
    persons.reverse();
    assert_eq!(first, candidates(&persons, NONE_JUDGED, 0.2));
    assert!(pairs(&first).is_superset(&BTreeSet::from([pair(1, 2), pair(3, 4), pair(5, 6)])));
    let slip = first.iter().find(|c| (c.a, c.b) == pair(3, 4)).unwrap();
    assert!(slip.reasons.iter().any(|r| matches!(
        r,
        Reason::Alias {
            how: AliasMatch::Phonetic,
            ..
        }
    )));
}

#[test]
fn a_common_name_needs_more_than_a_birth_year_and_a_rare_one_does_not() {
    let mut persons = strangers();
    // Thirty namesakes, born over thirty years.
    for i in 0..30u8 {
        persons.push(person(
            40 + i,
            "latina-agro",
            &["Gurpreet Singh"],
            Some(1950 + i64::from(i)),
            "India",
        ));
    }
    persons.push(person(
        1,
        "latina-agro",
        &["Gurpreet Singh"],
        Some(1990),
        "India",
    ));
    persons.push(person(
        2,
        "bergamo-1",
        &["Gurpreet Singh"],
        Some(1990),
        "India",
    ));
    persons.push(person(
        3,
        "latina-agro",
        &["Lakhwinder Singh Sekhon"],
        Some(1988),
        "India",
    ));
    persons.push(person(
        4,
        "bergamo-1",
        &["ਲਖਵਿੰਦਰ ਸਿੰਘ ਸੇਖੋਂ"],
        Some(1988),
        "India",
    ));
    persons.push(PersonFacts {
        phone: Some("+39 320 7654321".into()),
        ..person(5, "latina-agro", &["Gurpreet Singh"], Some(1985), "India")
    });
    persons.push(PersonFacts {
        phone: Some("3207654321".into()),
        ..person(6, "bergamo-1", &["Gurpreet Sing"], None, "India")
    });
    let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert_eq!(pairs(&found), BTreeSet::from([pair(3, 4), pair(5, 6)]));
}

#[test]
fn french_transliterations_of_one_arabic_name_meet_the_english_ones() {
    // ش written "ch" (Rachid, Hicham, Cheikh) or "sh", ج written "dj" or "j".
    for (a, b) in [
        ("Rachid", "Rashid"),
        ("Hicham", "Hisham"),
        ("Cheikh", "Sheikh"),
        ("Djamel", "Jamal"),
        ("Rachid", "رشيد"),
    ] {
        assert_eq!(alias_skeletons(a), alias_skeletons(b), "{a} {b}");
    }
    let mut persons = strangers();
    persons.push(person(
        1,
        "bergamo-1",
        &["Rachid El Yassine"],
        Some(1992),
        "Marocco",
    ));
    persons.push(person(
        2,
        "torino-nord",
        &["Rashid El Yassine"],
        Some(1992),
        "Morocco",
    ));
    let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert_eq!(pairs(&found), BTreeSet::from([pair(1, 2)]));
    assert!(found[0].reasons.iter().any(|r| matches!(
        r,
        Reason::Alias {
            how: AliasMatch::Spelling,
            ..
        }
    )));
}

#[test]
fn met_at_the_same_place_on_other_days_is_a_reason_of_its_own() {
    let mut persons = strangers();
    persons.push(PersonFacts {
        sightings: vec![(place(45.6983, 9.6773), 1_760_000_000_000)],
        ..person(1, "bergamo-1", &["Hamza Bouali"], Some(1990), "Marocco")
    });
    persons.push(PersonFacts {
        sightings: vec![
            (place(45.70, 9.68), 1_760_000_000_000 + 10 * 86_400_000),
            (place(45.9, 9.9), 1_760_000_000_000 + 3_600_000),
        ],
        ..person(2, "bergamo-1", &["Hamza Bouali"], Some(1990), "Marocco")
    });
    let all = candidates(&persons, NONE_JUDGED, 0.0);
    let c = all.iter().find(|c| (c.a, c.b) == pair(1, 2)).unwrap();
    let reasons: Vec<String> = c.reasons.iter().map(Reason::describe_en).collect();
    assert!(
        reasons.contains(&"met 282 m apart 10 days apart".to_string()),
        "{reasons:?}"
    );
}

/// Arabic script read as Urdu reads it (ث s; ذ, ض, ظ z) meets the Pakistani Latin
/// spellings, and read as Arabic still meets the Arabic ones; Cyrillic г read as
/// Ukrainian (h) meets Halyna, read as Russian (g) Galina; a Latin h after a consonant
/// read as its own letter meets the Arabic (Fathy فتحي, Belhaj بلحاج).
#[test]
fn letters_read_two_ways_meet_the_spellings_of_either_reading() {
    for (n, (a, b), country) in [
        (1, ("عثمان رضوان", "Usman Rizwan"), "Pakistan"),
        (3, ("عثمان رضوان", "Uthman Ridwan"), "Egitto"),
        (5, ("ذیشان ظفر", "Zeeshan Zafar"), "Pakistan"),
        (7, ("Галина Коваль", "Halyna Koval"), "Ucraina"),
        (9, ("Галина Коваль", "Galina Koval"), "Ucraina"),
        // A Latin h after a consonant read as a letter of its own (the skeleton reads
        // th, lh, dh and sh as one sound).
        (11, ("فتحي بلحاج", "Fathy Belhaj"), "Tunisia"),
        (13, ("أدهم إسحاق", "Adham Ishaq"), "Egitto"),
        // A final ة read as t (Hayat, Najat).
        (15, ("حياة نجاة", "Hayat Najat"), "Marocco"),
    ] {
        let mut persons = strangers();
        persons.push(person(n, "bergamo-1", &[a], Some(1991), country));
        persons.push(person(n + 1, "torino-nord", &[b], Some(1991), country));
        let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
        assert_eq!(pairs(&found), BTreeSet::from([pair(n, n + 1)]), "{a} / {b}");
        assert!(
            found[0].reasons.iter().any(|r| matches!(
                r,
                Reason::Alias {
                    how: AliasMatch::Transliteration,
                    ..
                }
            )),
            "{a} / {b}: {:?}",
            found[0].reasons
        );
    }
    // Only a record in the script is read two ways: two Latin spellings of the two
    // readings keep their own skeletons.
    assert_ne!(alias_skeletons("Usman"), alias_skeletons("Uthman"));
}

/// A third word counts for what it adds to the other two: among men called Muhammad,
/// Kamran or Ali with other names, "Muhammad Kamran Ali" written twice a year apart is
/// proposed, and a namesake of all three words born twenty years later is not.
#[test]
fn a_third_word_adds_what_it_says_besides_the_other_two() {
    let mut persons = strangers();
    let others = [
        "Imran", "Bilal", "Asif", "Tariq", "Naveed", "Sajid", "Khalid", "Waqas",
    ];
    let surnames = [
        "Butt", "Chaudhry", "Malik", "Qureshi", "Raja", "Abbasi", "Mirza", "Akhtar",
    ];
    for i in 0..others.len() {
        let n = 20 + 3 * i as u8;
        let year = Some(1960 + i as i64);
        let named = [
            format!("Muhammad {}", surnames[i]),
            format!("Kamran {}", surnames[(i + 1) % surnames.len()]),
            format!("{} Ali", others[i]),
        ];
        for (k, name) in named.iter().enumerate() {
            persons.push(person(n + k as u8, "brescia", &[name], year, "Pakistan"));
        }
    }
    persons.push(person(
        1,
        "bergamo-1",
        &["Muhammad Kamran Ali"],
        Some(1991),
        "Pakistan",
    ));
    persons.push(person(
        2,
        "torino-nord",
        &["محمد کامران علی"],
        Some(1992),
        "Pakistan",
    ));
    persons.push(person(
        3,
        "torino-nord",
        &["Muhammad Kamran Ali"],
        Some(2011),
        "Pakistan",
    ));
    let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert_eq!(pairs(&found), BTreeSet::from([pair(1, 2)]), "{found:?}");
}

/// A Ukrainian's name written in Latin letters from Ukrainian meets the same name
/// written from its Russian form (Halyna, Galina; Ihor, Igor; Hrytsenko, Gritsenko).
#[test]
fn a_ukrainian_name_meets_its_russian_form() {
    for (n, a, b) in [
        (1, "Halyna Ivanovych", "Galina Ivanovych"),
        (3, "Ihor Hrytsenko", "Igor Gritsenko"),
    ] {
        let mut persons = strangers();
        persons.push(person(n, "bergamo-1", &[a], Some(1985), "Ucraina"));
        persons.push(person(n + 1, "torino-nord", &[b], Some(1985), "Ukraine"));
        let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
        assert_eq!(pairs(&found), BTreeSet::from([pair(n, n + 1)]), "{a} / {b}");
    }
}

#[test]
fn records_that_hold_many_duplicates_make_a_weaker_pair_likelier() {
    const GIVEN: [&str; 8] = [
        "Kwame", "Ioana", "Emeka", "Ilir", "Oksana", "Bilal", "Siaka", "Rahim",
    ];
    const FAMILY: [&str; 5] = ["Mensah", "Popescu", "Okafor", "Hoxha", "Qureshi"];
    let one_off = |i: u8| PersonFacts {
        phone: Some(format!("+39 333 {:07}", 1_000 + u32::from(i))),
        ..person(
            i,
            "cremona-mantova",
            &[&format!(
                "{} {}",
                GIVEN[usize::from(i) % 8],
                FAMILY[usize::from(i) / 8 % 5]
            )],
            Some(1950 + i64::from(i)),
            "Italia",
        )
    };
    // The pair weighed: one word and birth years two apart.
    let teodor = [
        person(1, "latina-agro", &["Teodor"], Some(1990), "Romania"),
        person(2, "bergamo-1", &["Teodor"], Some(1992), "Romania"),
    ];
    let mut town: Vec<PersonFacts> = strangers();
    town.extend((10..50).map(one_off));
    town.extend(teodor.iter().cloned());

    // Forty more records of other people: the pair stays below even odds.
    let mut strangers_only = town.clone();
    strangers_only.extend((60..100).map(|i| PersonFacts {
        aliases: vec![format!("{} {}", GIVEN[usize::from(i) % 8], "Traore")],
        ..one_off(i)
    }));
    let found = candidates(&strangers_only, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert!(!pairs(&found).contains(&pair(1, 2)), "{found:?}");

    // Forty records written again (same name, same phone): a register this full of
    // duplicates makes one more likelier, and the pair is proposed with them.
    let mut many_twice = town;
    many_twice.extend((60..100).map(|i| PersonFacts {
        id: id(i),
        team: TeamId::parse("bergamo-1").unwrap(),
        ..one_off(i - 50)
    }));
    let found = candidates(&many_twice, NONE_JUDGED, DEFAULT_THRESHOLD);
    let proposed = pairs(&found);
    for i in 60..100 {
        assert!(proposed.contains(&pair(i, i - 50)), "{i}");
    }
    assert!(proposed.contains(&pair(1, 2)));
    // And still not a namesake born 16 years apart.
    let mut with_namesake = many_twice.clone();
    with_namesake.push(person(3, "bergamo-1", &["Teodor"], Some(2006), "Romania"));
    let found = candidates(&with_namesake, NONE_JUDGED, DEFAULT_THRESHOLD);
    let proposed = pairs(&found);
    assert!(!proposed.contains(&pair(1, 3)) && !proposed.contains(&pair(2, 3)));
}

#[test]
fn an_age_guessed_by_a_worker_may_miss_by_a_few_years_not_by_six() {
    let guessed = |n: u8, year: i64| PersonFacts {
        birth_year_estimated: true,
        ..person(
            n,
            "latina-agro",
            &["Tesfay Gebremedhin Haile"],
            Some(year),
            "Eritrea",
        )
    };
    let stated = |n: u8, year: i64| {
        person(
            n,
            "bergamo-1",
            &["Tesfay Gebremedhin Haile"],
            Some(year),
            "Eritrea",
        )
    };
    let proposed = |a: PersonFacts, b: PersonFacts| {
        let mut persons = strangers();
        persons.extend([a, b]);
        !candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD).is_empty()
    };
    // The other team guessed "about 30" of a man who says he was born in 1991.
    assert!(proposed(guessed(1, 1994), stated(2, 1991)));
    // Two stated years three apart: two people.
    assert!(!proposed(stated(1, 1994), stated(2, 1991)));
    // A guess six years off: two people still.
    assert!(!proposed(guessed(1, 1997), stated(2, 1991)));
    // The reason reads as evidence for the pair.
    let mut persons = strangers();
    persons.extend([guessed(1, 1994), stated(2, 1991)]);
    let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert!(
        found[0]
            .reasons
            .contains(&Reason::BirthYear { a: 1994, b: 1991 })
            || found[0]
                .reasons
                .contains(&Reason::BirthYear { a: 1991, b: 1994 }),
        "{:?}",
        found[0].reasons
    );
}

#[test]
fn a_guessed_year_weighs_like_a_stated_one_unless_it_is_a_round_one() {
    let score = |a: PersonFacts, b: PersonFacts| {
        let mut persons = strangers();
        persons.extend([a, b]);
        candidates(&persons, NONE_JUDGED, 0.01)[0].score
    };
    let one = |n: u8, year: i64, estimated: bool| PersonFacts {
        birth_year_estimated: estimated,
        ..person(n, "latina-agro", &["Kwame"], Some(year), "Ghana")
    };
    // The demo's planted pairs: a guessed year, the same as the other team's.
    assert_eq!(
        score(one(1, 1983, true), one(2, 1983, false)),
        score(one(1, 1983, false), one(2, 1983, false))
    );
    // Guesses heap on round years: the same round guess says less.
    assert!(
        score(one(1, 1985, true), one(2, 1985, false))
            < score(one(1, 1985, false), one(2, 1985, false))
    );
}

/// Forty men called Mamadou Diallo, born 1950 to 1989, stating no usual place.
fn diallos() -> Vec<PersonFacts> {
    (0..40)
        .map(|i| PersonFacts {
            languages: vec!["fr".into(), "wo".into()],
            ..person(
                150 + i as u8,
                "bergamo-1",
                &["Mamadou Diallo"],
                Some(1950 + i64::from(i)),
                "Senegal",
            )
        })
        .collect()
}

#[test]
fn a_common_name_with_the_same_usual_place_is_proposed_and_without_it_is_not() {
    let at = |n: u8, year: i64, usual: &str| PersonFacts {
        languages: vec!["fr".into(), "wo".into()],
        usual_place: usual.into(),
        ..person(n, "bergamo-1", &["Mamadou Diallo"], Some(year), "Senegal")
    };
    let mut persons = diallos();
    // The same usual place, written with other case and accents.
    persons.push(at(1, 1995, "Cascina Bassa, Rovato"));
    persons.push(at(2, 1995, "cascina bassa rovato"));
    // No place stated: the name and the year are not enough among forty namesakes.
    persons.push(at(3, 2000, ""));
    persons.push(at(4, 2000, ""));
    // One phone, two places.
    for (n, usual) in [(5, "Stazione di Treviglio"), (6, "Campo 4, Castrezzato")] {
        persons.push(PersonFacts {
            phone: Some("+39 351 7654321".into()),
            ..at(n, 2003, usual)
        });
    }
    let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert_eq!(pairs(&found), BTreeSet::from([pair(1, 2), pair(5, 6)]));
    let c12 = found.iter().find(|c| (c.a, c.b) == pair(1, 2)).unwrap();
    assert!(c12.reasons.contains(&Reason::SameUsualPlace {
        place: "Cascina Bassa, Rovato".into()
    }));
    // A place many state says less than one only the pair states.
    let mut crowded = diallos();
    crowded.extend((0..40).map(|i| PersonFacts {
        usual_place: "Cascina Bassa, Rovato".into(),
        ..person(
            200 + i as u8,
            "bergamo-1",
            &["Kwame Mensah"],
            Some(1980),
            "Ghana",
        )
    }));
    crowded.push(at(1, 1995, "Cascina Bassa, Rovato"));
    crowded.push(at(2, 1995, "cascina bassa rovato"));
    assert!(candidates(&crowded, NONE_JUDGED, DEFAULT_THRESHOLD).is_empty());
    // Different places show as evidence against.
    let c56 = found.iter().find(|c| (c.a, c.b) == pair(5, 6)).unwrap();
    assert!(c56.reasons.contains(&Reason::DifferentUsualPlace {
        a: "Stazione di Treviglio".into(),
        b: "Campo 4, Castrezzato".into()
    }));
    assert!(c56.reasons.last().unwrap().is_against());
}

#[test]
fn countries_written_as_iso_codes_agree_and_disagree_as_named_countries() {
    let mut persons = strangers();
    // The exchange format writes `ML`; a phone writes "Mali".
    persons.push(person(1, "bergamo-1", &["Adama Traoré"], Some(1990), "ML"));
    persons.push(person(
        2,
        "bergamo-1",
        &["Adama Traore"],
        Some(1990),
        "Mali",
    ));
    persons.push(person(3, "bergamo-1", &["Adama Traoré"], Some(1990), "NG"));
    let all = candidates(&persons, NONE_JUDGED, 0.05);
    let reasons = |x: u8, y: u8| {
        all.iter()
            .find(|c| (c.a, c.b) == pair(x, y))
            .map(|c| c.reasons.clone())
            .unwrap_or_default()
    };
    assert!(reasons(1, 2).contains(&Reason::SameCountry {
        country: "ML".into()
    }));
    assert!(reasons(1, 3).contains(&Reason::DifferentCountry {
        a: "ML".into(),
        b: "NG".into()
    }));
    assert!(reasons(2, 3).contains(&Reason::DifferentCountry {
        a: "Mali".into(),
        b: "NG".into()
    }));
    let proposed = pairs(&candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD));
    assert!(proposed.contains(&pair(1, 2)), "{proposed:?}");
    assert!(!proposed.contains(&pair(1, 3)), "{proposed:?}");
}

/// Two men of a common name, born the same year, both living in Viadana: likely one
/// man recorded twice, unless each gave his own phone. Two phones say they are two
/// people far more often than one man changed his number (in the benchmark and in the
/// exchange data set, −3 rather than −1.5 cost no recall and gained precision).
#[test]
fn namesakes_born_the_same_year_in_the_same_place_with_two_phones_are_not_proposed() {
    let mut persons = strangers();
    for p in persons.iter_mut().take(3) {
        p.usual_place = "Viadana".into();
    }
    for (n, year) in (1u8..).zip([1960, 1966, 1972, 1978, 1996, 2003]) {
        let team = "cremona-mantova";
        persons.push(person(n, team, &["Sunil Kumar"], Some(year), "India"));
    }
    let namesake = |n: u8, team: &str| PersonFacts {
        usual_place: "Viadana".into(),
        ..person(n, team, &["Sunil Kumar"], Some(1985), "India")
    };
    persons.push(namesake(7, "cremona-mantova"));
    persons.push(namesake(8, "bergamo-1"));
    let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
    assert_eq!(pairs(&found), BTreeSet::from([pair(7, 8)]));
    let without_phones = found[0].score;
    let last = persons.len() - 1;
    persons[last - 1].phone = Some("+39 333 1234567".into());
    persons[last].phone = Some("351 765 4321".into());
    let found = candidates(&persons, NONE_JUDGED, 0.01);
    let with_phones = found.iter().find(|c| (c.a, c.b) == pair(7, 8)).unwrap();
    assert!(with_phones.reasons.contains(&Reason::DifferentPhone));
    assert!(
        with_phones.score < DEFAULT_THRESHOLD && without_phones > 0.9,
        "{without_phones} then {}",
        with_phones.score
    );
}

/// Two words of one record written as one in the other (Ben Ali and Benali, N'Diaye and
/// Ndiaye, عبد القادر and Abdelkader), the article joined (El Idrissi, Elidrissi) and
/// "Md" for Muhammad are the same names: each pair is proposed, among strangers, with
/// nothing but the names and the birth year (failed without: found by an independent
/// check's data set, where they were missed).
#[test]
fn names_written_joined_or_apart_or_shortened_are_the_same_names() {
    for (n, (a, b), country) in [
        (1, ("Mohamed Ben Ali", "Mohamed Benali"), "Tunisia"),
        (3, ("Ousmane N'Diaye", "Ousmane Ndiaye"), "Senegal"),
        (5, ("Youssef Abdelkader", "يوسف عبد القادر"), "Marocco"),
        (7, ("Hicham El Idrissi", "Hicham Elidrissi"), "Marocco"),
        (
            9,
            ("Md Rafiqul Islam", "Mohammad Rafiqul Islam"),
            "Bangladesh",
        ),
        (11, ("Ali Abdel Rahman", "Ali Abdelrahman"), "Egitto"),
    ] {
        let mut persons = strangers();
        persons.push(person(n, "bergamo-1", &[a], Some(1991), country));
        persons.push(person(n + 1, "torino-nord", &[b], Some(1991), country));
        let found = candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD);
        assert_eq!(pairs(&found), BTreeSet::from([pair(n, n + 1)]), "{a} / {b}");
    }
}

#[test]
fn two_names_one_edit_apart_that_others_hold_weigh_less_than_a_slip() {
    // Ranjit and Manjit are two names (others hold each); Ramjit is a slip for Ranjit
    // (no one else writes it). Before, both pairs weighed the same.
    let mut persons = strangers();
    let india =
        |n: u8, alias: &str, year: i64| person(n, "latina-agro", &[alias], Some(year), "India");
    persons.push(india(1, "Ranjit Dhaliwal", 1995));
    persons.push(india(2, "Manjit Dhaliwal", 1995));
    persons.push(india(3, "Manjit Sandhu", 1980));
    persons.push(india(4, "Ranjit Gill", 1972));
    persons.push(india(5, "Ramjit Dhaliwal", 1995));
    let found = candidates(&persons, NONE_JUDGED, 0.0);
    let (names, slip) = (score_of(&found, 1, 2), score_of(&found, 1, 5));
    assert!(slip > 0.5, "{slip}");
    assert!(names < 0.5 && names < slip / 2.0, "{names} / {slip}");
}

#[test]
fn a_usual_place_says_half_as_much_when_another_given_name_stands_beside_the_family_name() {
    // Relatives share a family name and a place: with Shahid and Umer both there, the
    // place weighs half what it weighs for one name written twice.
    let logit = |s: f32| (s / (1.0 - s)).ln();
    let world = |place: &str| {
        let mut persons = strangers();
        let at = |n: u8, alias: &str, year: i64| PersonFacts {
            usual_place: place.into(),
            ..person(n, "foggia-capitanata", &[alias], Some(year), "Pakistan")
        };
        persons.push(at(1, "Shahid Abbasi", 1983));
        persons.push(at(2, "Umer Abbasi", 1984));
        persons.push(at(3, "Karim Alaoui", 1990));
        persons.push(at(4, "Karim Alaoui", 1991));
        let found = candidates(&persons, NONE_JUDGED, 0.0);
        (score_of(&found, 1, 2), score_of(&found, 3, 4))
    };
    let (relatives, one) = world("Cascina Bianca, Foggia");
    let (relatives_nowhere, one_nowhere) = world("");
    let (by_relatives, by_one) = (
        logit(relatives) - logit(relatives_nowhere),
        logit(one) - logit(one_nowhere),
    );
    assert!(by_one > 1.0, "{by_one}");
    assert!(
        (by_relatives - by_one / 2.0).abs() < 0.05,
        "{by_relatives} / {by_one}"
    );
}

/// Men called Sunil Kumar among thirty strangers of four towns; the last two, born two
/// years apart, both live in Viadana. When the records show older and younger Sunil
/// Kumars — clearly other men — living in Viadana too (kin, one village's emigrants),
/// the town says little and the pair is not proposed; when they live elsewhere, the
/// town weighs its rarity and the pair is proposed.
#[test]
fn a_usual_place_says_less_where_namesakes_who_are_clearly_others_share_it() {
    let world = |elders_at: &str| {
        let towns = ["Mantova", "Cremona", "Casalmaggiore", "Suzzara"];
        let given = ["Kwame", "Ioana", "Emeka", "Ilir", "Olena", "Bogdan"];
        let family = ["Mensah", "Popescu", "Okafor", "Hoxha", "Shevchenko"];
        let mut persons: Vec<PersonFacts> = (0..30)
            .map(|i| PersonFacts {
                usual_place: towns[i % towns.len()].into(),
                ..person(
                    100 + i as u8,
                    "cremona-mantova",
                    &[&format!("{} {}", given[i % 6], family[i / 6])],
                    Some(1970),
                    "Italia",
                )
            })
            .collect();
        let at = |n: u8, year: i64, usual: &str| PersonFacts {
            usual_place: usual.into(),
            ..person(n, "cremona-mantova", &["Sunil Kumar"], Some(year), "India")
        };
        for (n, year) in (1u8..).zip([1955, 1962, 1970, 2004]) {
            persons.push(at(n, year, elders_at));
        }
        persons.push(at(7, 1988, "Viadana"));
        persons.push(at(8, 1990, "viadana"));
        score_of(&candidates(&persons, NONE_JUDGED, 0.0), 7, 8)
    };
    let (kin_there, kin_elsewhere) = (world("Viadana"), world("Mantova"));
    assert!(kin_there < DEFAULT_THRESHOLD, "{kin_there}");
    assert!(kin_elsewhere >= DEFAULT_THRESHOLD, "{kin_elsewhere}");
}

/// An independent check's data: 王勇 and Wang Yong, 陈娜 and Na Chen, born the same
/// year, were never proposed (Chinese characters matched nothing but themselves).
#[test]
fn chinese_characters_meet_their_pinyin() {
    let mut persons = strangers();
    persons.push(person(1, "milano-logistica", &["王勇"], Some(1988), "Cina"));
    persons.push(person(2, "bergamo-1", &["Yong WANG"], Some(1988), "Cina"));
    persons.push(person(3, "milano-logistica", &["陈娜"], Some(1995), "Cina"));
    persons.push(person(4, "bergamo-1", &["Chen Na"], Some(1994), "Cina"));
    let proposed = pairs(&candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD));
    assert!(proposed.contains(&pair(1, 2)), "{proposed:?}");
    assert!(proposed.contains(&pair(3, 4)), "{proposed:?}");
    assert!(!proposed.contains(&pair(1, 4)));
}

/// Scripts without a table of their own (Ethiopic, Georgian, Greek, Tamil) met their
/// Latin spelling nowhere, as Chinese did: ዮሐንስ ተስፋይ and Yohannes Tesfay, born the
/// same year in Eritrea, were never proposed.
#[test]
fn other_scripts_meet_their_latin_spelling() {
    let mut persons = strangers();
    persons.push(person(
        1,
        "milano-logistica",
        &["ዮሐንስ ተስፋይ"],
        Some(1991),
        "Eritrea",
    ));
    persons.push(person(
        2,
        "bergamo-1",
        &["Yohannes Tesfay"],
        Some(1991),
        "Eritrea",
    ));
    persons.push(person(
        3,
        "milano-logistica",
        &["გიორგი ბერიძე"],
        Some(1979),
        "Georgia",
    ));
    persons.push(person(
        4,
        "bergamo-1",
        &["Giorgi Beridze"],
        Some(1980),
        "Georgia",
    ));
    persons.push(person(
        5,
        "milano-logistica",
        &["சிவகுமார் ராஜேந்திரன்"],
        Some(1985),
        "Sri Lanka",
    ));
    persons.push(person(
        6,
        "bergamo-1",
        &["Sivakumar Rajendran"],
        Some(1985),
        "Sri Lanka",
    ));
    let proposed = pairs(&candidates(&persons, NONE_JUDGED, DEFAULT_THRESHOLD));
    assert!(proposed.contains(&pair(1, 2)), "{proposed:?}");
    assert!(proposed.contains(&pair(3, 4)), "{proposed:?}");
    assert!(proposed.contains(&pair(5, 6)), "{proposed:?}");
    assert!(!proposed.contains(&pair(1, 4)));
    assert!(!proposed.contains(&pair(2, 6)));
}

/// The reasons of the pair `x`, `y` among `found`.
fn reasons_of(found: &[Candidate], x: u8, y: u8) -> Vec<Reason> {
    found
        .iter()
        .find(|c| (c.a, c.b) == pair(x, y))
        .map(|c| c.reasons.clone())
        .unwrap_or_default()
}

#[test]
fn relatives_on_one_phone_with_other_given_names_are_not_proposed_and_the_names_say_part() {
    // A second independent check: brothers (and a wife) sharing a handset scored 0.93
    // to 0.98 on the phone alone, their given names and even genders apart.
    let mut persons = strangers();
    let phone = Some("+39 333 7654321".to_string());
    persons.push(PersonFacts {
        phone: phone.clone(),
        ..person(1, "bergamo-1", &["Gurpreet Singh"], Some(1992), "India")
    });
    persons.push(PersonFacts {
        phone: phone.clone(),
        ..person(2, "bergamo-1", &["Amandeep Singh"], Some(1990), "India")
    });
    persons.push(PersonFacts {
        phone: phone.clone(),
        gender: Gender::Woman,
        ..person(3, "cremona-mantova", &["Fatma Ahmet"], Some(1986), "Egitto")
    });
    persons.push(PersonFacts {
        phone: Some("3331112222".into()),
        ..person(
            4,
            "cremona-mantova",
            &["Ahmet Abdelrahman"],
            Some(1985),
            "Egitto",
        )
    });
    persons.push(PersonFacts {
        phone: Some("3331112222".into()),
        ..person(5, "cremona-mantova", &["Ahmet Abdelrahman"], None, "Egitto")
    });
    let found = candidates(&persons, NONE_JUDGED, 0.05);
    assert!(score_of(&found, 1, 2) < DEFAULT_THRESHOLD, "{found:?}");
    assert!(score_of(&found, 1, 3) < DEFAULT_THRESHOLD);
    // The same man on one phone is still proposed, for his phone.
    assert!(score_of(&found, 4, 5) > 0.9, "{found:?}");
    assert!(reasons_of(&found, 4, 5).contains(&Reason::SamePhone));
    // Where only a word of the names matches, the reason says so.
    let brothers = reasons_of(&found, 1, 2);
    assert!(
        brothers.iter().any(|r| matches!(
            r,
            Reason::Alias {
                how: AliasMatch::Partial,
                ..
            }
        )),
        "{brothers:?}"
    );
    assert!(reasons_of(&found, 4, 5).iter().any(|r| matches!(
        r,
        Reason::Alias {
            how: AliasMatch::Same,
            ..
        }
    )));
}

#[test]
fn brothers_on_one_phone_met_side_by_side_say_less_and_a_jallow_is_a_diallo() {
    // A third independent check: brothers sharing a handset, met 640 m apart the same
    // day, at 0.94 — the meeting counted in full where the phone no longer did.
    let mut persons = strangers();
    let phone = Some("+39 351 2468024".to_string());
    let day = 1_760_000_000_000;
    persons.push(PersonFacts {
        phone: phone.clone(),
        birth_year_estimated: true,
        sightings: vec![(place(45.1335, 10.0227), day)],
        ..person(
            1,
            "cremona-mantova",
            &["Dmytro Marchenko"],
            Some(1990),
            "Ucraina",
        )
    });
    persons.push(PersonFacts {
        phone: phone.clone(),
        sightings: vec![(place(45.1390, 10.0240), day + 3_600_000)],
        ..person(
            2,
            "cremona-mantova",
            &["Vasyl Marchenko"],
            Some(1990),
            "Ucraina",
        )
    });
    // A common family name of the country (as on the check's data: the name alone is
    // no rarity there).
    for (n, given) in [(5, "Oleksii"), (6, "Ivan"), (7, "Petro")] {
        persons.push(person(
            n,
            "milano-logistica",
            &[&format!("{given} Marchenko")],
            Some(1975 + i64::from(n)),
            "Ucraina",
        ));
    }
    // One man written the Gambian way and the Senegalese way, met there again.
    persons.push(PersonFacts {
        sightings: vec![(place(45.6983, 9.6773), day)],
        ..person(3, "bergamo-1", &["Modou Jallow"], Some(1994), "Gambia")
    });
    persons.push(PersonFacts {
        sightings: vec![(place(45.6990, 9.6780), day + 2 * 86_400_000)],
        ..person(4, "bergamo-1", &["Modou Diallo"], Some(1994), "Gambia")
    });
    let found = candidates(&persons, NONE_JUDGED, 0.05);
    assert!(score_of(&found, 3, 4) >= DEFAULT_THRESHOLD, "{found:?}");
    // The brothers' meeting weighs as their phone does: at most 0.4 of its full weight
    // (about 3.4 at 620 m the same day).
    let (prepared, lex) = facts::prepare(&persons);
    let at = |n: u8| persons.iter().position(|p| p.id == id(n)).unwrap();
    let mut reasons = Vec::new();
    score::weigh(
        &prepared[at(1)],
        &prepared[at(2)],
        &lex,
        &mut score::Scratch::default(),
        Some(&mut reasons),
    );
    let met = reasons
        .iter()
        .find(|(_, r)| matches!(r, Reason::MetNear { .. }))
        .map(|(w, _)| *w)
        .expect("met near");
    assert!(met > 0.0 && met < 1.5, "{met}");
}

#[test]
fn a_phone_one_digit_off_counts_for_and_a_place_written_more_fully_counts_neither_way() {
    let mut persons = strangers();
    persons.push(PersonFacts {
        phone: Some("363 6507922".into()),
        usual_place: "Pavia".into(),
        ..person(1, "bergamo-1", &["Nataliia Melnyk"], Some(1978), "Ucraina")
    });
    persons.push(PersonFacts {
        phone: Some("+39 363 9507922".into()),
        usual_place: "Pavia stazione".into(),
        ..person(
            2,
            "milano-logistica",
            &["Natalia Melnyk"],
            Some(1979),
            "Ucraina",
        )
    });
    // A Romanian number with its country code and as dialled in Romania: one number.
    persons.push(PersonFacts {
        phone: Some("0040 856 940938".into()),
        ..person(5, "bergamo-1", &["Gheorghe Turcanu"], Some(1997), "Romania")
    });
    persons.push(PersonFacts {
        phone: Some("0856 940938".into()),
        ..person(
            6,
            "milano-logistica",
            &["Gheorghe Ţurcanu"],
            None,
            "Romania",
        )
    });
    // Two neighbouring digits swapped.
    persons.push(PersonFacts {
        phone: Some("3636509722".into()),
        ..person(3, "milano-logistica", &["Natalia Melnyk"], None, "Ucraina")
    });
    // Two digits apart: another number.
    persons.push(PersonFacts {
        phone: Some("3636501122".into()),
        ..person(4, "milano-logistica", &["Natalia Melnyk"], None, "Ucraina")
    });
    let found = candidates(&persons, NONE_JUDGED, 0.01);
    let both = reasons_of(&found, 1, 2);
    assert!(both.contains(&Reason::SimilarPhone), "{both:?}");
    assert!(!both.contains(&Reason::DifferentPhone));
    assert!(
        !both.iter().any(|r| matches!(
            r,
            Reason::DifferentUsualPlace { .. } | Reason::SameUsualPlace { .. }
        )),
        "{both:?}"
    );
    assert!(score_of(&found, 1, 2) >= DEFAULT_THRESHOLD, "{found:?}");
    assert!(reasons_of(&found, 1, 3).contains(&Reason::SimilarPhone));
    // Two digits apart: another number, which weighs against (when the pair is
    // proposed at all).
    let other = reasons_of(&found, 1, 4);
    assert!(
        other.is_empty() || other.contains(&Reason::DifferentPhone),
        "{other:?}"
    );
    assert!(score_of(&found, 1, 4) < score_of(&found, 1, 3));
    assert!(
        reasons_of(&found, 5, 6).contains(&Reason::SamePhone),
        "{found:?}"
    );
}

#[test]
fn names_apart_by_their_first_letter_are_other_names() {
    // A new user's check: Gurpreet Singh and Harpreet Singh, born the same year in one
    // place, were proposed at 99% as sound-alikes.
    let mut persons = strangers();
    for (n, name) in [
        (1, "Gurpreet Singh"),
        (2, "Harpreet Singh"),
        (3, "Yusuf Bajwa"),
        (4, "Jusuf Bajwa"),
    ] {
        persons.push(PersonFacts {
            usual_place: "Cascina sintetica".into(),
            ..person(n, "bergamo-1", &[name], Some(1990), "India")
        });
    }
    let found = candidates(&persons, NONE_JUDGED, 0.05);
    assert!(
        !reasons_of(&found, 1, 2).iter().any(|r| matches!(
            r,
            Reason::Alias {
                how: AliasMatch::Phonetic,
                ..
            }
        )),
        "{found:?}"
    );
    assert!(score_of(&found, 1, 2) < DEFAULT_THRESHOLD);
    // J and Y read alike at a name's start.
    assert!(score_of(&found, 3, 4) >= DEFAULT_THRESHOLD, "{found:?}");
}
