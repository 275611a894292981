#!/usr/bin/env python3
"""Checker's own generator of Strada exchange files (JSON Lines) with planted duplicates
and look-alikes, for measuring GET /api/persons/duplicates. Stdlib only.

usage: gen.py --seed S --persons N --out DIR [--mode full|plain]
writes DIR/data.jsonl (exchange file) and DIR/truth.json (who is who).
"""
import argparse, json, math, random, datetime as dt, os, sys
from zoneinfo import ZoneInfo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from names import ORIGINS, NICKNAMES, CN_ITALIAN

ROME = ZoneInfo("Europe/Rome")

PLACES = {  # key: (lat, lon, [usual_place spellings])
    "mi_centrale": (45.4861, 9.2045, ["Stazione Centrale", "Milano Centrale", "Centrale FS, Milano"]),
    "mi_loreto": (45.4857, 9.2161, ["Piazzale Loreto", "Loreto (Milano)", "P.le Loreto"]),
    "mi_padova": (45.4990, 9.2290, ["Via Padova", "via Padova, Milano"]),
    "mi_corvetto": (45.4400, 9.2236, ["Corvetto", "Piazzale Corvetto"]),
    "rho": (45.5311, 9.0403, ["Rho", "Rho Fiera", "stazione di Rho"]),
    "peschiera": (45.4330, 9.3130, ["Peschiera Borromeo magazzini", "Peschiera Borromeo", "polo logistico Peschiera"]),
    "landriano": (45.3110, 9.2630, ["Landriano logistica", "Landriano"]),
    "lodi": (45.3087, 9.4990, ["Lodi stazione", "Lodi"]),
    "casalpusterlengo": (45.1780, 9.6500, ["Casalpusterlengo", "Casale (LO)"]),
    "treviglio": (45.5150, 9.5880, ["Stazione di Treviglio", "Treviglio", "Treviglio FS"]),
    "caravaggio": (45.4970, 9.6430, ["Caravaggio", "campi di Caravaggio"]),
    "bergamo": (45.6903, 9.6756, ["Bergamo stazione", "Bergamo, piazzale stazione"]),
    "bs_stazione": (45.5325, 10.2130, ["Brescia stazione", "stazione di Brescia"]),
    "bs_viamilano": (45.5410, 10.1950, ["Brescia, via Milano", "via Milano BS"]),
    "erbusco": (45.5990, 9.9710, ["Erbusco vigneti", "Erbusco", "Franciacorta (Erbusco)"]),
    "castrezzato": (45.5110, 9.9840, ["Castrezzato", "cascine di Castrezzato"]),
    "desenzano": (45.4690, 10.5350, ["Desenzano del Garda", "Desenzano"]),
    "sirmione": (45.4940, 10.6080, ["Sirmione", "Sirmione hotel zona"]),
    "mantova": (45.1560, 10.7910, ["Mantova", "Mantova stazione"]),
    "viadana": (44.9270, 10.5210, ["Viadana", "meloni Viadana", "campi di Viadana"]),
    "sermide": (45.0050, 11.2940, ["Sermide", "Sermide e Felonica"]),
    "cremona": (45.1330, 10.0240, ["Cremona", "Cremona stazione"]),
    "casalmaggiore": (44.9880, 10.4160, ["Casalmaggiore", "Casalmaggiore (CR)"]),
    "pavia": (45.1860, 9.1550, ["Pavia", "Pavia stazione"]),
    "vigevano": (45.3170, 8.8590, ["Vigevano", "Vigevano centro"]),
    "voghera": (44.9920, 9.0090, ["Voghera", "Voghera stazione"]),
    "casteggio": (45.0140, 9.1270, ["Casteggio vigne", "Casteggio", "Oltrepò (Casteggio)"]),
    "sondrio": (46.1700, 9.8710, ["Sondrio", "Sondrio stazione"]),
    "tirano": (46.2160, 10.1690, ["Tirano meleti", "Tirano"]),
    "ponte": (46.1770, 9.9780, ["Ponte in Valtellina", "Ponte V."]),
    "livigno": (46.5380, 10.1350, ["Livigno", "Livigno alberghi"]),
    "como": (45.8080, 9.0850, ["Como San Giovanni", "Como stazione", "Como"]),
    "bellagio": (45.9870, 9.2610, ["Bellagio", "Bellagio alberghi"]),
    "varese": (45.8200, 8.8250, ["Varese", "Varese stazione"]),
}

TEAMS = [  # id, name, area, places, sector weights
    ("MI-NORD", "Unità di strada Milano Nord", "Milano nord, Rho", ["mi_centrale", "mi_loreto", "mi_padova", "rho"]),
    ("MI-SUD", "Unità mobile Sud Milano e Lodigiano", "Sud Milano, Lodi", ["mi_corvetto", "peschiera", "landriano", "lodi", "casalpusterlengo"]),
    ("BG-BASSA", "Servizio itinerante Bassa bergamasca", "Bassa bergamasca", ["treviglio", "caravaggio", "bergamo"]),
    ("BS-FRANC", "Strada Brescia e Franciacorta", "Brescia, Franciacorta", ["bs_stazione", "bs_viamilano", "erbusco", "castrezzato"]),
    ("GARDA", "Unità Garda", "Basso Garda", ["desenzano", "sirmione"]),
    ("MN-CR", "Unità mobile Mantova-Cremona", "Oglio Po, Mantovano", ["mantova", "viadana", "sermide", "cremona", "casalmaggiore"]),
    ("PV-OLTREPO", "Itinerante Pavia e Oltrepò", "Pavese, Oltrepò", ["pavia", "vigevano", "voghera", "casteggio"]),
    ("SO-VALT", "Unità Valtellina", "Valtellina", ["sondrio", "tirano", "ponte", "livigno"]),
    ("CO-VA", "Strada Como-Varese", "Lario, Varesotto", ["como", "bellagio", "varese"]),
]
PLACE_TEAM = {p: t[0] for t in TEAMS for p in t[3]}

# where each origin tends to be met (team weights) and in which sector
ORIGIN_TEAMS = {
    "IN_SIKH": {"MN-CR": 5, "BS-FRANC": 3, "BG-BASSA": 3, "MI-SUD": 1, "PV-OLTREPO": 1},
    "IN_HINDI": {"MI-SUD": 2, "MN-CR": 2, "BG-BASSA": 1},
    "PK": {"MI-SUD": 3, "MI-NORD": 2, "BS-FRANC": 2, "BG-BASSA": 2},
    "BD": {"MI-NORD": 3, "MI-SUD": 2, "GARDA": 1, "CO-VA": 1},
    "MA": {"BG-BASSA": 2, "BS-FRANC": 2, "PV-OLTREPO": 2, "MN-CR": 1, "MI-NORD": 1, "CO-VA": 1},
    "EG": {"MI-NORD": 3, "MI-SUD": 2, "CO-VA": 1},
    "TN": {"PV-OLTREPO": 2, "MI-SUD": 1, "GARDA": 1},
    "SN": {"PV-OLTREPO": 2, "BS-FRANC": 2, "MN-CR": 1, "SO-VALT": 1, "BG-BASSA": 1},
    "ML": {"MN-CR": 2, "PV-OLTREPO": 2, "SO-VALT": 1},
    "GM": {"MN-CR": 1, "PV-OLTREPO": 1, "SO-VALT": 2, "BG-BASSA": 1},
    "NG": {"MI-NORD": 2, "BS-FRANC": 1, "MN-CR": 1, "CO-VA": 1},
    "GH": {"MN-CR": 1, "BS-FRANC": 2, "BG-BASSA": 1},
    "RO": {"MN-CR": 2, "PV-OLTREPO": 1, "GARDA": 1, "SO-VALT": 1, "MI-SUD": 1},
    "AL": {"BG-BASSA": 1, "BS-FRANC": 1, "CO-VA": 1, "GARDA": 1},
    "UA": {"MI-NORD": 2, "CO-VA": 1, "GARDA": 1},
    "MD": {"MI-NORD": 1, "MI-SUD": 1, "GARDA": 1},
    "CN": {"MI-NORD": 2, "MI-SUD": 1},
}
ORIGIN_SECTORS = {
    "IN_SIKH": ["agriculture"], "IN_HINDI": ["agriculture", "logistics"], "PK": ["logistics", "hospitality", "construction"],
    "BD": ["hospitality", "logistics"], "MA": ["agriculture", "construction"], "EG": ["construction", "hospitality"],
    "TN": ["agriculture", "hospitality"], "SN": ["agriculture"], "ML": ["agriculture"], "GM": ["agriculture"],
    "NG": ["other", "agriculture"], "GH": ["agriculture", "manufacturing"], "RO": ["agriculture", "construction"],
    "AL": ["construction"], "UA": ["domestic"], "MD": ["domestic", "hospitality"], "CN": ["manufacturing"],
}
NEIGHBOUR_COUNTRY = {"GM": "SN", "SN": "GM", "ML": "SN", "MD": "RO", "RO": "MD", "PK": "IN", "IN": "PK", "BD": "IN",
                     "MA": "TN", "TN": "MA", "EG": "MA", "NG": "GH", "GH": "NG", "AL": "RO", "UA": "MD", "CN": "CN"}
COUNTRY_OTHER = {"MA": ["EG", "TN", "DZ"], "EG": ["MA", "TN", "SD"], "TN": ["MA", "EG", "DZ"], "PK": ["IN", "BD"],
                 "BD": ["PK", "IN"], "SN": ["ML", "GM", "GN"], "ML": ["SN", "GN", "BF"], "GM": ["SN", "GN"],
                 "IN": ["PK"], "NG": ["GH"], "GH": ["NG"], "RO": ["MD"], "MD": ["RO", "UA"], "UA": ["MD", "RU"],
                 "AL": ["MK", "GR"], "CN": ["TW"]}
PHONE_CC = {"RO": "40", "MD": "373", "UA": "380", "AL": "355", "MA": "212", "TN": "216", "EG": "20", "SN": "221",
            "GM": "220", "NG": "234", "GH": "233", "PK": "92", "BD": "880", "IN": "91", "ML": "223", "CN": "86"}
NEEDS = ["food", "shelter", "hygiene", "health", "legal_aid", "mediation", "housing", "job_orientation",
         "documents", "mobility", "protection", "training"]
NEED_W = [6, 3, 3, 4, 3, 3, 2, 4, 4, 1, 1, 1]
CHANNELS = ["street", "itinerant_unit", "desk", "listening_centre", "phone", "via_partner"]
CHANNEL_W = [10, 5, 2, 1, 1, 1]


def wchoice(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def wdict(rng, d):
    keys = [k for k in d if d[k][0] > 0]
    return wchoice(rng, keys, [d[k][0] for k in keys])


def variant(rng, tok, avoid=None):
    """pick a Latin spelling of a token (tok = T tuple); avoid: spelling not to repeat"""
    vs = [(v, w) for v, w in tok[2] if v != avoid]
    if not vs:
        return None
    return wchoice(rng, [v for v, _ in vs], [w for _, w in vs])


KEYB = "qwertyuiopasdfghjklzxcvbnm"


def typo(rng, s):
    if len(s) < 4:
        return s + s[-1]
    i = rng.randrange(1, len(s) - 1)
    k = rng.choice(["sub", "del", "dup", "swap"])
    if k == "sub":
        c = s[i].lower()
        if c in KEYB:
            j = KEYB.index(c)
            nc = KEYB[max(0, min(len(KEYB) - 1, j + rng.choice([-1, 1])))]
        else:
            nc = rng.choice("aeiou")
        return s[:i] + nc + s[i + 1:]
    if k == "del":
        return s[:i] + s[i + 1:]
    if k == "dup":
        return s[:i] + s[i] + s[i:]
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


class Gen:
    def __init__(self, seed, n, mode):
        self.rng = random.Random(seed)
        self.n = n
        self.mode = mode
        self.plain = mode == "plain"
        self.lines = []
        self.truth = {"mode": mode, "seed": seed, "records": {}, "lookalikes": [], "withdrawn": []}
        self.nrec = 0
        self.ncontact = 0
        self.ind_seq = 0
        self.used_phones = set()
        self.start = dt.datetime(2024, 3, 1, tzinfo=ROME)
        self.days = 600
        self.sessions = {}  # (team, place) -> list of datetimes

    # ---------------------------------------------------------------- identities
    def new_phone(self, country):
        rng = self.rng
        while True:
            if rng.random() < 0.85 or country not in PHONE_CC:
                d = "3" + rng.choice("2345679") + rng.choice("0123456789") + "".join(rng.choice("0123456789") for _ in range(7))
                ph = ("39", d)
            else:
                cc = PHONE_CC[country]
                ph = (cc, rng.choice("6789") + "".join(rng.choice("0123456789") for _ in range(8)))
            if ph not in self.used_phones:
                self.used_phones.add(ph)
                return ph

    def new_identity(self, origin=None, gender=None):
        rng = self.rng
        if origin is None:
            origin = wchoice(rng, list(ORIGINS), [ORIGINS[o]["weight"] for o in ORIGINS])
        o = ORIGINS[origin]
        if gender is None:
            gender = "woman" if rng.random() < o["women"] else "man"
        self.ind_seq += 1
        ind = {"ind": f"I{self.ind_seq:05d}", "origin": origin, "country": o["country"], "gender": gender}
        ind["tokens"] = self.make_name(origin, gender)
        # birth year: working-age migrants, peak late 1980s-1990s
        ind["year"] = max(1958, min(2007, int(rng.gauss(1991, 8))))
        ind["phone"] = self.new_phone(o["country"]) if rng.random() < 0.68 else None
        team = wchoice(rng, list(ORIGIN_TEAMS[origin]), list(ORIGIN_TEAMS[origin].values()))
        ind["team"] = team
        ind["place"] = rng.choice([t for t in TEAMS if t[0] == team][0][3])
        langs = [l for l, p in o["langs"] if rng.random() < p] or [o["langs"][0][0]]
        if rng.random() < 0.35 and "it" not in langs:
            langs.append("it")
        ind["langs"] = langs
        ind["sector"] = rng.choice(ORIGIN_SECTORS[origin])
        return ind

    def make_name(self, origin, gender, given_key=None, family_key=None):
        """list of (role, key, T) in the person's usual order"""
        rng = self.rng
        o = ORIGINS[origin]
        gd = o["given_f"] if gender == "woman" else o["given_m"]
        g = given_key if given_key in gd else wdict(rng, gd)
        toks = []
        if origin == "IN_SIKH":
            toks.append(("given", g, gd[g]))
            toks.append(("sk", "Kaur" if gender == "woman" else "Singh", o["kaur"] if gender == "woman" else o["singh"]))
            if family_key in o["family"] or rng.random() < 0.35:
                f = family_key if family_key in o["family"] else wdict(rng, o["family"])
                toks.append(("family", f, o["family"][f]))
            return toks
        fam = o.get("family_f") if gender == "woman" and o.get("family_f") else o["family"]
        if origin == "IN_HINDI" and gender == "woman":
            fam = {"Devi": o["family"]["Devi"][:0] + (3,) + o["family"]["Devi"][1:], "Kumari": (2, "कुमारी", [("Kumari", 1)])}
        f = family_key if family_key in fam else wdict(rng, fam)
        if "prefix" in o and gender == "man" and rng.random() < o["prefix"][2]:
            toks.append(("prefix", o["prefix"][0], o["prefix"][1]))
        toks.append(("given", g, gd[g]))
        if origin == "EG" and rng.random() < 0.5:  # father's name in the middle
            m = wdict(rng, o["given_m"])
            toks.append(("father", m, o["given_m"][m]))
        toks.append(("family", f, fam[f]))
        if o.get("family_first"):
            toks = [toks[-1]] + toks[:-1]
        return toks

    # ---------------------------------------------------------------- rendering
    def render_latin(self, tokens, spell=None):
        """spell: dict key->spelling to reuse (team habit); returns (string, spellings used)"""
        used = {}
        parts = []
        for role, key, tok in tokens:
            s = (spell or {}).get(key) or variant(self.rng, tok)
            used[key] = s
            parts.append(s)
        return " ".join(parts), used

    def render_native(self, origin, tokens):
        if any(t[2][1] is None for t in tokens):
            return None
        if ORIGINS[origin]["script"] == "han":
            return "".join(t[2][1] for t in tokens)
        return " ".join(t[2][1] for t in tokens)

    # ---------------------------------------------------------------- times and places
    def jitter(self, place, metres):
        lat, lon, _ = PLACES[place]
        r = metres * math.sqrt(self.rng.random())
        a = self.rng.random() * 2 * math.pi
        return (round(lat + r * math.cos(a) / 111_320, 6), round(lon + r * math.sin(a) / (111_320 * math.cos(math.radians(lat))), 6))

    def session(self, team, place):
        """outings of a team at a place: every 5-15 days at dawn or evening"""
        k = (team, place)
        if k not in self.sessions:
            rng = self.rng
            t = self.start + dt.timedelta(days=rng.randrange(0, 10))
            out = []
            while t < self.start + dt.timedelta(days=self.days):
                hour = rng.choice([5, 6, 6, 7, 8, 18, 19, 20])
                out.append(t.replace(hour=hour, minute=rng.choice([0, 10, 15, 30, 40, 45])))
                t += dt.timedelta(days=rng.randrange(5, 16))
            self.sessions[k] = out
        return self.sessions[k]

    def iso(self, t):
        t = t.astimezone(ROME)
        if self.rng.random() < 0.1:
            return t.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
        return t.isoformat()

    # ---------------------------------------------------------------- records
    def emit(self, obj):
        self.lines.append(obj)

    def add_record(self, ind, team, name_aliases, year, year_est, gender, country, langs, phone_str, usual_place,
                   contacts, role, tags=None, of=None, consent="given", documents=None):
        """contacts: list of (datetime, (lat, lon), place_key)"""
        self.nrec += 1
        rid = f"{team.lower()}-{self.rng.randrange(1000, 9999)}-{self.nrec:05d}"
        contacts = sorted(contacts)
        first = contacts[0][0]
        created = first - dt.timedelta(minutes=self.rng.randrange(0, 30))
        p = {"type": "person", "id": rid, "team": team, "aliases": name_aliases}
        if consent == "withdrawn":
            p["aliases"] = []
            p["consent"] = {"status": "withdrawn", "at": self.iso(contacts[-1][0] + dt.timedelta(days=1))}
        else:
            if year is not None:
                p["birth_year"] = year
                if year_est:
                    p["birth_year_estimated"] = True
            if gender is not None:
                p["gender"] = gender
            if country is not None:
                p["country"] = country
            if langs:
                p["languages"] = langs
            if phone_str:
                p["phone"] = phone_str
            if documents:
                p["documents"] = documents
            if usual_place:
                p["usual_place"] = usual_place
            p["consent"] = {"status": consent, "at": self.iso(created)}
        p["created_at"] = self.iso(created)
        self.emit(p)
        for (t, (lat, lon), pk) in contacts:
            self.ncontact += 1
            c = {"type": "contact", "id": f"c{self.ncontact:06d}", "team": team,
                 "author": f"educatore.{team.lower()}.{self.rng.randrange(1, 4)}",
                 "occurred_at": self.iso(t), "who": "person", "person": rid,
                 "channel": wchoice(self.rng, CHANNELS, CHANNEL_W), "needs": sorted(set(self.rng.choices(NEEDS, NEED_W, k=self.rng.randrange(1, 4))))}
            if self.rng.random() < 0.93:
                c["place"] = {"lat": lat, "lon": lon}
            if ind and self.rng.random() < 0.9:
                c["sector"] = ind["sector"]
            if ind and ind["langs"]:
                c["language"] = ind["langs"][0]
                c["mediator"] = "present" if self.rng.random() < 0.3 else "absent"
            self.emit(c)
        self.truth["records"][rid] = {"ind": ind["ind"] if ind else None, "role": role, "tags": tags or [], "of": of,
                                      "origin": ind["origin"] if ind else None, "consent": consent}
        return rid

    def fmt_phone(self, ph, style=None):
        cc, d = ph
        rng = self.rng
        if cc == "39":
            styles = ["+39 {a} {b}", "{a}{b}", "+39{a}{b}", "0039 {a} {b1} {b2}", "{a} {b1} {b2}", "{a}-{b}", "{a}.{b3}.{b4}.{b5}", "+39 {a}{b}", "{a} {b}"]
            if style is None:
                style = wchoice(rng, range(len(styles)), [4, 5, 1, 1, 2, 1, 1, 1, 3])
            f = styles[style]
            a, b = d[:3], d[3:]
            return style, f.format(a=a, b=b, b1=b[:3], b2=b[3:], b3=b[:2], b4=b[2:4], b5=b[4:])
        styles = ["+{cc} {a} {b}", "+{cc}{a}{b}", "00{cc} {a} {b}", "00{cc}{a}{b}", "0{a} {b}"]
        if style is None:
            style = wchoice(rng, range(len(styles)), [5, 3, 2, 1, 1 if not self.plain else 0])
        return style, styles[style].format(cc=cc, a=d[:3], b=d[3:])

    def contacts_for(self, team, place, n, around=None):
        """n contacts at outings of team near place; around=(t0, t1) restricts dates"""
        rng = self.rng
        ss = self.session(team, place)
        if around:
            cand = [s for s in ss if around[0] <= s <= around[1]] or ss
        else:
            cand = ss
        i0 = rng.randrange(len(cand))
        out = []
        for k in range(n):
            t = cand[min(len(cand) - 1, i0 + k * rng.randrange(1, 4))]
            out.append((t + dt.timedelta(minutes=rng.randrange(0, 50)), self.jitter(place, 350), place))
        return out

    def base_record(self, ind, role, team=None, place=None, tags=None, of=None, around=None):
        """an ordinary record of an identity, as a team writes it"""
        rng = self.rng
        team = team or ind["team"]
        place = place or ind["place"]
        name, spell = self.render_latin(ind["tokens"])
        aliases = [name]
        native = self.render_native(ind["origin"], ind["tokens"])
        if native and rng.random() < 0.2:
            aliases.append(native)
        if ind["origin"] == "CN" and rng.random() < 0.2:
            aliases.append(rng.choice(CN_ITALIAN))
        year, est = ind["year"], False
        r = rng.random()
        if r < 0.14:
            year = None
        elif r < 0.30:
            est = True
            if not self.plain:
                year = ind["year"] + rng.choice([-2, -1, 0, 0, 1, 2])
        gender = ind["gender"] if (self.plain or rng.random() < 0.96) else rng.choice([None, "unknown"])
        country = ind["country"] if (self.plain or rng.random() < 0.95) else None
        langs = ind["langs"][:] if rng.random() < 0.85 else ind["langs"][:1]
        phone = None
        pstyle = None
        if ind["phone"] and rng.random() < 0.85:
            pstyle, phone = self.fmt_phone(ind["phone"])
        up = rng.choice(PLACES[place][2]) if rng.random() < 0.85 else None
        cons = wchoice(rng, ["given", "not_asked", "refused"], [94, 5, 1])
        contacts = self.contacts_for(team, place, wchoice(rng, [1, 2, 3, 4], [45, 30, 15, 10]), around)
        rid = self.add_record(ind, team, aliases, year, est, gender, country, langs, phone, up, contacts, role, tags, of,
                              consent=cons, documents=rng.choice([None, "none", "unknown", "expired", "permit", "withheld"]))
        return rid, dict(team=team, place=place, spell=spell, aliases=aliases, year=year, est=est, gender=gender,
                         country=country, langs=langs, phone=phone, pstyle=pstyle, up=up, contacts=contacts)

    # ---------------------------------------------------------------- duplicates
    def dup_record(self, ind, orig_id, o):
        """the same identity recorded again, by another team (mostly) or the same one"""
        rng = self.rng
        tags = []
        # who records it, where, when
        other_team = rng.random() < 0.75
        near = rng.random() < (0.6 if self.plain else 0.4)
        if near:
            # met near the first record's place within days (same area visited by another unit, or same team again)
            t0, ll, pk = rng.choice(o["contacts"])
            team = nearest_other_team(pk, o["team"]) if other_team else o["team"]
            contacts = []
            for k in range(wchoice(rng, [1, 2, 3], [55, 30, 15])):
                dd = rng.randrange(0, 8) if k == 0 else rng.randrange(7, 61)
                tt = t0 + dt.timedelta(days=dd) if rng.random() < 0.7 else t0 - dt.timedelta(days=dd)
                tt = tt.astimezone(ROME).replace(hour=rng.choice([5, 6, 6, 7, 8, 18, 19, 20]), minute=rng.randrange(0, 60), second=0, microsecond=0)
                contacts.append((tt, self.jitter(pk, 300), pk))
            place = pk
            tags.append("met_near")
        else:
            # met elsewhere, weeks or months later (seasonal move) or by another team in its own area
            if other_team:
                tm = rng.choice([t for t in TEAMS if t[0] != o["team"]])
                team, place = tm[0], rng.choice(tm[3])
            else:
                team = o["team"]
                place = rng.choice([t for t in TEAMS if t[0] == team][0][3])
            contacts = self.contacts_for(team, place, wchoice(rng, [1, 2, 3], [55, 30, 15]))
            tags.append("met_elsewhere")
        tags.append("other_team" if team != o["team"] else "same_team")

        # ---------------- name
        origin = ind["origin"]
        native = self.render_native(origin, ind["tokens"])
        kinds = ["same", "spelling", "typo"] + (["script"] if native else [])
        w = [2, 4, 2] + ([3] if native else [])
        if not self.plain:
            kinds += ["order", "partial", "nickname"]
            w += [1.2, 1.0, 0.5]
        kind = wchoice(rng, kinds, w)
        spell = dict(o["spell"])
        toks = ind["tokens"]
        aliases = None
        if kind == "same":
            aliases = [self.render_latin(toks, spell)[0]]
        elif kind == "spelling":
            keys = [k for _, k, t in toks if len(t[2]) > 1]
            if not keys:
                kind = "same"
                aliases = [self.render_latin(toks, spell)[0]]
            else:
                for k in rng.sample(keys, rng.randrange(1, len(keys) + 1)):
                    tk = [t for _, kk, t in toks if kk == k][0]
                    spell[k] = variant(rng, tk, avoid=spell.get(k))
                aliases = [self.render_latin(toks, spell)[0]]
        elif kind == "typo":
            s = self.render_latin(toks, spell)[0]
            parts = s.split(" ")
            i = max(range(len(parts)), key=lambda j: len(parts[j]) + rng.random() * 3)
            parts[i] = typo(rng, parts[i])
            aliases = [" ".join(parts)]
        elif kind == "script":
            aliases = [native]
            if not self.plain and rng.random() < 0.3 and o["aliases"][0]:
                pass
        elif kind == "order":
            s, _ = self.render_latin(toks, spell)
            p = s.split(" ")
            # family name first, as on a document / as Italians write it
            if origin == "CN":
                aliases = [" ".join(p[1:] + p[:1])]
            else:
                aliases = [" ".join(p[-1:] + p[:-1])]
            if rng.random() < 0.4:
                aliases = [aliases[0].upper()]
        elif kind == "partial":
            roles = [r for r, _, _ in toks]
            keep = [t for t in toks if t[0] not in ("prefix", "father")]
            if len(keep) == len(toks):
                if origin == "IN_SIKH" and len(toks) > 2:
                    keep = toks[:2]  # clan dropped
                elif origin == "IN_SIKH":
                    keep = toks[:1]  # only "Gurpreet"
                else:
                    keep = [t for t in toks if t[0] == "given"]  # only the first name
            aliases = [self.render_latin(keep, spell)[0]]
        elif kind == "nickname":
            g = [k for r, k, _ in toks if r == "given"][0]
            nick = (NICKNAMES.get(g) or [g[:3] + "i"])[0]
            fam = [t for t in toks if t[0] in ("family", "sk")]
            aliases = [nick + (" " + self.render_latin(fam[:1], spell)[0] if fam and rng.random() < 0.6 else "")]
        tags.append("name_" + kind)
        if kind not in ("script",) and native and rng.random() < 0.15:
            aliases.append(native)
        # ---------------- birth year
        ty = ind["year"]
        oy = o["year"]
        r = rng.random()
        if r < 0.15:
            year, est = None, False
        elif r < 0.55:
            year, est = ty, rng.random() < 0.2
        elif r < 0.85 or self.plain:
            year, est = ty + rng.choice([-2, -1, 1, 2]), rng.random() < 0.5
        else:
            year, est = ty + rng.choice([-4, -3, 3, 4, 5]), True  # age guessed from the face
        if year is None or oy is None:
            tags.append("year_missing")
        else:
            d = abs(year - oy)
            if self.plain and d > 2:
                year = oy + (2 if year > oy else -2)
                d = 2
            tags.append("year_same" if d == 0 else ("year_pm1_2" if d <= 2 else "year_diff_3plus"))
        # ---------------- gender, country, languages
        gender = ind["gender"]
        if not self.plain:
            r = rng.random()
            if r < 0.06:
                gender = rng.choice([None, "unknown"])
                tags.append("gender_missing")
        else:
            gender = o["gender"] if o["gender"] in ("man", "woman") else ind["gender"]
        country = ind["country"]
        if not self.plain:
            r = rng.random()
            if r < 0.07:
                country = None
                tags.append("country_missing")
            elif r < 0.10:
                country = NEIGHBOUR_COUNTRY.get(country, country)
                tags.append("country_other")
        else:
            country = o["country"] or ind["country"]
        langs = [l for l in ind["langs"] if rng.random() < 0.8] or ind["langs"][:1]
        # ---------------- phone
        phone = None
        if ind["phone"]:
            r = rng.random()
            if r < (0.3 if not self.plain else 0.25):
                tags.append("phone_missing")
            else:
                if not self.plain and r > 0.88:
                    ph = self.new_phone(ind["country"])  # new SIM card
                    phone = self.fmt_phone(ph)[1]
                    tags.append("phone_changed")
                elif not self.plain and r > 0.85:
                    cc, d = ind["phone"]
                    i = rng.randrange(3, len(d))
                    d2 = d[:i] + str((int(d[i]) + rng.randrange(1, 9)) % 10) + d[i + 1:]
                    phone = self.fmt_phone((cc, d2))[1]
                    tags.append("phone_typo")
                else:
                    st, phone = self.fmt_phone(ind["phone"])
                    if o["phone"] is None:
                        tags.append("phone_missing")
                    elif st == 4 and ind["phone"][0] != "39":
                        tags.append("phone_national_format")
                    else:
                        tags.append("phone_same_text" if phone == o["phone"] else "phone_other_format")
        else:
            tags.append("phone_none")
        # ---------------- usual place
        if near and rng.random() < 0.7:
            up = rng.choice(PLACES[place][2])
        elif rng.random() < 0.8:
            up = rng.choice(PLACES[place][2])
        else:
            up = None
        if self.plain:
            up = o["up"] or rng.choice(PLACES[o["place"]][2])
        rid = self.add_record(ind, team, aliases, year, est, gender, country, langs, phone, up, contacts, "dup", tags, orig_id,
                              consent=wchoice(rng, ["given", "not_asked"], [96, 4]))
        return rid

    # ---------------------------------------------------------------- look-alikes
    def lookalike(self, model_ind, model_id, mo, cls):
        """a different person who resembles model record mo"""
        rng = self.rng
        origin = model_ind["origin"]
        ind = self.new_identity(origin, model_ind["gender"])
        g = [k for r, k, _ in model_ind["tokens"] if r == "given"][0]
        f = [k for r, k, _ in model_ind["tokens"] if r in ("family",)]
        f = f[0] if f else None
        same_name = lambda gender: self.make_name(origin, gender, g, f)
        ind["tokens"] = [t for t in model_ind["tokens"]]
        place, team = None, None
        if cls == "la_year":  # same name, born 8-30 years apart (father/son, uncle/nephew, namesake)
            dy = rng.randrange(8, 25)
            ind["year"] = model_ind["year"] + dy if model_ind["year"] + dy <= 2008 else model_ind["year"] - dy
            if rng.random() < 0.5:
                place, team = model_ind["place"], model_ind["team"]
        elif cls == "la_gender":  # same name, other gender (Gurpreet Singh / Gurpreet Kaur...)
            ind["gender"] = "woman" if model_ind["gender"] == "man" else "man"
            if origin == "IN_SIKH":
                ind["tokens"] = [(r, k, t) if r != "sk" else ("sk", "Kaur" if ind["gender"] == "woman" else "Singh",
                                                             ORIGINS[origin]["kaur"] if ind["gender"] == "woman" else ORIGINS[origin]["singh"])
                                 for r, k, t in model_ind["tokens"]]
            ind["year"] = model_ind["year"] + rng.randrange(-3, 4)
            if rng.random() < 0.5:
                place, team = model_ind["place"], model_ind["team"]
        elif cls == "la_country":  # same name, other country
            others = [c for c in COUNTRY_OTHER.get(model_ind["country"], [])]
            ind["country"] = rng.choice(others) if others else "DZ"
            ind["year"] = model_ind["year"] + rng.randrange(-3, 4)
        elif cls == "la_relative":  # brother/sister/cousin/spouse: family name, place, sessions, often the phone
            ind["gender"] = model_ind["gender"] if rng.random() < 0.7 else ("woman" if model_ind["gender"] == "man" else "man")
            gd = ORIGINS[origin]["given_f" if ind["gender"] == "woman" else "given_m"]
            gk = wdict(rng, {k: v for k, v in gd.items() if k != g} or gd)
            ind["tokens"] = self.make_name(origin, ind["gender"], gk, f)
            ind["year"] = model_ind["year"] + rng.choice([-1, 1]) * rng.randrange(1, 9)
            if model_ind["phone"] and rng.random() < 0.6:
                ind["phone"] = model_ind["phone"]
            place, team = model_ind["place"], model_ind["team"]
            ind["langs"] = model_ind["langs"]
        elif cls == "la_shared_phone":  # caporale's / house phone given by unrelated co-workers
            ind["tokens"] = self.make_name(origin, ind["gender"])  # their own name
            while [k for _, k, _ in ind["tokens"]] == [k for _, k, _ in model_ind["tokens"]]:
                ind["tokens"] = self.make_name(origin, ind["gender"])
            ind["phone"] = model_ind["phone"] or self.new_phone(model_ind["country"])
            place, team = model_ind["place"], model_ind["team"]
            ind["year"] = model_ind["year"] + rng.randrange(-6, 7)
        elif cls == "la_namesake":  # same common name, same country/gender, year within 2, other phone, elsewhere
            ind["year"] = model_ind["year"] + rng.randrange(-2, 3)
            ind["phone"] = self.new_phone(model_ind["country"]) if rng.random() < 0.7 else None
        elif cls == "la_similar":  # different but close given name, same family name
            gd = ORIGINS[origin]["given_f" if model_ind["gender"] == "woman" else "given_m"]
            cands = [k for k in gd if k != g and (k[-4:] == g[-4:] or k[:3] == g[:3] or lev(k, g) <= 2)]
            gk = rng.choice(cands) if cands else wdict(rng, gd)
            ind["tokens"] = self.make_name(origin, model_ind["gender"], gk, f)
            if model_ind["tokens"] and model_ind["tokens"][0][0] == "prefix" and ind["tokens"][0][0] != "prefix":
                ind["tokens"] = model_ind["tokens"][:1] + ind["tokens"]
            ind["year"] = model_ind["year"] + rng.randrange(-3, 4)
            if rng.random() < 0.4:
                place, team = model_ind["place"], model_ind["team"]
        ind["year"] = max(1950, min(2008, ind["year"]))
        if place:
            ind["place"], ind["team"] = place, team
        around = None
        if cls in ("la_relative", "la_shared_phone") and mo["contacts"]:
            t0 = mo["contacts"][0][0]
            around = (t0 - dt.timedelta(days=1), t0 + dt.timedelta(days=20))
        rid, o = self.base_record(ind, "lookalike", team=team, place=place, tags=[cls], of=model_id, around=around)
        self.truth["lookalikes"].append([rid, model_id, cls])
        return rid

    # ---------------------------------------------------------------- build
    def build(self):
        rng = self.rng
        n = self.n
        for tid, name, area, _ in TEAMS:
            self.emit({"type": "team", "id": tid, "name": name, "area": area})
        n_groups = int(0.17 * n)
        n_la = int(0.12 * n)
        n_wd = max(3, int(0.01 * n))
        models = []  # (ind, rid, o)
        dup_inds = []
        for _ in range(n_groups):
            ind = self.new_identity()
            rid, o = self.base_record(ind, "orig")
            models.append((ind, rid, o))
            extra = wchoice(rng, [1, 2, 3], [82, 14, 4])
            for _ in range(extra):
                self.dup_record(ind, rid, o)
            dup_inds.append((ind, rid, o))
        n_bg = n - self.nrec - n_la - n_wd
        for _ in range(max(0, n_bg)):
            ind = self.new_identity()
            rid, o = self.base_record(ind, "background")
            models.append((ind, rid, o))
        if self.plain:
            classes, cw = ["la_year", "la_gender", "la_country"], [4, 3, 3]
        else:
            classes = ["la_year", "la_gender", "la_country", "la_relative", "la_shared_phone", "la_namesake", "la_similar"]
            cw = [2, 1.5, 1.5, 2.5, 1, 2, 2]
        for _ in range(n_la):
            cls = wchoice(rng, classes, cw)
            if cls == "la_gender":
                pool = [m for m in models if m[0]["origin"] in ("IN_SIKH", "CN")] if not self.plain else models
            elif cls == "la_shared_phone":
                pool = [m for m in models if m[0]["phone"]]
            else:
                pool = models
            ind, rid, o = rng.choice(pool)
            self.lookalike(ind, rid, o, cls)
        # withdrawn consent: empty records, met at the same outings as others; some are people already recorded
        for i in range(n_wd):
            ind, rid, o = rng.choice(dup_inds if i % 2 == 0 else models)
            t0, ll, pk = o["contacts"][0]
            contacts = [(t0 + dt.timedelta(days=rng.uniform(0, 3)), self.jitter(pk, 200), pk)]
            wid = self.add_record(ind, PLACE_TEAM[pk], [], None, False, None, None, None, None, None, contacts,
                                  "withdrawn", ["withdrawn"], rid, consent="withdrawn")
            self.truth["withdrawn"].append(wid)
        rng.shuffle(self.lines)
        return self.lines


def nearest_other_team(pk, team):
    lat, lon, _ = PLACES[pk]
    best = None
    for tid, _, _, places in TEAMS:
        if tid == team:
            continue
        d = min((PLACES[p][0] - lat) ** 2 + ((PLACES[p][1] - lon) * 0.7) ** 2 for p in places)
        if best is None or d < best[0]:
            best = (d, tid)
    return best[1]


def lev(a, b):
    a, b = a.lower(), b.lower()
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--persons", type=int, default=1000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mode", choices=["full", "plain"], default="full")
    a = ap.parse_args()
    g = Gen(a.seed, a.persons, a.mode)
    lines = g.build()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "data.jsonl"), "w", encoding="utf-8") as f:
        for l in lines:
            f.write(json.dumps(l, ensure_ascii=False) + "\n")
    with open(os.path.join(a.out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(g.truth, f, ensure_ascii=False, indent=0)
    persons = sum(1 for l in lines if l["type"] == "person")
    contacts = sum(1 for l in lines if l["type"] == "contact")
    print(f"{a.out}: {persons} persons, {contacts} contacts, mode {a.mode}, seed {a.seed}")


if __name__ == "__main__":
    main()
