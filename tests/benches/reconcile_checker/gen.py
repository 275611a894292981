#!/usr/bin/env python3
"""Independent generator of a synthetic PUA population with planted duplicates and look-alikes.

usage: gen.py --seed S --n N [--mix normal|hard|nophone] --out PREFIX
writes PREFIX.jsonl (exchange format) and PREFIX.truth.json
"""
import argparse, json, math, random, datetime as dt
from names import ORIGINS, CN_SYLL, CN_ITALIAN, NICKNAMES

# --------------------------------------------------------------- knobs per mix
MIXES = {
    "normal": dict(la_rate=0.12, dup1=0.14, dup2=0.03, p_phone=0.65, p_phone_rec=0.75, p_newsim=0.15,
                   p_year_missing=0.12, p_est=0.35, p_native_only=0.30, p_native_plus=0.15,
                   p_typo=0.20, p_drop=0.25, p_reorder=0.25, p_var=0.35, p_near=0.35,
                   p_contacts=0.9, p_other_team=0.7, year_out=0.0),
    # harder: more native-only, more typos/drops, fewer phones, more look-alikes, some ±3 years
    "hard": dict(la_rate=0.25, dup1=0.14, dup2=0.03, p_phone=0.45, p_phone_rec=0.6, p_newsim=0.25,
                 p_year_missing=0.25, p_est=0.6, p_native_only=0.45, p_native_plus=0.1,
                 p_typo=0.35, p_drop=0.35, p_reorder=0.35, p_var=0.5, p_near=0.25,
                 p_contacts=0.8, p_other_team=0.8, year_out=0.0),
    # names + demographics only: no phone, no contact (geo)
    "nophone": dict(la_rate=0.12, dup1=0.14, dup2=0.03, p_phone=0.0, p_phone_rec=0.0, p_newsim=0.0,
                    p_year_missing=0.12, p_est=0.35, p_native_only=0.30, p_native_plus=0.15,
                    p_typo=0.20, p_drop=0.25, p_reorder=0.25, p_var=0.35, p_near=0.0,
                    p_contacts=0.0, p_other_team=0.7, year_out=0.0),
}

TEAMS = {
    "T1": ("Bassa bergamasca", [("Treviglio", 45.521, 9.592), ("Caravaggio", 45.497, 9.643), ("Bergamo", 45.698, 9.677)]),
    "T2": ("Cremonese", [("Cremona", 45.133, 10.022), ("Casalmaggiore", 44.989, 10.416), ("Crema", 45.364, 9.686)]),
    "T3": ("Mantovano", [("Mantova", 45.156, 10.791), ("Viadana", 44.926, 10.520), ("Suzzara", 44.993, 10.745)]),
    "T4": ("Bresciano e Franciacorta", [("Brescia", 45.541, 10.212), ("Montichiari", 45.416, 10.392), ("Erbusco", 45.597, 9.972)]),
    "T5": ("Lodigiano e Pavese", [("Lodi", 45.314, 9.503), ("Casalpusterlengo", 45.178, 9.651), ("Pavia", 45.185, 9.160)]),
    "T6": ("Lomellina e Oltrepo", [("Vigevano", 45.317, 8.857), ("Mortara", 45.250, 8.738), ("Broni", 45.064, 9.262)]),
    "T7": ("Milano logistica", [("Milano Corvetto", 45.440, 9.222), ("Peschiera Borromeo", 45.433, 9.311), ("Rho", 45.528, 9.040)]),
}

SCRIPT_OF = {}


class Entry:
    def __init__(self, s, scripts):
        lat, _, nat = s.partition("=")
        self.latin = [x for x in lat.split("|") if x]
        self.native = {}
        if nat.strip():
            for sc, forms in zip(scripts, nat.split(";")):
                self.native[sc] = [f for f in forms.split("|") if f]
        self.key = self.latin[0]

    def __repr__(self):
        return self.key


def parse_list(txt, scripts):
    return [Entry(l.strip(), scripts) for l in txt.strip().splitlines() if l.strip()]


class Origin:
    def __init__(self, key, d):
        self.key = key
        self.d = d
        sc = d["scripts"]
        self.gm = parse_list(d["gm"], sc)
        self.gf = parse_list(d["gf"], sc)
        self.fam = parse_list(d["fam"], sc)
        self.famf = parse_list(d["famf"], sc) if "famf" in d else None
        self.prefix = (Entry(d["prefix"][0], sc), d["prefix"][1]) if "prefix" in d else None
        self.singh = Entry(d["singh"], sc) if "singh" in d else None
        self.kaur = Entry(d["kaur"], sc) if "kaur" in d else None
        z = d.get("zipf", 0.7)
        boost = d.get("boost", {})

        def w(lst):
            return [boost.get(e.key, 1.0) / (i + 1) ** z for i, e in enumerate(lst)]
        self.wgm, self.wgf, self.wfam = w(self.gm), w(self.gf), w(self.fam)
        self.wfamf = w(self.famf) if self.famf else None
        # long tail of family names: derived "Ben X" / "Ait X" (Maghreb) and father's-name surnames (EG/PK/BD)
        self.derived = []
        for pre, npre, p in d.get("derived", []):
            lst = []
            for e in self.gm:
                x = e.latin[0]
                if " " in x:
                    continue
                ent = Entry("x", sc)
                if pre == "Ben":
                    ent.latin = ["Ben" + x.lower(), "Ben " + x, "Ben-" + x]
                else:
                    ent.latin = ["Ait " + x, "Aït " + x, "Ait-" + x, "Ait" + x.lower()]
                ent.native = {k: [npre + " " + v[0]] for k, v in e.native.items()}
                ent.key = ent.latin[0]
                lst.append(ent)
            self.derived.append((lst, p))
        self.fam_from_given = d.get("fam_from_given", 0.0)


ORI = {k: Origin(k, v) for k, v in ORIGINS.items()}


def wchoice(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


# --------------------------------------------------------------- identity
class Identity:
    pass


def make_name(rng, o, gender, given=None, family=None):
    """returns list of [slot, Entry, droppable]"""
    d = o.d
    if given is None:
        given = wchoice(rng, o.gf, o.wgf) if gender == "woman" else wchoice(rng, o.gm, o.wgm)
    toks = []
    if d.get("sikh"):
        r = rng.random()
        sk = o.kaur if gender == "woman" else o.singh
        clan = family or wchoice(rng, o.fam, o.wfam)
        if r < 0.55:
            toks = [["given", given, False], ["sk", sk, False]]
        elif r < 0.85:
            toks = [["given", given, False], ["sk", sk, True], ["family", clan, True]]
        else:
            toks = [["given", given, False], ["family", clan, False]]
        return toks
    if d.get("chinese"):
        fam = family or wchoice(rng, o.fam, o.wfam)
        return [["family", fam, False], ["given", given, False]]
    if o.prefix and gender == "man" and rng.random() < o.prefix[1]:
        toks.append(["prefix", o.prefix[0], True])
    toks.append(["given", given, False])
    pm = d.get("middle", 0.08)
    if gender == "man" and rng.random() < pm:
        mid = wchoice(rng, o.gm, o.wgm)
        if mid is not given:
            toks.append(["middle", mid, True])
    if family is None:
        if gender == "woman" and o.famf and rng.random() < 0.6:
            family = wchoice(rng, o.famf, o.wfamf)
        else:
            family = None
            r = rng.random()
            for lst, p in o.derived:
                if r < p:
                    family = rng.choice(lst)
                    break
                r -= p
            if family is None and rng.random() < o.fam_from_given:
                family = wchoice(rng, o.gm, o.wgm)
            if family is None:
                family = wchoice(rng, o.fam, o.wfam)
    toks.append(["family", family, False])
    return toks


def it_mobile(rng):
    pre = rng.choice([320, 324, 327, 328, 329, 331, 333, 334, 338, 339, 340, 342, 345, 346, 347, 348, 349,
                      350, 351, 366, 370, 371, 377, 380, 388, 389, 391, 392, 393])
    return "+39", "%d%07d" % (pre, rng.randrange(10 ** 7))


FOREIGN = {"MA": ("+212", lambda r: "6%08d" % r.randrange(10 ** 8)), "TN": ("+216", lambda r: "2%07d" % r.randrange(10 ** 7)),
           "EG": ("+20", lambda r: "10%08d" % r.randrange(10 ** 8)), "PK": ("+92", lambda r: "3%09d" % r.randrange(10 ** 9)),
           "IN": ("+91", lambda r: "9%09d" % r.randrange(10 ** 9)), "BD": ("+880", lambda r: "17%08d" % r.randrange(10 ** 8)),
           "SN": ("+221", lambda r: "77%07d" % r.randrange(10 ** 7)), "NG": ("+234", lambda r: "80%08d" % r.randrange(10 ** 8)),
           "RO": ("+40", lambda r: "7%08d" % r.randrange(10 ** 8)), "UA": ("+380", lambda r: "67%07d" % r.randrange(10 ** 7))}


def new_phone(rng, country):
    if country in FOREIGN and rng.random() < 0.12:
        cc, f = FOREIGN[country]
        return cc, f(rng)
    return it_mobile(rng)


def fmt_phone(rng, ph):
    cc, n = ph
    if cc == "+39":
        a, b = n[:3], n[3:]
        forms = ["+39 %s %s" % (a, b), n, "%s %s" % (a, b), "%s %s %s" % (a, b[:3], b[3:]), "+39" + n,
                 "0039 %s %s" % (a, b), "0039" + n, "%s-%s" % (a, b), "%s.%s.%s" % (a, b[:3], b[3:]),
                 "+39 %s %s %s" % (a, b[:3], b[3:]), "(+39) %s" % n, "+39-%s-%s" % (a, b), "39 %s" % n]
        w = [5, 6, 4, 3, 2, 1, 1, 1, 1, 2, 1, 1, 0.5]
        return rng.choices(forms, weights=w)[0]
    forms = ["%s %s" % (cc, n), cc + n, "00%s%s" % (cc[1:], n), "%s %s %s" % (cc, n[:3], n[3:])]
    return rng.choice(forms)


# --------------------------------------------------------------- rendering
LATIN_CONF = [("kh", "k"), ("ou", "u"), ("sh", "sc"), ("ph", "f"), ("w", "v"), ("y", "i"), ("ee", "i"),
              ("oo", "u"), ("gh", "g"), ("j", "g"), ("c", "k"), ("ck", "k"), ("ll", "l"), ("ss", "s"), ("dj", "g"),
              ("q", "k"), ("th", "t"), ("tch", "ch"), ("ie", "i")]


def typo(rng, s):
    if len(s) < 4:
        return s, None
    low = s.lower()
    r = rng.random()
    if r < 0.35:
        cands = [(a, b) for a, b in LATIN_CONF if a in low] + [(b, a) for a, b in LATIN_CONF if b in low and len(b) > 1]
        if cands:
            a, b = rng.choice(cands)
            i = low.index(a)
            rep = b.upper() if s[i:i + len(a)].isupper() and len(s) > 1 and s.isupper() else b
            if i == 0 and s[0].isupper():
                rep = rep[:1].upper() + rep[1:]
            return s[:i] + rep + s[i + len(a):], "phon:%s>%s" % (a, b)
    i = rng.randrange(1, len(s))
    r = rng.random()
    if r < 0.3:
        return s[:i] + s[i + 1:], "del"
    if r < 0.55:
        return s[:i] + s[i] + s[i:], "dup"
    if r < 0.8 and i < len(s) - 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:], "swap"
    vow = "aeiou"
    if s[i].lower() in vow:
        c = rng.choice([v for v in vow if v != s[i].lower()])
        c = c.upper() if s[i].isupper() else c
        return s[:i] + c + s[i + 1:], "vowel"
    return s[:i] + s[i + 1:], "del"


def pick_variant(rng, e, p_var):
    if len(e.latin) == 1 or rng.random() >= p_var:
        return e.latin[0]
    alts = e.latin[1:]
    w = [1 / (i + 1) ** 1.2 for i in range(len(alts))]
    return rng.choices(alts, weights=w)[0]


def render_latin(rng, ident, K, role):
    """role 'base' or 'dup'; returns (alias, ops)"""
    ops = []
    toks = [t for t in ident.name]
    if role == "dup":
        dropp = [t for t in toks if t[2]]
        if dropp and rng.random() < K["p_drop"]:
            t = rng.choice(dropp)
            toks = [x for x in toks if x is not t]
            ops.append("drop:" + t[0])
    p_var = K["p_var"] if role == "dup" else 0.2
    words = []
    for slot, e, _ in toks:
        v = pick_variant(rng, e, p_var)
        if v != e.latin[0]:
            ops.append("variant:%s>%s" % (e.latin[0], v))
        if ident.origin == "CN" and slot == "given" and v in CN_SYLL:
            r = rng.random()
            a, b = CN_SYLL[v]
            if r < 0.25:
                v = "%s %s" % (a, b); ops.append("cn_split")
            elif r < 0.4:
                v = "%s-%s" % (a, b.lower() if rng.random() < 0.5 else b); ops.append("cn_hyphen")
        words.append([slot, v])
    # order
    if ident.origin == "CN":
        if rng.random() < 0.4:
            words = [w for w in words if w[0] != "family"] + [w for w in words if w[0] == "family"]
            ops.append("given_first")
    elif rng.random() < (K["p_reorder"] if role == "dup" else 0.2):
        fam = [w for w in words if w[0] in ("family", "sk")]
        if fam:
            rest = [w for w in words if w[0] not in ("family", "sk")]
            words = fam + rest
            ops.append("family_first")
    # typo
    if rng.random() < (K["p_typo"] if role == "dup" else 0.05):
        cand = [w for w in words if len(w[1]) >= 4]
        if cand:
            w = rng.choice(cand)
            nv, op = typo(rng, w[1])
            if op:
                ops.append("typo:%s:%s>%s" % (op, w[1], nv))
                w[1] = nv
    # case
    r = rng.random()
    if r < 0.2:
        for w in words:
            if w[0] in ("family", "sk"):
                w[1] = w[1].upper()
        ops.append("upper_family")
    elif r < 0.25:
        for w in words:
            w[1] = w[1].upper()
        ops.append("upper_all")
    elif r < 0.28:
        for w in words:
            w[1] = w[1].lower()
        ops.append("lower_all")
    return " ".join(w[1] for w in words), ops


def render_native(rng, ident, K, role):
    o = ORI[ident.origin]
    scripts = o.d["scripts"]
    if not scripts:
        return None, []
    sc = scripts[0]
    if len(scripts) > 1 and rng.random() < (0.2 if ident.origin == "INpa" else 0.3):
        sc = scripts[1]
    toks = list(ident.name)
    ops = ["script:" + sc]
    if role == "dup":
        dropp = [t for t in toks if t[2]]
        if dropp and rng.random() < K["p_drop"] * 0.6:
            t = rng.choice(dropp)
            toks = [x for x in toks if x is not t]
            ops.append("drop:" + t[0])
    parts = []
    for slot, e, _ in toks:
        forms = e.native.get(sc)
        if not forms:
            return None, []
        f = forms[0] if len(forms) == 1 or rng.random() < 0.6 else rng.choice(forms[1:])
        if f != forms[0]:
            ops.append("native_alt")
        parts.append(f)
    sep = "" if sc == "han" else " "
    return sep.join(parts), ops


def make_aliases(rng, ident, K, role):
    """returns (aliases, ops, mode)"""
    o = ORI[ident.origin]
    has_native = bool(o.d["scripts"])
    if role == "base":
        a, ops = render_latin(rng, ident, K, "base")
        al = [a]
        mode = "latin"
        if has_native and rng.random() < 0.25:
            n, nops = render_native(rng, ident, K, "base")
            if n:
                al.append(n); ops += nops; mode = "latin+native"
        if rng.random() < 0.08:
            b, bops = render_latin(rng, ident, dict(K, p_var=0.8), "dup")
            if b != a:
                al.append(b); ops += ["alias2"] + bops
    else:
        r = rng.random()
        if has_native and r < K["p_native_only"]:
            n, ops = render_native(rng, ident, K, "dup")
            if n:
                al, mode = [n], "native"
            else:
                a, ops = render_latin(rng, ident, K, "dup"); al, mode = [a], "latin"
        elif has_native and r < K["p_native_only"] + K["p_native_plus"]:
            a, ops = render_latin(rng, ident, K, "dup")
            n, nops = render_native(rng, ident, K, "dup")
            al, mode = ([a, n], "latin+native") if n else ([a], "latin")
            ops += nops
        else:
            a, ops = render_latin(rng, ident, K, "dup"); al, mode = [a], "latin"
    # nickname / italian name
    gk = [t[1].key for t in ident.name if t[0] == "given"][0]
    if gk in NICKNAMES and rng.random() < 0.06:
        al.append(rng.choice(NICKNAMES[gk])); ops.append("nickname")
    if ident.origin == "CN" and rng.random() < 0.12:
        fam = [t[1].latin[0] for t in ident.name if t[0] == "family"][0]
        al.append("%s %s" % (ident.it_name, fam)); ops.append("italian_name")
    # de-dupe aliases keeping order
    seen, out = set(), []
    for x in al:
        if x not in seen:
            seen.add(x); out.append(x)
    return out, ops, mode


# --------------------------------------------------------------- geo/time
def jitter(rng, lat, lon, metres):
    ang = rng.random() * 2 * math.pi
    d = metres
    dlat = d * math.cos(ang) / 111320.0
    dlon = d * math.sin(ang) / (111320.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def haversine(a, b):
    R = 6371000
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))


ROME = dt.timezone(dt.timedelta(hours=2))
T0 = dt.datetime(2025, 1, 7, 8, 0, tzinfo=ROME)


def ts(t):
    # Never after yesterday: a contact in the future is refused on import.
    t = min(t, dt.datetime.now(ROME) - dt.timedelta(days=1))
    return t.strftime("%Y-%m-%dT%H:%M:%S+02:00")


# --------------------------------------------------------------- main generation
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--mix", default="normal")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    K = MIXES[args.mix]
    rng = random.Random("%s/%d" % (args.mix, args.seed))

    okeys = list(ORI)
    ow = [ORI[k].d["weight"] for k in okeys]
    exp_rec = (1 + K["la_rate"]) * (1 + K["dup1"] + 2 * K["dup2"])
    nbase = int(round(args.n / exp_rec))

    idents = []

    def new_identity(origin, gender=None):
        o = ORI[origin]
        I = Identity()
        I.id = "I%05d" % len(idents)
        I.origin = origin
        I.gender = gender or ("woman" if rng.random() < o.d["women"] else "man")
        I.country = o.d["country"]
        y = int(round(rng.gauss(1991, 8.5)))
        I.year = max(1962, min(2007, y))
        langs = [l for l, p in o.d["langs"] if rng.random() < p] or [o.d["langs"][0][0]]
        I.langs = langs
        I.phones = []
        if rng.random() < K["p_phone"]:
            I.phones.append(new_phone(rng, I.country))
            if rng.random() < K["p_newsim"]:
                I.phones.append(new_phone(rng, I.country))
        teams = list(o.d["areas"])
        I.home_team = wchoice(rng, teams, [o.d["areas"][t] for t in teams])
        I.home_place = rng.choice(TEAMS[I.home_team][1])
        I.it_name = rng.choice(CN_ITALIAN)
        I.la = None
        I.records = []
        I.name = None
        idents.append(I)
        return I

    for _ in range(nbase):
        org = wchoice(rng, okeys, ow)
        I = new_identity(org)
        I.name = make_name(rng, ORI[org], I.gender)

    # ---- planted look-alikes
    base = list(idents)
    nla = int(round(len(base) * K["la_rate"]))
    la_types = ["year", "country", "gender", "phone", "sibling", "similar"]
    la_w = [20, 12, 15, 15, 18, 20]
    for _ in range(nla):
        A = rng.choice(base)
        o = ORI[A.origin]
        t = wchoice(rng, la_types, la_w)
        if t == "gender":
            if A.origin == "INpa":
                uni = {e.key for e in o.gm} & {e.key for e in o.gf}
                if A.name[0][1].key not in uni:
                    t = "spouse"
            elif A.origin != "CN":
                t = "spouse"
        B = new_identity(A.origin, A.gender)
        B.la = {"type": t, "anchor": A.id}
        B.home_team, B.home_place = A.home_team, A.home_place
        if t == "year":
            B.name = [list(x) for x in A.name]
            B.year = max(1958, min(2008, A.year + rng.choice([-1, 1]) * rng.randint(4, 15)))
        elif t == "country":
            B.name = [list(x) for x in A.name]
            B.year = A.year + rng.randint(-2, 2)
            B.country = rng.choice(o.d["alt"])
        elif t == "gender":
            B.gender = "woman" if A.gender == "man" else "man"
            B.year = A.year + rng.randint(-2, 2)
            if A.origin == "INpa":
                nm = []
                for s, e, dr in A.name:
                    if s == "sk":
                        e = o.kaur if B.gender == "woman" else o.singh
                    nm.append([s, e, dr])
                B.name = nm
            else:  # CN: same family, same given
                B.name = [list(x) for x in A.name]
        elif t == "spouse":
            B.gender = "woman" if A.gender == "man" else "man"
            fam = [x[1] for x in A.name if x[0] in ("family",)]
            B.name = make_name(rng, o, B.gender, family=fam[0] if fam else None)
            B.year = A.year + rng.randint(-6, 6)
            if A.phones and rng.random() < 0.5:
                B.phones = [A.phones[0]]
                B.la["shared_phone"] = True
        elif t == "phone":
            B.name = [list(x) for x in A.name]
            B.year = A.year + rng.randint(-1, 1)
            if not A.phones:
                A.phones = [new_phone(rng, A.country)]
            B.phones = [new_phone(rng, B.country)]
        elif t == "sibling":
            fam = [x[1] for x in A.name if x[0] in ("family",)]
            for _k in range(10):
                B.name = make_name(rng, o, B.gender, family=fam[0] if fam else None)
                if B.name[0][1] is not A.name[0][1] and [x[1] for x in B.name if x[0] == "given"] != [x[1] for x in A.name if x[0] == "given"]:
                    break
            if o.d.get("sikh"):  # siblings share the Singh/Kaur+clan structure
                B.name = [[s, e, dr] for s, e, dr in A.name]
                g = [x for x in B.name if x[0] == "given"][0]
                lst = o.gf if B.gender == "woman" else o.gm
                g[1] = rng.choice([e for e in lst if e.key != A.name[0][1].key])
            B.year = A.year + rng.choice([-1, 1]) * rng.randint(1, 8)
            if A.phones and rng.random() < 0.5:
                B.phones = [A.phones[0]]
                B.la["shared_phone"] = True
        elif t == "similar":
            lst = o.gf if A.gender == "woman" else o.gm
            gA = [x for x in A.name if x[0] == "given"][0][1]
            def close(a, b):
                a, b = a.lower(), b.lower()
                return a != b and (a[:3] == b[:3] or lev(a, b) <= 2)
            cands = [e for e in lst if close(e.key, gA.key)]
            if not cands:
                cands = [e for e in lst if e is not gA]
            g = rng.choice(cands)
            B.name = [[s, (g if s == "given" else e), dr] for s, e, dr in A.name]
            B.year = A.year + rng.randint(-3, 3)
            B.la["similar"] = "%s~%s" % (gA.key, g.key)
        B.langs = A.langs if rng.random() < 0.6 else B.langs

    # ---- records
    persons, contacts = [], []
    pid = [0]
    cid = [0]
    truth = {"mix": args.mix, "seed": args.seed, "records": {}, "identities": {}}

    def rec_year(I):
        if rng.random() < K["p_year_missing"]:
            return None, None
        if rng.random() < K["p_est"]:
            return I.year + rng.randint(-1, 1), True
        return I.year, False

    def add_contacts(I, P, team, t0, near=None):
        out = []
        if near is not None:
            (lat, lon), tnear = near
            d = rng.uniform(30, 1500)
            la, lo = jitter(rng, lat, lon, d)
            tt = tnear + dt.timedelta(days=rng.randint(0, 7), minutes=rng.randint(0, 300))
            out.append((la, lo, tt))
            t0 = tt
        elif rng.random() < K["p_contacts"]:
            place = I.home_place if team == I.home_team and rng.random() < 0.7 else rng.choice(TEAMS[team][1])
            la, lo = jitter(rng, place[1], place[2], rng.uniform(100, 4000))
            out.append((la, lo, t0))
        if out and rng.random() < 0.5:
            for _ in range(rng.randint(1, 2)):
                place = rng.choice(TEAMS[team][1])
                la, lo = jitter(rng, place[1], place[2], rng.uniform(100, 4000))
                out.append((la, lo, out[-1][2] + dt.timedelta(days=rng.randint(5, 90), minutes=rng.randint(0, 600))))
        res = []
        for la, lo, tt in out:
            cid[0] += 1
            c = {"type": "contact", "id": "C%06d" % cid[0], "team": team, "occurred_at": ts(tt),
                 "place": {"lat": la, "lon": lo}, "who": "person", "person": P["id"],
                 "channel": "street", "needs": [rng.choice(["food", "food"])]}
            contacts.append(c)
            res.append(((la, lo), tt))
        return res

    def make_record(I, role, team, near=None, tcreate=None):
        pid[0] += 1
        P = {"type": "person", "id": "P%06d" % pid[0], "team": team}
        al, ops, mode = make_aliases(rng, I, K, role)
        P["aliases"] = al
        y, est = rec_year(I)
        if y is not None:
            P["birth_year"] = y
            P["birth_year_estimated"] = est
        if rng.random() < 0.04:
            P["gender"] = "unknown" if rng.random() < 0.5 else None
            if P["gender"] is None:
                del P["gender"]
        else:
            P["gender"] = I.gender
        if rng.random() > 0.08:
            P["country"] = I.country
        if rng.random() > 0.1:
            ls = [l for l in I.langs if rng.random() < 0.8] or I.langs[:1]
            P["languages"] = ls
        ph = None
        if I.phones and rng.random() < K["p_phone_rec"]:
            ph = rng.choice(I.phones) if role == "dup" else I.phones[0]
            P["phone"] = fmt_phone(rng, ph)
        P["usual_place"] = I.home_place[0] if rng.random() < 0.7 else rng.choice(TEAMS[team][1])[0]
        P["consent"] = {"status": "given",
                        "at": None}
        if tcreate is None:
            tcreate = T0 + dt.timedelta(days=rng.randint(0, 500), minutes=rng.randint(0, 600))
        if near is not None:
            tcreate = near[1] - dt.timedelta(hours=1)
        P["created_at"] = ts(tcreate)
        P["consent"]["at"] = ts(tcreate)
        persons.append(P)
        cs = add_contacts(I, P, team, tcreate, near)
        I.records.append((P["id"], cs))
        truth["records"][P["id"]] = {"identity": I.id, "role": role, "ops": ops, "mode": mode,
                                     "phone_norm": (ph[0] + ph[1]) if ph else None, "near": near is not None}
        return P

    for I in idents:
        make_record(I, "base", I.home_team)
        # look-alikes: contacts near the anchor sometimes (same farm / same community)
    for I in idents:
        if I.la and I.la["type"] in ("sibling", "spouse", "year", "phone", "similar"):
            pass
    ndup_extra = []
    for I in idents:
        r = rng.random()
        k = 1 if r < K["dup1"] else (2 if r < K["dup1"] + K["dup2"] else 0)
        for _ in range(k):
            teams = list(ORI[I.origin].d["areas"])
            if rng.random() < K["p_other_team"] and len(teams) > 1:
                others = [t for t in teams if t != I.home_team] or [t for t in TEAMS if t != I.home_team]
                team = wchoice(rng, others, [ORI[I.origin].d["areas"].get(t, 1) for t in others])
            else:
                team = I.home_team
            near = None
            allc = [c for _, cs in I.records for c in cs]
            if allc and rng.random() < K["p_near"]:
                near = rng.choice(allc)
            make_record(I, "dup", team, near=near)
    # look-alike contacts near the anchor (same farm), 30%
    byid = {I.id: I for I in idents}
    # (done after records so anchors have contacts)
    for I in idents:
        if I.la and rng.random() < 0.3:
            A = byid[I.la["anchor"]]
            allc = [c for _, cs in A.records for c in cs]
            if allc and I.records:
                near = rng.choice(allc)
                pid_ = I.records[0][0]
                P = [p for p in persons if p["id"] == pid_][0]
                cs = add_contacts(I, P, P["team"], near[1], near)
                I.records[0] = (pid_, I.records[0][1] + cs)
                truth["records"][pid_]["near_anchor"] = True
                I.la["near"] = True

    for I in idents:
        truth["identities"][I.id] = {"origin": I.origin, "gender": I.gender, "year": I.year, "country": I.country,
                                     "name": [[s, e.key] for s, e, _ in I.name], "phones": [a + b for a, b in I.phones],
                                     "la": I.la, "records": [r for r, _ in I.records]}

    with open(args.out + ".jsonl", "w") as f:
        for t, (name, _) in TEAMS.items():
            f.write(json.dumps({"type": "team", "id": t, "name": name, "area": name}, ensure_ascii=False) + "\n")
        lines = persons + contacts
        rng.shuffle(lines)
        for x in lines:
            f.write(json.dumps(x, ensure_ascii=False) + "\n")
    with open(args.out + ".truth.json", "w") as f:
        json.dump(truth, f, ensure_ascii=False)
    npairs = sum(len(v["records"]) * (len(v["records"]) - 1) // 2 for v in truth["identities"].values())
    print("persons=%d contacts=%d identities=%d lookalike_ids=%d true_pairs=%d" %
          (len(persons), len(contacts), len(idents), nla, npairs))


def lev(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


if __name__ == "__main__":
    main()
