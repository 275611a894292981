#!/usr/bin/env python3
"""Synthetic outreach records with planted duplicates and planted look-alikes.
usage: gen.py SEED MODE(plain|field) N_BASE OUTDIR   -> OUTDIR/data.jsonl, OUTDIR/truth.json"""
import json, random, sys, os, datetime as dt, unicodedata
from names import ORIGINS, SCRIPT, TOWNS, TEAMS, WHERE, ANDES_2ND, GH_DAY_M, GH_DAY_F, NG_NICK

seed, MODE, NBASE, OUT = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
R = random.Random(seed)
os.makedirs(OUT, exist_ok=True)
NEEDS = ['food', 'shelter', 'hygiene', 'health', 'legal_aid', 'mediation', 'housing', 'job_orientation', 'documents', 'mobility', 'protection', 'training']
PREF = [320, 324, 327, 328, 329, 331, 333, 334, 338, 339, 340, 342, 345, 346, 347, 348, 349, 350, 351, 366, 371, 373, 377, 380, 388, 389, 391, 392, 393]
T0 = dt.datetime(2025, 1, 7, tzinfo=dt.timezone(dt.timedelta(hours=1)))
SIMILAR_COUNTRY = {'MA': ['TN', 'DZ', 'EG'], 'TN': ['MA', 'DZ'], 'EG': ['MA', 'SD', 'LY'], 'SN': ['GM', 'ML', 'GN'], 'GM': ['SN', 'GN'], 'ML': ['SN', 'GN', 'BF'],
                   'IN': ['PK'], 'PK': ['IN', 'AF'], 'BD': ['PK', 'IN'], 'NG': ['GH', 'CM'], 'GH': ['NG', 'CI'], 'RO': ['MD'], 'MD': ['RO', 'UA'],
                   'UA': ['MD', 'RU'], 'AL': ['MK', 'GR'], 'CN': ['TW'], 'ER': ['ET', 'SD'], 'ET': ['ER'], 'PE': ['EC', 'BO'], 'EC': ['PE', 'CO']}

def pick_origin():
    ks = list(ORIGINS); return R.choices(ks, [ORIGINS[k]['w'] for k in ks])[0]

def V(s): return s.split('|')

# ---------- identities -------------------------------------------------------------
def make_name(o, g, fam=None, given=None):
    """parts: list of [variants, role]; order as an outreach worker would write it for a first time"""
    O = ORIGINS[o]; b = O['builder']; man = g == 'man'
    gl = O['male'] if man else O['female']
    gv = V(given) if given else V(R.choice(gl))
    P = []
    if b == 'sikh':
        P.append([gv, 'given'])
        P.append([['Singh'] if man else ['Kaur'], 'family'])
        if fam: P[-1] = fam[0]
        clan = fam[1] if fam and len(fam) > 1 else ([V(R.choice(O['clans'])), 'family2'] if R.random() < .35 else None)
        if clan: P.append(clan)
    elif b == 'pk':
        if man and R.random() < .5: P.append([['Muhammad', 'Mohammad', 'Muhammed', 'Mohammed', 'M.'], 'prefix'])
        P.append([gv, 'given']); P.append(fam[0] if fam else [V(R.choice(O['surnames'])), 'family'])
    elif b == 'bd':
        if man and R.random() < .65: P.append([['Md.', 'Md', 'Mohammad', 'Mohammed', 'Muhammad'], 'prefix'])
        P.append([gv, 'given']); P.append(fam[0] if fam else [V(R.choice(O['surnames'])), 'family'])
    elif b in ('maghreb', 'wafr', 'ro', 'ua', 'al', 'nigeria'):
        P.append([gv, 'given']); P.append(fam[0] if fam else [V(R.choice(O['surnames'])), 'family'])
        if b == 'nigeria' and R.random() < .25:  # English + native given name
            P.insert(0, [V(R.choice(['Emmanuel', 'Godwin', 'Samuel', 'Daniel', 'Peter'] if man else ['Blessing', 'Joy', 'Mercy', 'Faith'])), 'english'])
    elif b == 'egypt':
        P.append([gv, 'given']); P.append([V(R.choice(O['male'])), 'father'])
        P.append(fam[0] if fam else [V(R.choice(O['surnames'] + O['male'])), 'family'])
    elif b == 'ghana':
        day = V(R.choice(GH_DAY_M if man else GH_DAY_F))
        if R.random() < .55: P.append([gv, 'english'])
        P.append([day, 'given']); P.append(fam[0] if fam else [V(R.choice(O['surnames'])), 'family'])
    elif b == 'cn':
        P.append(fam[0] if fam else [V(R.choice(O['surnames'])), 'family']); P.append([gv, 'given'])
    elif b == 'horn':
        P.append([gv, 'given']); P.append(fam[0] if fam else [V(R.choice(O['fathers'])), 'father'])
        if R.random() < .3: P.append([V(R.choice(O['fathers'])), 'grandfather'])
    elif b == 'andes':
        P.append([gv, 'given'])
        if gv[0] in ANDES_2ND and R.random() < .5: P.append([[ANDES_2ND[gv[0]]], 'given2'])
        if fam: P += fam
        else:
            s = R.sample(O['surnames'], 2); P.append([V(s[0]), 'family']); P.append([V(s[1]), 'family2'])
    return P

def fam_of(P): return [p for p in P if p[1] in ('family', 'family2', 'father')]

def phone_digits(): return '%d%07d' % (R.choice(PREF), R.randrange(10**7))

def fmt_phone(d, k=None):
    if d is None: return None
    if d.startswith('F'):  # foreign number, country code kept
        cc, n = d[1:].split(':'); k = R.randrange(3) if k is None else k % 3
        return ['+%s %s' % (cc, n), '00%s %s %s' % (cc, n[:5], n[5:]), '+%s%s' % (cc, n)][k]
    k = R.randrange(7) if k is None else k
    a, b = d[:3], d[3:]
    return ['+39 %s %s' % (a, b), a + b, '0039 %s %s %s' % (a, b[:3], b[3:]), '%s %s %s' % (a, b[:3], b[3:]), '+39' + a + b, '%s-%s' % (a, b),
            '%s.%s.%s.%s' % (a, b[:3], b[3:5], b[5:])][k]

CC = {'IN': '91', 'PK': '92', 'BD': '880', 'MA': '212', 'EG': '20', 'SN': '221', 'NG': '234', 'RO': '40', 'UA': '380', 'AL': '355', 'PE': '51'}
def new_phone(o):
    x = R.random()
    if x < .25: return None
    if x < .32 and o in CC: return 'F%s:%d' % (CC[o], R.randrange(10**8, 10**9) * 10 + R.randrange(10))
    return phone_digits()

def birth_year():
    age = min(62, max(17, int(R.gauss(31, 8))))
    return 2025 - age

def place_in(prov):
    t = R.choice(TOWNS[prov]); return prov, t

def place_text(prov, t, style=None):
    style = R.randrange(6) if style is None else style
    name = t[0]
    return [name, name + ' (%s)' % prov, 'Cascina %s, %s' % (R.choice(['San Marco', 'Bianca', 'Nuova', 'Colombara', 'Malpaga', 'Fornace']), name),
            name.lower(), 'campi vicino %s' % name, 'magazzino zona %s' % name][style]

def teams_for(prov): return [t for t, ps in TEAMS.items() if prov in ps]

_ids = [0]
def new_identity(o=None, g=None, **kw):
    _ids[0] += 1
    o = o or pick_origin(); O = ORIGINS[o]
    g = g or ('man' if R.random() < (.82 if o not in ('UA', 'MD', 'RO', 'NG') else .45) else 'woman')
    prov = R.choice(WHERE[o].split())
    I = dict(iid='I%04d' % _ids[0], origin=o, country=o, gender=g, parts=make_name(o, g, kw.get('fam'), kw.get('given')), year=birth_year(),
             langs=list(R.choice(O['langs'])), phone=new_phone(o), prov=prov, town=R.choice(TOWNS[prov]))
    return I

# ---------- rendering and distortions ---------------------------------------------
def strip_acc(s): return ''.join(c for c in unicodedata.normalize('NFD', s) if not unicodedata.combining(c))

def render(P, choice, order=None, upper_family=False):
    toks = []
    for i in (order or range(len(P))):
        t = P[i][0][choice[i]]
        if upper_family and P[i][1] in ('family', 'family2'): t = t.upper()
        toks.append(t)
    return ' '.join(toks)

PHON = [('ou', 'u'), ('u', 'ou'), ('ee', 'i'), ('i', 'ee'), ('y', 'i'), ('i', 'y'), ('w', 'v'), ('v', 'w'), ('k', 'c'), ('c', 'k'), ('ph', 'f'),
        ('sh', 'ch'), ('ch', 'sh'), ('kh', 'h'), ('gh', 'g'), ('j', 'dj'), ('dj', 'j'), ('q', 'k'), ('e', 'a'), ('a', 'e'), ('o', 'u')]
def phonetic(tok):
    for _ in range(30):
        a, b = R.choice(PHON)
        low = tok.lower()
        i = low.find(a, 1) if len(low) > 3 else -1
        if i < 0:
            # double / undouble a consonant
            for j in range(1, len(tok) - 1):
                if tok[j] == tok[j + 1] and tok[j].isalpha(): return tok[:j] + tok[j + 1:]
            continue
        return tok[:i] + b + tok[i + len(a):]
    j = R.randrange(1, len(tok)); return tok[:j] + tok[j - 1] + tok[j:]

KB = 'qwertyuiopasdfghjklzxcvbnm'
def typo(tok):
    if len(tok) < 4: return tok + tok[-1]
    j = R.randrange(1, len(tok) - 1); k = R.randrange(4)
    if k == 0: return tok[:j] + tok[j + 1:]
    if k == 1: return tok[:j] + tok[j] + tok[j:]
    if k == 2: return tok[:j] + tok[j + 1] + tok[j] + tok[j + 2:]
    c = tok[j].lower(); i = KB.find(c)
    n = KB[(i + R.choice([-1, 1])) % len(KB)] if i >= 0 else 'e'
    return tok[:j] + n + tok[j + 1:]

def nick_of(I):
    O = ORIGINS[I['origin']]; g = [p for p in I['parts'] if p[1] == 'given'][0][0][0]
    n = (O.get('nick') or {}).get(g) or NG_NICK.get(g)
    if I['origin'] == 'CN': n = R.choice(ORIGINS['CN']['italian_m' if I['gender'] == 'man' else 'italian_f'])
    return n

def can_script(P): return ORIGINS_SCRIPT(P) and all(p[0][0] in SCRIPT for p in P)
def ORIGINS_SCRIPT(P): return True

def alias_record(I, kind):
    """returns (aliases list, kind actually applied)"""
    P = I['parts']; n = len(P)
    choice = [0] * n
    if kind == 'orig':
        choice = [0 if R.random() < .75 else R.randrange(len(p[0])) for p in P]
        a = [render(P, choice, upper_family=R.random() < .08)]
        nk = nick_of(I)
        if nk and R.random() < .12: a.append(nk)
        return a, 'orig'
    if kind == 'exact':
        return [render(P, choice)], kind
    if kind == 'variant':
        idx = [i for i, p in enumerate(P) if len(p[0]) > 1]
        if not idx: return alias_record(I, 'phonetic')
        for i in R.sample(idx, 1 if len(idx) == 1 or R.random() < .6 else 2): choice[i] = R.randrange(1, len(P[i][0]))
        return [render(P, choice)], kind
    if kind == 'script':
        if ORIGINS[I['origin']].get('script') is None or not all(p[0][0] in SCRIPT for p in P): return alias_record(I, 'variant')
        sep = '' if I['origin'] == 'CN' else ' '
        s = sep.join(SCRIPT[p[0][0]] for p in P)
        return ([s, render(P, choice)] if R.random() < .0 else [s]), kind
    if kind == 'phonetic':
        i = R.choice([i for i, p in enumerate(P) if len(p[0][0]) > 2] or [0])
        toks = [p[0][0] for p in P]; toks[i] = phonetic(toks[i]); return [' '.join(toks)], kind
    if kind == 'typo':
        i = R.choice([i for i, p in enumerate(P) if len(p[0][0]) > 3] or [0])
        toks = [p[0][0] for p in P]; toks[i] = typo(toks[i]); return [' '.join(toks)], kind
    if kind == 'swap':
        fam = [i for i, p in enumerate(P) if p[1] in ('family', 'family2', 'father', 'grandfather')]
        rest = [i for i in range(n) if i not in fam]
        order = rest + fam if I['origin'] == 'CN' else fam + rest
        return [render(P, choice, order, upper_family=R.random() < .5)], kind
    if kind == 'first_only':
        if I['origin'] == 'CN': return alias_record(I, 'nickname')
        gi = [i for i, p in enumerate(P) if p[1] == 'given'][0]
        return [P[gi][0][0]], kind
    if kind == 'nickname':
        nk = nick_of(I)
        if not nk: return alias_record(I, 'first_only')
        fam = [p[0][0] for p in P if p[1] in ('family',)]
        return ([nk + ' ' + fam[0]] if fam and R.random() < .5 else [nk]), kind
    if kind == 'second_name':
        roles = [p[1] for p in P]
        drop = [i for i, p in enumerate(P) if p[1] in ('prefix', 'family2', 'given2', 'english', 'grandfather')]
        if I['origin'] == 'EG': drop.append(1)
        if drop:
            i = R.choice(drop); return [' '.join(p[0][0] for j, p in enumerate(P) if j != i)], kind
        # add one
        o = I['origin']; toks = [p[0][0] for p in P]
        if o == 'IN': toks.append(V(R.choice(ORIGINS['IN']['clans']))[0])
        elif o in ('PK', 'BD') and I['gender'] == 'man': toks.insert(0, 'Md.' if o == 'BD' else 'Muhammad')
        elif o == 'GH': toks.insert(0, V(R.choice(ORIGINS['GH']['male' if I['gender'] == 'man' else 'female']))[0])
        elif o in ('ER', 'ET'): toks.append(V(R.choice(ORIGINS[o]['fathers']))[0])
        elif o in ('PE', 'EC'): toks.append(V(R.choice(ORIGINS[o]['surnames']))[0])
        elif o in ('MA', 'TN'): toks.insert(0, 'Mohamed') if toks[0] != 'Mohamed' else toks.append('El ' + toks[-1])
        else: return alias_record(I, 'variant')
        return [' '.join(toks)], kind
    raise ValueError(kind)

# ---------- records ------------------------------------------------------------------
records, truth = [], {'records': {}, 'traps': [], 'mode': MODE, 'seed': seed}
_rid = [0]
def emit(I, aliases, team, year, est, gender, country, langs, phone_s, uplace, contacts, role, labels):
    _rid[0] += 1
    eid = 'X%05d' % _rid[0]
    created = min(c[0] for c in contacts)
    rec = {'type': 'person', 'id': eid, 'team': team, 'aliases': aliases, 'gender': gender, 'languages': langs,
           'consent': {'status': 'given', 'at': created.isoformat()}, 'created_at': created.isoformat()}
    if year is not None: rec['birth_year'] = year; rec['birth_year_estimated'] = est
    if country: rec['country'] = country
    if phone_s: rec['phone'] = phone_s
    if uplace: rec['usual_place'] = uplace
    records.append(rec)
    for k, (t, lat, lon) in enumerate(contacts):
        records.append({'type': 'contact', 'id': '%s-c%d' % (eid, k), 'team': team, 'person': eid, 'occurred_at': t.isoformat(),
                        'place': {'lat': round(lat, 5), 'lon': round(lon, 5)}, 'who': 'person', 'channel': R.choice(['street', 'itinerant_unit', 'desk']),
                        'needs': R.sample(NEEDS, R.randint(1, 3))})
    truth['records'][eid] = dict(iid=I['iid'], role=role, labels=labels)
    return eid

def contacts_at(town, around=None, spread_days=30, k=None):
    k = k or R.choice([1, 1, 2, 2, 3])
    out = []
    for _ in range(k):
        if around is None: t = T0 + dt.timedelta(days=R.uniform(0, 300), hours=R.uniform(6, 12))
        else: t = around + dt.timedelta(days=R.uniform(-spread_days, spread_days))
        out.append((t.replace(microsecond=0, second=0), town[1] + R.gauss(0, .006), town[2] + R.gauss(0, .008)))
    return out

def base_record(I):
    team = R.choice(teams_for(I['prov']))
    a, _ = alias_record(I, 'orig')
    est = R.random() < .3
    y = I['year'] if not est else int(round(I['year'] / 5.0) * 5)
    if R.random() < .07: y = None
    I['rec_year'], I['rec_est'] = y, est
    C = contacts_at(I['town'])
    I['first_contact'] = C[0][0]
    I['team'] = team
    I['phone_fmt'] = R.randrange(7)
    I['ptext'] = place_text(I['prov'], I['town'])
    return emit(I, a, team, y, est, I['gender'], I['country'], I['langs'], fmt_phone(I['phone'], I['phone_fmt']), I['ptext'], C, 'base', {})

PLAIN_ALIAS = [('exact', 15), ('variant', 35), ('script', 25), ('phonetic', 25)]
FIELD_ALIAS = [('exact', 7), ('variant', 17), ('script', 9), ('phonetic', 8), ('typo', 10), ('swap', 10), ('first_only', 10), ('nickname', 10), ('second_name', 19)]
def wpick(lst): return R.choices([a for a, _ in lst], [w for _, w in lst])[0]

def dup_record(I):
    kind = wpick(PLAIN_ALIAS if MODE == 'plain' else FIELD_ALIAS)
    aliases, kind = alias_record(I, kind)
    lab = {'alias': kind}
    # birth year
    y0 = I['year']
    if MODE == 'plain':
        d = R.choice([0, 0, 0, 1, -1, 1, -1, 2, -2]); y = y0 + d; est = False; lab['year'] = 'same' if d == 0 else 'pm%d' % abs(d)
        if I['rec_year'] is None: y = None; lab['year'] = 'none_on_base'
    else:
        x = R.random()
        if x < .35: y, est, lab['year'] = y0, False, 'same'
        elif x < .6: d = R.choice([1, -1, 2, -2]); y, est, lab['year'] = y0 + d, False, 'pm%d' % abs(d)
        elif x < .85: y, est, lab['year'] = int(round((y0 + R.randint(-4, 4)) / 5.0) * 5), True, 'estimated'
        else: y, est, lab['year'] = None, False, 'missing'
        if I['rec_year'] is None: lab['year'] = 'none_on_base'
    # phone
    if I['phone'] is None:
        ph = fmt_phone(new_phone(I['origin'])) if MODE == 'field' and R.random() < .3 else None; lab['phone'] = 'none_on_base'
    elif MODE == 'plain':
        k = R.randrange(7); ph = fmt_phone(I['phone'], k); lab['phone'] = 'same_format' if k == I['phone_fmt'] else 'other_format'
    else:
        x = R.random()
        if x < .6: k = R.randrange(7); ph = fmt_phone(I['phone'], k); lab['phone'] = 'same_format' if k == I['phone_fmt'] else 'other_format'
        elif x < .8: ph = fmt_phone(phone_digits()); lab['phone'] = 'new_sim'
        else: ph = None; lab['phone'] = 'missing'
    # place / time / team
    far = MODE == 'field' and R.random() < .25
    if far:
        prov = R.choice([p for p in TOWNS if p != I['prov']]); town = R.choice(TOWNS[prov])
        C = contacts_at(town, I['first_contact'] + dt.timedelta(days=R.choice([-1, 1]) * R.uniform(60, 240)), 10)
        up = place_text(prov, town) if R.random() < .7 else None; lab['place'] = 'far_months'
    else:
        prov, town = I['prov'], I['town']
        C = contacts_at(town, I['first_contact'] + dt.timedelta(days=R.uniform(1, 30)), 3)
        up = (place_text(prov, town) if R.random() < .7 else None) if MODE == 'field' else (I['ptext'] if R.random() < .5 else place_text(prov, town))
        lab['place'] = 'near_days'
    others = [t for t in teams_for(prov) if t != I['team']]
    team = R.choice(others) if others and R.random() < .8 else (I['team'] if prov == I['prov'] else R.choice(teams_for(prov)))
    lab['team'] = 'same_team' if team == I['team'] else 'other_team'
    g = I['gender']; langs = list(I['langs'])
    if MODE == 'field':
        if R.random() < .05: g = 'unknown'; lab['gender'] = 'unknown'
        if R.random() < .3: langs = [langs[0]] if R.random() < .5 else (langs + ['it'] if 'it' not in langs else langs[:-1]); lab['langs'] = 'changed'
    return emit(I, aliases, team, y, est, g, I['country'], langs, ph, up, C, 'dup', lab)

# ---------- traps ---------------------------------------------------------------------
def trap(I, kind):
    """a different person resembling I; returns the new identity (its record is emitted here)"""
    o = I['origin']
    J = new_identity(o, I['gender'])
    J['prov'], J['town'] = I['prov'], (I['town'] if R.random() < .5 else R.choice(TOWNS[I['prov']]))
    J['parts'] = [list(p) for p in I['parts']]
    lab = {'trap': kind}
    near_time = None
    if kind == 'lookalike_year':
        J['year'] = I['year'] + R.choice([-1, 1]) * R.randint(5, 14)
    elif kind == 'lookalike_gender':
        J['gender'] = 'woman' if I['gender'] == 'man' else 'man'
        if MODE == 'field' and o == 'IN':
            J['parts'] = [[['Kaur'] if p[0][0] == 'Singh' else (['Singh'] if p[0][0] == 'Kaur' else p[0]), p[1]] for p in I['parts']]
        J['year'] = I['year'] + R.randint(-3, 3)
    elif kind == 'lookalike_country':
        J['country'] = R.choice(SIMILAR_COUNTRY[o]); J['year'] = I['year'] + R.randint(-3, 3)
        J['prov'], J['town'] = I['prov'], R.choice(TOWNS[I['prov']])
    elif kind == 'common_name':
        J['year'] = I['year'] + R.randint(-3, 3); pv = R.choice(list(TOWNS)); J['prov'], J['town'] = pv, R.choice(TOWNS[pv])
    elif kind in ('brothers', 'cousins', 'couple'):
        g = I['gender'] if kind != 'couple' else ('woman' if I['gender'] == 'man' else 'man')
        J['gender'] = g
        fam = [p for p in I['parts'] if p[1] in ('family', 'family2', 'father')]
        if kind == 'couple' and o in ('MA', 'TN', 'EG', 'SN', 'GM', 'ML', 'PE', 'EC', 'ER', 'ET', 'CN', 'PK', 'BD'): fam = None  # wife keeps her name
        if kind == 'couple' and o == 'IN': fam = [[['Kaur'] if g == 'woman' else ['Singh'], 'family']] + fam[1:]
        while True:
            J['parts'] = make_name(o, g, fam=fam)
            if render(J['parts'], [0] * len(J['parts'])) != render(I['parts'], [0] * len(I['parts'])): break
        J['year'] = I['year'] + (R.choice([-1, 1]) * R.randint(1, 8) if kind != 'cousins' else R.randint(-3, 3))
        J['langs'] = list(I['langs'])
        if kind in ('brothers', 'couple') and I['phone'] and R.random() < .6: J['phone'] = I['phone']; lab['shared_phone'] = True
        if kind != 'cousins' or R.random() < .5: J['town'] = I['town']
        if kind in ('brothers', 'couple') and R.random() < .5: near_time = I['first_contact']  # met together
    elif kind == 'first_only_namesake':
        J['year'] = I['year'] + R.randint(-4, 4)
        J['parts'] = make_name(o, I['gender'], given='|'.join([p for p in I['parts'] if p[1] == 'given'][0][0]))
    else: raise ValueError(kind)
    if J['phone'] == I['phone'] and not lab.get('shared_phone'): J['phone'] = phone_digits() if I['phone'] else None
    team = R.choice(teams_for(J['prov']))
    if kind == 'first_only_namesake':
        a = [[p for p in J['parts'] if p[1] == 'given'][0][0][0]]
    else:
        a, _ = alias_record(J, 'orig' if MODE == 'field' else ('exact' if R.random() < .6 else 'variant'))
    est = MODE == 'field' and R.random() < .3
    y = J['year'] if not est else int(round(J['year'] / 5.0) * 5)
    C = contacts_at(J['town'], near_time, 0.2) if near_time else contacts_at(J['town'])
    up = place_text(J['prov'], J['town']) if R.random() < .8 else None
    if J['town'] == I['town'] and R.random() < .5: up = I['ptext']
    emit(J, a, team, y, est, J['gender'], J['country'], J['langs'], fmt_phone(J['phone']), up, C, 'trap', lab)
    truth['traps'].append([I['iid'], J['iid'], kind])
    return J

PLAIN_TRAPS = [('lookalike_year', 1), ('lookalike_gender', 1), ('lookalike_country', 1)]
FIELD_TRAPS = [('lookalike_year', 1), ('lookalike_gender', 1), ('lookalike_country', 1), ('brothers', 2), ('cousins', 1.5), ('couple', 1.5),
               ('common_name', 2), ('first_only_namesake', 1)]

teams_out = [{'type': 'team', 'id': 'pua', 'name': 'Centrale PUA', 'area': 'Lombardia'}] + \
            [{'type': 'team', 'id': t, 'name': 'Unità di strada ' + t, 'area': ' '.join(ps)} for t, ps in TEAMS.items()]
idents = []
for _ in range(NBASE):
    I = new_identity(); base_record(I); idents.append(I)
for I in list(idents):
    x = R.random()
    if x < .24:
        dup_record(I)
        if R.random() < .15: dup_record(I)
    y = R.random()
    if y < .16:
        trap(I, wpick(PLAIN_TRAPS if MODE == 'plain' else FIELD_TRAPS))
with open(os.path.join(OUT, 'data.jsonl'), 'w') as f:
    for r in teams_out + records: f.write(json.dumps(r, ensure_ascii=False) + '\n')
json.dump(truth, open(os.path.join(OUT, 'truth.json'), 'w'), ensure_ascii=False, indent=0)
np = sum(1 for r in records if r['type'] == 'person')
print('persons', np, 'contacts', len(records) - np, 'traps', len(truth['traps']))
