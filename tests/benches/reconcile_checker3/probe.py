#!/usr/bin/env python3
"""Controlled probe: pairs that differ from an identical reference pair by ONE factor, each with its own rare surname.
usage: probe.py OUTDIR   -> OUTDIR/data.jsonl, OUTDIR/truth.json ; then run.py OUTDIR PORT ; then probe.py OUTDIR --read"""
import json, sys, os, copy
OUT = sys.argv[1]; os.makedirs(OUT, exist_ok=True)
SUR = ['Lamrabet', 'Bouzidi', 'Kharbouch', 'Zerhouni', 'Aitbella', 'Chraibi', 'Bennis', 'Skalli', 'Berrada', 'Guessous', 'Lazrak', 'Tahiri',
       'Filali', 'Kettani', 'Sqalli', 'Benjelloun', 'Marrakchi', 'Slaoui', 'Hajji', 'Naciri', 'Sebti', 'Zniber', 'Benkirane', 'Cherkaoui',
       'Ouazzani', 'Jettou', 'Mekouar', 'Lahbabi', 'Benabdallah', 'Bensouda', 'Rifai', 'Akhannouch']
BASE = dict(given='Ahmed', year=1989, est=False, gender='man', country='MA', langs=['ar', 'fr'], phone='+39 333 1234567', place='Mortara',
            lat=45.250, lon=8.739, day='2025-03-10', team='pv')
V = [  # name, changes to B
 ('identical', {}),
 ('phone_other_format', {'phone': '0039 333 123 4567'}),
 ('phone_different', {'phone': '+39 347 7654321'}),
 ('phone_missing_B', {'phone': None}),
 ('phone_missing_both', {'phone': None, '_A': {'phone': None}}),
 ('year_pm2', {'year': 1991}),
 ('year_pm3', {'year': 1992}),
 ('year_pm6', {'year': 1995}),
 ('year_est_1990_vs_1985est', {'year': 1985, 'est': True, '_A': {'year': 1990, 'est': True}}),
 ('year_missing_B', {'year': None}),
 ('gender_diff', {'gender': 'woman'}),
 ('gender_unknown', {'gender': 'unknown'}),
 ('country_diff', {'country': 'TN'}),
 ('langs_disjoint', {'langs': ['es']}),
 ('alias_variant_Ahmad', {'alias': 'Ahmad {S}'}),
 ('alias_arabic_script_given', {'alias': 'أحمد {S}'}),
 ('alias_first_only', {'alias': 'Ahmed'}),
 ('alias_swap_upper', {'alias': '{SU} Ahmed'}),
 ('alias_typo_surname', {'alias': 'Ahmed {T}'}),
 ('alias_other_given_same_surname', {'alias': 'Karim {S}'}),
 ('place_far_months', {'lat': 46.170, 'lon': 9.870, 'place': 'Sondrio', 'day': '2025-09-20', 'team': 'so'}),
 ('place_far_same_phone_missing', {'lat': 46.170, 'lon': 9.870, 'place': 'Sondrio', 'day': '2025-09-20', 'team': 'so', 'phone': None}),
 ('newsim_far_months', {'lat': 46.170, 'lon': 9.870, 'place': 'Sondrio', 'day': '2025-09-20', 'team': 'so', 'phone': '+39 347 7654321'}),
 ('newsim_same_place', {'phone': '+39 347 7654321', 'day': '2025-03-25'}),
 ('first_only_same_phone', {'alias': 'Ahmed'}),
 ('other_given_same_phone_same_day', {'alias': 'Karim {S}', 'year': 1993}),
 ('other_given_no_phone', {'alias': 'Karim {S}', 'year': 1993, 'phone': None, '_A': {'phone': None}}),
 ('year_pm13_both_exact', {'year': 2002}),
]
recs = [{'type': 'team', 'id': t, 'name': t} for t in ('pua', 'pv', 'so')]
truth = {}
def person(eid, S, d):
    alias = d.get('alias', '{G} {S}').replace('{G}', d['given']).replace('{SU}', S.upper()).replace('{S}', S).replace('{T}', S[:3] + S[4] + S[3] + S[5:])
    r = {'type': 'person', 'id': eid, 'team': d['team'], 'aliases': [alias], 'gender': d['gender'], 'country': d['country'], 'languages': d['langs'],
         'consent': {'status': 'given', 'at': d['day'] + 'T10:00:00+01:00'}, 'created_at': d['day'] + 'T10:00:00+01:00', 'usual_place': d['place']}
    if d['year']: r['birth_year'] = d['year']; r['birth_year_estimated'] = d['est']
    if d['phone']: r['phone'] = d['phone']
    c = {'type': 'contact', 'id': eid + '-c', 'team': d['team'], 'person': eid, 'occurred_at': d['day'] + 'T10:00:00+01:00',
         'place': {'lat': d['lat'], 'lon': d['lon']}, 'who': 'person', 'channel': 'street', 'needs': ['health']}
    return [r, c]
for i, (name, ch) in enumerate(V):
    S = SUR[i]
    a = dict(BASE); a.update(ch.get('_A', {}))
    b = dict(a); b.update({k: v for k, v in ch.items() if k != '_A'})
    if name in ('first_only_same_phone',): a['alias'] = '{G} {S}'
    ph = '+39 333 12345%02d' % i
    for x in (a, b):
        if x['phone'] == BASE['phone']: x['phone'] = ph
        if x['phone'] == '0039 333 123 4567': x['phone'] = '0039 333 123 45%02d' % i
    recs += person('P%02da' % i, S, a) + person('P%02db' % i, S, b)
    truth[name] = ('P%02da' % i, 'P%02db' % i)
if '--read' not in sys.argv:
    with open(os.path.join(OUT, 'data.jsonl'), 'w') as f:
        for r in recs: f.write(json.dumps(r, ensure_ascii=False) + '\n')
    json.dump(truth, open(os.path.join(OUT, 'truth.json'), 'w'))
else:
    P = {tuple(sorted((p['a']['external_id'], p['b']['external_id']))): p for p in json.load(open(os.path.join(OUT, 'pairs_all.json')))['items']}
    for name, (a, b) in truth.items():
        p = P.get((a, b))
        print('%-34s %s' % (name, ('%.3f  %s' % (p['score'], ', '.join(r['kind'] + ('/' + r['how'] if 'how' in r else '') for r in p['reasons']))) if p else '  -- not proposed (< 0.05)'))
    extra = [k for k in P if k[0][:3] != k[1][:3]]
    print('cross-probe pairs:', len(extra))
