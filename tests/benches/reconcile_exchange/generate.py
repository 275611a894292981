#!/usr/bin/env python3
"""A synthetic PUA exchange file for measuring reconciliation from the outside, written
without the engine's tables: persons of five origins (names in Latin letters and in
their own scripts), each met one to three times, with planted duplicates (the name in
another script or spelling, or in lower case; the birth year up to two years off or
missing; the phone retyped or missing; the usual place kept or not; 30% met again within
a day) and planted look-alikes (the same or a similar name, born 6 to 20 years apart, or
from another country, or of the other gender).

    generate.py SEED PERSONS DUPLICATES LOOK_ALIKES OUT.jsonl

writes OUT.jsonl and OUT.jsonl.truth.json (which identity each person line is)."""
import datetime, json, random, sys

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
N = int(sys.argv[2]) if len(sys.argv) > 2 else 600
NDUP = int(sys.argv[3]) if len(sys.argv) > 3 else 60
NLOOK = int(sys.argv[4]) if len(sys.argv) > 4 else 40
out = sys.argv[5] if len(sys.argv) > 5 else "reconcile_exchange.jsonl"
rnd = random.Random(seed)

# (latin first, [variants], other-script) ; surnames likewise
GROUPS = {
    "arab": dict(
        country=["MA", "TN", "EG", "DZ"], langs=["ar", "fr"],
        men=[("Mohamed", ["Muhammad", "Mohammed", "Mohamad"], "محمد"), ("Ahmed", ["Ahmad"], "أحمد"),
             ("Youssef", ["Yusuf", "Youssouf"], "يوسف"), ("Karim", ["Kareem"], "كريم"), ("Omar", ["Umar"], "عمر"),
             ("Hassan", ["Hasan"], "حسن"), ("Ibrahim", ["Brahim"], "إبراهيم"), ("Khalid", ["Khaled"], "خالد"),
             ("Said", ["Saeed"], "سعيد"), ("Mustafa", ["Mostafa"], "مصطفى"), ("Abdelkader", ["Abdel Kader"], "عبد القادر"),
             ("Rachid", ["Rashid"], "رشيد"), ("Hamza", ["Hamsa"], "حمزة"), ("Tarek", ["Tariq"], "طارق")],
        women=[("Fatima", ["Fatma", "Fatimah"], "فاطمة"), ("Aicha", ["Aisha", "Aysha"], "عائشة"),
               ("Khadija", ["Khadidja"], "خديجة"), ("Samira", ["Sameera"], "سميرة"), ("Nadia", ["Nadiya"], "نادية")],
        last=[("El Amrani", ["Amrani"], "العمراني"), ("Benali", ["Ben Ali"], "بن علي"), ("Haddad", ["Hadad"], "حداد"),
              ("Mansour", ["Mansur"], "منصور"), ("Bouzid", ["Bouzide"], "بوزيد"), ("Cherif", ["Sharif"], "شريف"),
              ("Saidi", ["Saydi"], "السعيدي"), ("Tahiri", ["Tahery"], "الطاهري"), ("Ouali", ["Wali"], "والي"),
              ("Najjar", ["Nagar"], "نجار"), ("Karimi", ["Kerimi"], "كريمي"), ("Alaoui", ["Alawi"], "العلوي")]),
    "punjab": dict(
        country=["IN"], langs=["pa", "hi"],
        men=[("Gurpreet", ["Gurpret"], "ਗੁਰਪ੍ਰੀਤ"), ("Harpreet", ["Harprit"], "ਹਰਪ੍ਰੀਤ"), ("Manjit", ["Manjeet"], "ਮਨਜੀਤ"),
             ("Sukhwinder", ["Sukhvinder"], "ਸੁਖਵਿੰਦਰ"), ("Jaswinder", ["Jasvinder"], "ਜਸਵਿੰਦਰ"), ("Rajesh", ["Rajes"], "राजेश"),
             ("Amit", ["Ameet"], "अमित"), ("Sunil", ["Suneel"], "सुनील")],
        women=[("Harjit", ["Harjeet"], "ਹਰਜੀਤ"), ("Simran", ["Simren"], "ਸਿਮਰਨ"), ("Priya", ["Pria"], "प्रिया")],
        last=[("Singh", ["Sing"], "ਸਿੰਘ"), ("Kaur", ["Kour"], "ਕੌਰ"), ("Kumar", ["Kumaar"], "कुमार"), ("Sharma", ["Sarma"], "शर्मा"),
              ("Gill", ["Gil"], "ਗਿੱਲ"), ("Sandhu", ["Sandu"], "ਸੰਧੂ"), ("Dhillon", ["Dhilon"], "ਢਿੱਲੋਂ")]),
    "westafrica": dict(
        country=["SN", "ML", "GN", "CI", "NG"], langs=["fr", "wo", "en"],
        men=[("Mamadou", ["Mamadu"], None), ("Ousmane", ["Usman", "Ousman"], None), ("Moussa", ["Musa"], None),
             ("Ibrahima", ["Ibrahim"], None), ("Abdoulaye", ["Abdulai"], None), ("Seydou", ["Seidou"], None),
             ("Lamine", ["Lamin"], None), ("Bakary", ["Bakari"], None), ("Modou", ["Modu"], None), ("Cheikh", ["Sheikh"], None),
             ("Chinedu", ["Chinedou"], None), ("Emeka", ["Emeca"], None)],
        women=[("Aminata", ["Aminatou"], None), ("Mariama", ["Mariame"], None), ("Fatoumata", ["Fatumata"], None),
               ("Blessing", ["Blesing"], None)],
        last=[("Diallo", ["Jallow", "Djallo"], None), ("Ba", ["Bah"], None), ("Traore", ["Traoré"], None),
              ("Keita", ["Keïta"], None), ("Sow", ["Sowe"], None), ("Ndiaye", ["N'Diaye"], None), ("Camara", ["Kamara"], None),
              ("Sangare", ["Sangaré"], None), ("Coulibaly", ["Kulibali"], None), ("Okafor", ["Okafo"], None),
              ("Diop", ["Diope"], None), ("Fofana", ["Fofanah"], None)]),
    "east": dict(
        country=["UA", "RO", "MD", "AL"], langs=["uk", "ro", "ru", "sq"],
        men=[("Ivan", ["Iwan"], "Иван"), ("Oleksandr", ["Olexandr", "Aleksandr"], "Олександр"), ("Mykola", ["Nikolai"], "Микола"),
             ("Andrii", ["Andriy", "Andrei"], "Андрій"), ("Vasile", ["Vasyl"], "Василь"), ("Ion", ["Ioan"], None),
             ("Arben", ["Arbën"], None), ("Florin", ["Florian"], None)],
        women=[("Olena", ["Elena"], "Олена"), ("Natalia", ["Nataliya"], "Наталія"), ("Maria", ["Mariya"], "Марія"),
               ("Ioana", ["Joana"], None)],
        last=[("Petrenko", ["Petrenco"], "Петренко"), ("Kovalenko", ["Kovalenco"], "Коваленко"), ("Shevchenko", ["Sevcenco"], "Шевченко"),
              ("Popescu", ["Popesku"], None), ("Rusu", ["Russu"], None), ("Hoxha", ["Hodja"], None), ("Bondarenko", ["Bondarenco"], "Бондаренко"),
              ("Moraru", ["Moraro"], None), ("Tkachenko", ["Tkacenko"], "Ткаченко")]),
    "bangla": dict(
        country=["BD", "PK"], langs=["bn", "ur"],
        men=[("Rahim", ["Raheem"], "রহিম"), ("Karim", ["Kareem"], "করিম"), ("Abdul", ["Abdool"], "আব্দুল"),
             ("Rafiq", ["Rafik"], "রফিক"), ("Imran", ["Emran"], "ইমরান"), ("Shahid", ["Sahid"], "শহীদ")],
        women=[("Nasreen", ["Nasrin"], "নাসরিন"), ("Rukhsana", ["Ruksana"], "রুখসানা")],
        last=[("Hossain", ["Hussain", "Hosen"], "হোসেন"), ("Rahman", ["Rehman"], "রহমান"), ("Islam", ["Islaam"], "ইসলাম"),
              ("Uddin", ["Udin"], "উদ্দিন"), ("Ahmed", ["Ahmad"], "আহমেদ"), ("Khan", ["Kan"], "খান"), ("Miah", ["Mia"], "মিয়া")]),
}
WEIGHTS = {"arab": 3, "punjab": 2, "westafrica": 3, "east": 2, "bangla": 1.5}
SITES = [(45.30, 9.50), (45.55, 9.80), (45.10, 9.95), (45.65, 9.20), (45.40, 10.30), (45.20, 9.10)]
PLACES = ["Casalmaggiore", "Treviglio", "Lodi", "Crema", "Cremona", "Mantova", "Chiari", "Codogno", "Viadana", "Pavia"]
TEAMS = ["T1", "T2", "T3", "T4"]

lines = []
for t in TEAMS:
    lines.append(dict(type="team", id=t, name="Team " + t))

truth = {}  # person id -> identity
pid = 0
cid = 0


def new_identity():
    g = rnd.choices(list(GROUPS), [WEIGHTS[k] for k in GROUPS])[0]
    G = GROUPS[g]
    woman = rnd.random() < 0.25 and G["women"]
    first = rnd.choice(G["women"] if woman else G["men"])
    last = rnd.choice(G["last"])
    return dict(group=g, first=first, last=last, gender="woman" if woman else "man",
                year=rnd.randint(1965, 2006), country=rnd.choice(G["country"]),
                langs=rnd.sample(G["langs"], k=min(len(G["langs"]), rnd.randint(1, 2))),
                phone=("3%02d%07d" % (rnd.randint(20, 99), rnd.randint(0, 9999999))) if rnd.random() < 0.7 else None,
                place=rnd.choice(PLACES) if rnd.random() < 0.6 else None,
                site=rnd.choice(SITES))


def fmt_phone(p, style):
    if p is None:
        return None
    if style == 0:
        return p
    if style == 1:
        return "+39 " + p[:3] + " " + p[3:]
    if style == 2:
        return "0039" + p
    return p[:3] + "-" + p[3:6] + "-" + p[6:]


def emit_person(ident, team, alias, year, phone_style=0, keep_phone=True, keep_place=True, near=None):
    global pid, cid
    pid += 1
    p = "P%05d" % pid
    rec = dict(type="person", id=p, team=team, aliases=[alias], gender=ident["gender"], country=ident["country"],
               languages=ident["langs"], consent=dict(status="given", at="2025-03-01T10:00:00+01:00"),
               created_at="2025-03-01T10:00:00+01:00")
    if year is not None:
        rec["birth_year"] = year
    ph = fmt_phone(ident["phone"], phone_style) if keep_phone else None
    if ph:
        rec["phone"] = ph
    if keep_place and ident["place"]:
        rec["usual_place"] = ident["place"]
    lines.append(rec)
    truth[p] = ident["key"]
    # one to three contacts near the identity's site
    when = []
    for k in range(rnd.randint(1, 3)):
        cid += 1
        if near is not None and k == 0:
            lat, lon, day, hour = near
            lat += rnd.uniform(-0.002, 0.002)
            lon += rnd.uniform(-0.002, 0.002)
        else:
            lat = ident["site"][0] + rnd.uniform(-0.05, 0.05)
            lon = ident["site"][1] + rnd.uniform(-0.05, 0.05)
            day = rnd.randint(1, 300)
            hour = rnd.randint(6, 18)
        when.append((lat, lon, day, hour))
        d = datetime.datetime(2025, 1, 1) + datetime.timedelta(days=day - 1, hours=hour)
        lines.append(dict(type="contact", id="C%06d" % cid, team=team, occurred_at=d.strftime("%Y-%m-%dT%H:%M:00+01:00"),
                          place=dict(lat=round(lat, 5), lon=round(lon, 5)), who="person", person=p, channel="street",
                          needs=["food"]))
    return p, when


def name_of(ident, script_first=False, script_last=False, variant_first=False, variant_last=False):
    f, fv, fs = ident["first"]
    l, lv, ls = ident["last"]
    a = fs if script_first and fs else (rnd.choice(fv) if variant_first else f)
    b = ls if script_last and ls else (rnd.choice(lv) if variant_last else l)
    return a + " " + b


idents = []
for i in range(N):
    ident = new_identity()
    ident["key"] = "I%d" % i
    idents.append(ident)
dups = set(rnd.sample(range(N), NDUP))
looks = set(rnd.sample([i for i in range(N) if i not in dups], NLOOK))
extra = []
for i, ident in enumerate(idents):
    team = rnd.choice(TEAMS)
    p, when = emit_person(ident, team, name_of(ident), ident["year"])
    if i in dups:
        other = rnd.choice([t for t in TEAMS if t != team]) if rnd.random() < 0.8 else team
        kind = rnd.random()
        if kind < 0.4:
            alias = name_of(ident, script_first=True, script_last=True)
        elif kind < 0.8:
            alias = name_of(ident, variant_first=rnd.random() < 0.7, variant_last=rnd.random() < 0.7)
        else:
            alias = name_of(ident).lower()
        year = ident["year"] + rnd.choice([0, 0, 1, -1, 2]) if rnd.random() < 0.9 else None
        near = when[0] if rnd.random() < 0.3 else None
        emit_person(ident, other, alias, year, phone_style=rnd.randint(0, 3), keep_phone=rnd.random() < 0.8,
                    keep_place=rnd.random() < 0.7, near=near)
    if i in looks:
        # a different person with the same or similar name
        o = dict(ident)
        o["key"] = "L%d" % i
        o["year"] = ident["year"] + rnd.choice([-1, 1]) * rnd.randint(6, 20)
        o["phone"] = ("3%02d%07d" % (rnd.randint(20, 99), rnd.randint(0, 9999999))) if rnd.random() < 0.7 else None
        o["place"] = rnd.choice(PLACES) if rnd.random() < 0.6 else None
        o["site"] = rnd.choice(SITES)
        r = rnd.random()
        if r < 0.3:
            o["country"] = rnd.choice([c for g in GROUPS.values() for c in g["country"] if c != ident["country"]])
        elif r < 0.45:
            o["gender"] = "woman" if ident["gender"] == "man" else "man"
        emit_person(o, rnd.choice(TEAMS), name_of(o, variant_first=rnd.random() < 0.3), o["year"])

rnd.shuffle(lines)
with open(out, "w") as f:
    for l in lines:
        f.write(json.dumps(l, ensure_ascii=False) + "\n")
with open(out + ".truth.json", "w") as f:
    json.dump(truth, f)
print("persons", len(truth), "lines", len(lines), file=sys.stderr)
