//! The demo's fixed tables: teams and their territories (real town centres, so distances
//! to the demo directory make sense), seasons, where people come from and the names they
//! go by (invented combinations of common given names — no real person), and short
//! synthetic notes.

use strada_shared::domain::DocumentStatus;
use strada_shared::vocab::{Indicator, Sector};

/// A town centre the team works around (WGS84 degrees).
pub struct Town {
    pub name: &'static str,
    pub lat: f64,
    pub lon: f64,
}

const fn town(name: &'static str, lat: f64, lon: f64) -> Town {
    Town { name, lat, lon }
}

/// A field team, its territory and its work.
pub struct Team {
    pub slug: &'static str,
    /// Field workers' usernames.
    pub workers: &'static [&'static str],
    pub towns: &'static [Town],
    /// Share of all contacts (relative weight).
    pub share: f64,
    /// Relative number of contacts per month, January first.
    pub months: [f64; 12],
    /// Sectors met, with relative weights.
    pub sectors: &'static [(Sector, f64)],
    /// Where people come from here (indexes into [`ORIGINS`]), with relative weights.
    pub origins: &'static [(usize, f64)],
}

// Indexes into ORIGINS.
const SN: usize = 0;
const ML: usize = 1;
const NG: usize = 2;
const GH: usize = 3;
const BD: usize = 4;
const PK: usize = 5;
const IN: usize = 6;
const MA: usize = 7;
const RO: usize = 8;
const AL: usize = 9;
const UA: usize = 10;
const EG: usize = 11;

pub const TEAMS: &[Team] = &[
    Team {
        slug: "bergamo-1",
        workers: &["giulia.bg", "karim.bg", "paolo.bg"],
        towns: &[
            town("Bergamo", 45.6983, 9.6773),
            town("Treviglio", 45.5213, 9.5929),
            town("Dalmine", 45.6497, 9.6050),
            town("Romano di Lombardia", 45.5197, 9.7548),
            town("Caravaggio", 45.4970, 9.6430),
            town("Verdellino", 45.6030, 9.6080),
        ],
        share: 0.27,
        // The plain's harvests: vegetables and maize, June to October.
        months: [0.45, 0.45, 0.6, 0.8, 1.0, 1.6, 1.9, 2.0, 1.8, 1.5, 0.8, 0.5],
        sectors: &[
            (Sector::Agriculture, 5.0),
            (Sector::Logistics, 2.0),
            (Sector::Construction, 1.5),
            (Sector::Manufacturing, 1.0),
            (Sector::Other, 0.3),
        ],
        origins: &[
            (SN, 3.0),
            (ML, 1.5),
            (IN, 2.5),
            (PK, 1.5),
            (MA, 1.5),
            (RO, 1.0),
            (AL, 1.0),
            (GH, 1.0),
        ],
    },
    Team {
        slug: "brescia-franciacorta",
        workers: &["elena.bs", "amadou.bs"],
        towns: &[
            town("Brescia", 45.5416, 10.2118),
            town("Erbusco", 45.5990, 9.9710),
            town("Cazzago San Martino", 45.5810, 10.0260),
            town("Adro", 45.6220, 9.9600),
            town("Corte Franca", 45.6330, 10.0020),
            town("Rovato", 45.5660, 9.9990),
        ],
        share: 0.25,
        // Franciacorta's grape harvest, August to October, on a steady town base.
        months: [0.6, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 2.4, 3.0, 2.0, 0.8, 0.6],
        sectors: &[
            (Sector::Agriculture, 4.0),
            (Sector::Manufacturing, 1.5),
            (Sector::Construction, 1.5),
            (Sector::Hospitality, 1.0),
            (Sector::Domestic, 0.8),
        ],
        origins: &[
            (IN, 3.0),
            (PK, 2.0),
            (RO, 2.0),
            (SN, 1.5),
            (AL, 1.5),
            (UA, 1.0),
            (NG, 1.0),
            (MA, 1.0),
        ],
    },
    Team {
        slug: "cremona-mantova",
        workers: &["luca.crmn", "fatima.crmn", "sara.crmn"],
        towns: &[
            town("Cremona", 45.1332, 10.0227),
            town("Mantova", 45.1564, 10.7914),
            town("Viadana", 44.9260, 10.5190),
            town("Casalmaggiore", 44.9890, 10.4190),
            town("Suzzara", 44.9930, 10.7440),
            town("Sabbioneta", 44.9990, 10.4890),
        ],
        share: 0.23,
        // Melons, tomatoes and pears in the Po plain, June to October; dairy all year.
        months: [0.6, 0.6, 0.7, 0.9, 1.1, 1.7, 2.1, 2.0, 1.7, 1.3, 0.7, 0.6],
        sectors: &[
            (Sector::Agriculture, 6.0),
            (Sector::Logistics, 1.0),
            (Sector::Manufacturing, 1.0),
            (Sector::Domestic, 0.8),
        ],
        origins: &[
            (IN, 4.0),
            (PK, 1.5),
            (BD, 1.0),
            (MA, 2.0),
            (RO, 1.5),
            (SN, 1.0),
            (GH, 1.0),
            (UA, 0.8),
        ],
    },
    Team {
        slug: "milano-logistica",
        workers: &["marco.mi", "nasrin.mi", "chiara.mi"],
        towns: &[
            town("Milano Rogoredo", 45.4336, 9.2389),
            town("Lacchiarella", 45.3230, 9.1370),
            town("Landriano", 45.3110, 9.2600),
            town("Pieve Emanuele", 45.3500, 9.2020),
            town("Melzo", 45.4990, 9.4230),
            town("Lodi", 45.3140, 9.5030),
            town("Sesto San Giovanni", 45.5350, 9.2330),
        ],
        share: 0.25,
        // Warehouses work all year; the November–December peak of online sales.
        months: [
            0.9, 0.85, 0.9, 0.95, 1.0, 1.0, 0.95, 0.8, 1.0, 1.1, 1.8, 1.9,
        ],
        sectors: &[
            (Sector::Logistics, 6.0),
            (Sector::Construction, 1.5),
            (Sector::Hospitality, 1.5),
            (Sector::Domestic, 1.0),
            (Sector::Other, 0.5),
        ],
        origins: &[
            (BD, 3.0),
            (EG, 2.0),
            (PK, 1.5),
            (NG, 1.5),
            (MA, 1.5),
            (SN, 1.0),
            (UA, 1.0),
            (AL, 1.0),
        ],
    },
];

/// A given name: Latin spellings (transliteration variants) and the native script.
pub struct Name {
    pub latin: &'static [&'static str],
    pub native: Option<&'static str>,
    pub woman: bool,
}

const fn m(latin: &'static [&'static str], native: Option<&'static str>) -> Name {
    Name {
        latin,
        native,
        woman: false,
    }
}

const fn w(latin: &'static [&'static str], native: Option<&'static str>) -> Name {
    Name {
        latin,
        native,
        woman: true,
    }
}

/// Where a person comes from: the country (ISO 3166-1 alpha-2, as the app records it),
/// the languages, common given names.
pub struct Origin {
    pub country: &'static str,
    pub languages: &'static [&'static str],
    pub names: &'static [Name],
    /// Share of women among the people met.
    pub women: f64,
}

pub const ORIGINS: &[Origin] = &[
    Origin {
        country: "SN",
        languages: &["wo", "fr"],
        names: &[
            m(&["Mamadou", "Mamadú"], None),
            m(&["Moussa", "Musa"], None),
            m(&["Ibrahima"], None),
            m(&["Cheikh", "Sheikh"], None),
            m(&["Ousmane", "Usman"], None),
            m(&["Babacar"], None),
            w(&["Fatou", "Fatú"], None),
            w(&["Aminata"], None),
        ],
        women: 0.08,
    },
    Origin {
        country: "ML",
        languages: &["bm", "fr"],
        names: &[
            m(&["Bakary", "Bakari"], None),
            m(&["Souleymane", "Sulaiman"], None),
            m(&["Adama"], None),
            m(&["Seydou", "Seidou"], None),
            m(&["Drissa", "Idrissa"], None),
            w(&["Oumou"], None),
        ],
        women: 0.06,
    },
    Origin {
        country: "NG",
        languages: &["en"],
        names: &[
            m(&["Chinedu"], None),
            m(&["Emeka"], None),
            m(&["Efosa"], None),
            w(&["Blessing"], None),
            w(&["Precious"], None),
            w(&["Joy"], None),
            w(&["Osas"], None),
        ],
        women: 0.45,
    },
    Origin {
        country: "GH",
        languages: &["tw", "en"],
        names: &[
            m(&["Kwame"], None),
            m(&["Kofi"], None),
            m(&["Yaw"], None),
            m(&["Kwabena"], None),
            w(&["Akosua"], None),
            w(&["Ama"], None),
        ],
        women: 0.15,
    },
    Origin {
        country: "BD",
        languages: &["bn"],
        names: &[
            m(&["Mohammad", "Mohammed", "Md"], Some("মোহাম্মদ")),
            m(&["Rahim"], Some("রহিম")),
            m(&["Karim"], Some("করিম")),
            m(&["Hossain", "Hussain", "Hosen"], Some("হোসেন")),
            m(&["Sumon", "Suman"], Some("সুমন")),
            m(&["Rafiq", "Rafik"], Some("রফিক")),
            m(&["Alamgir"], Some("আলমগীর")),
            w(&["Nasima"], Some("নাসিমা")),
        ],
        women: 0.05,
    },
    Origin {
        country: "PK",
        languages: &["ur", "pa"],
        names: &[
            m(&["Muhammad", "Muhammed"], Some("محمد")),
            m(&["Imran"], Some("عمران")),
            m(&["Bilal"], Some("بلال")),
            m(&["Asif", "Aasif"], Some("آصف")),
            m(&["Usman", "Osman"], Some("عثمان")),
            m(&["Zahid"], Some("زاہد")),
        ],
        women: 0.03,
    },
    Origin {
        country: "IN",
        languages: &["pa", "hi"],
        names: &[
            m(&["Gurpreet"], Some("ਗੁਰਪ੍ਰੀਤ")),
            m(&["Harjit", "Harjeet"], Some("ਹਰਜੀਤ")),
            m(&["Singh", "Sing"], Some("ਸਿੰਘ")),
            m(&["Sukhwinder", "Sukhvinder"], Some("ਸੁਖਵਿੰਦਰ")),
            m(&["Jaspreet"], Some("ਜਸਪ੍ਰੀਤ")),
            m(&["Baljit", "Baljeet"], Some("ਬਲਜੀਤ")),
            w(&["Manpreet"], Some("ਮਨਪ੍ਰੀਤ")),
            w(&["Kaur"], Some("ਕੌਰ")),
        ],
        women: 0.12,
    },
    Origin {
        country: "MA",
        languages: &["ar", "fr"],
        names: &[
            m(&["Mohamed", "Mohammed"], Some("محمد")),
            m(&["Youssef", "Yusuf"], Some("يوسف")),
            m(&["Hassan", "Hasan"], Some("حسن")),
            m(&["Rachid", "Rashid"], Some("رشيد")),
            m(&["Said", "Saïd"], Some("سعيد")),
            w(&["Fatima", "Fatma"], Some("فاطمة")),
            w(&["Khadija"], Some("خديجة")),
        ],
        women: 0.15,
    },
    Origin {
        country: "RO",
        languages: &["ro", "it"],
        names: &[
            m(&["Ionuț", "Ionut"], None),
            m(&["Mihai"], None),
            m(&["Ștefan", "Stefan"], None),
            m(&["Florin"], None),
            m(&["Gheorghe", "Gheorghiță"], None),
            w(&["Elena"], None),
            w(&["Ioana"], None),
            w(&["Maricica"], None),
        ],
        women: 0.4,
    },
    Origin {
        country: "AL",
        languages: &["sq", "it"],
        names: &[
            m(&["Arbën", "Arben"], None),
            m(&["Ilir"], None),
            m(&["Gëzim", "Gezim"], None),
            m(&["Dritan"], None),
            m(&["Besnik"], None),
            w(&["Blerina"], None),
        ],
        women: 0.2,
    },
    Origin {
        country: "UA",
        languages: &["uk", "ru"],
        names: &[
            m(&["Oleksandr", "Aleksandr"], Some("Олександр")),
            m(&["Mykola", "Nikolai"], Some("Микола")),
            m(&["Vasyl", "Vasily"], Some("Василь")),
            w(&["Iryna", "Irina"], Some("Ірина")),
            w(&["Olena", "Elena"], Some("Олена")),
            w(&["Tetiana", "Tatiana"], Some("Тетяна")),
        ],
        women: 0.6,
    },
    Origin {
        country: "EG",
        languages: &["ar"],
        names: &[
            m(&["Mahmoud", "Mahmud"], Some("محمود")),
            m(&["Ahmed", "Ahmad"], Some("أحمد")),
            m(&["Mostafa", "Mustafa"], Some("مصطفى")),
            m(&["Mohamed", "Muhammad"], Some("محمد")),
        ],
        women: 0.02,
    },
];

/// How workers tell people with the same name apart (Italian, as they would write it).
pub const NICKNAMES: &[&str] = &[
    "della serra",
    "del furgone",
    "col cappello",
    "della stazione",
    "del mercato",
    "della bici",
    "del magazzino",
    "del campo",
    "dello zaino rosso",
];

/// Where people are usually found ("{}" is the town).
pub const USUAL_PLACES: &[&str] = &[
    "fermata dell'autobus, {}",
    "piazzale della stazione di {}",
    "bar vicino al mercato, {}",
    "campi lungo la provinciale, {}",
    "ingresso del magazzino, {}",
    "rotonda della zona industriale, {}",
    "casolare fuori {}",
    "parcheggio del supermercato, {}",
];

/// Workplaces in a worker's words, by sector.
pub fn workplaces(sector: Sector) -> &'static [&'static str] {
    match sector {
        Sector::Agriculture => &[
            "serra",
            "vigneto",
            "raccolta pomodori",
            "campo di meloni",
            "frutteto",
            "stalla",
            "raccolta ortaggi",
        ],
        Sector::Logistics => &[
            "magazzino",
            "hub corrieri",
            "piattaforma GDO",
            "cella frigorifera",
        ],
        Sector::Construction => &["cantiere edile", "cantiere stradale"],
        Sector::Hospitality => &["ristorante", "albergo", "cucina di una pizzeria"],
        Sector::Domestic => &["assistenza familiare", "pulizie in casa"],
        Sector::Manufacturing => &["capannone tessile", "officina", "macello"],
        Sector::Other => &["lavoro a chiamata", "volantinaggio"],
    }
}

/// Short synthetic notes for an observed indicator.
pub fn indicator_note(i: Indicator) -> &'static str {
    match i {
        Indicator::AbuseOfVulnerability => "Senza documenti, dipende dal datore per l'alloggio",
        Indicator::Deception => "Promesso un contratto regolare mai firmato",
        Indicator::RestrictionOfMovement => "Non può lasciare l'alloggio la sera",
        Indicator::Isolation => "Portato al lavoro in furgone, non conosce il paese",
        Indicator::PhysicalSexualViolence => "Riferisce spintoni dal caposquadra",
        Indicator::IntimidationThreats => "Minacciato di licenziamento se parla con qualcuno",
        Indicator::RetentionOfDocuments => "Il passaporto è tenuto dal caporale",
        Indicator::WithholdingOfWages => "Paga di 3-4 € l'ora, versata in ritardo",
        Indicator::DebtBondage => "Debito per viaggio e posto letto trattenuto dalla paga",
        Indicator::AbusiveConditions => "Alloggio sovraffollato, senza acqua corrente",
        Indicator::ExcessiveOvertime => "Turni di 11-12 ore, sette giorni su sette",
    }
}

/// Short synthetic contact notes.
pub const NOTES: &[&str] = &[
    "Incontro all'alba prima della partenza per i campi.",
    "Chiede informazioni sul permesso di soggiorno.",
    "Stanco, riferisce turni lunghi. Ripassare la settimana prossima.",
    "Accompagnato da un connazionale che traduce.",
    "Dato il numero dello sportello. Interessato a un corso di italiano.",
    "Riferisce dolore alla schiena, non ha medico di base.",
    "Prima volta che incontriamo il gruppo in questa zona.",
    "Chiede dove dormire stanotte.",
    "Ha paura di perdere il lavoro se parla con noi.",
    "Vuole sapere come recuperare la paga arretrata.",
    "",
    "",
    "",
];

/// Outcome notes of closed referrals.
pub const OUTCOMES: &[&str] = &[
    "Preso in carico dal servizio.",
    "Ha ricevuto il pasto e il kit.",
    "Appuntamento svolto, segue percorso.",
    "Non si è presentato, ricontattare.",
    "Rinviato ad altro servizio della rete.",
    "Pratica avviata.",
];

/// Document situations, with relative weights.
pub const DOCUMENTS: &[(DocumentStatus, f64)] = &[
    (DocumentStatus::ResidencePermit, 3.0),
    (DocumentStatus::Expired, 2.0),
    (DocumentStatus::NoDocument, 2.0),
    (DocumentStatus::IdentityDocument, 1.0),
    (DocumentStatus::WithheldByEmployer, 0.8),
    (DocumentStatus::Unknown, 1.2),
];
