#!/usr/bin/env python3
"""Second probe: is a shared phone outweighed by a frequent surname or by days between meetings? Embeds pairs in d1 (plain set).
usage: probe2.py OUTDIR [--read]"""
import json, sys, os
OUT = sys.argv[1]; os.makedirs(OUT, exist_ok=True)
def P(eid, alias, year, phone, day, team='lo', c='SN', langs=['wo', 'fr']):
    return [{'type': 'person', 'id': eid, 'team': team, 'aliases': [alias], 'gender': 'man', 'country': c, 'languages': langs, 'birth_year': year,
             'birth_year_estimated': False, 'phone': phone, 'usual_place': 'Lodi', 'consent': {'status': 'given', 'at': day + 'T10:00:00+01:00'},
             'created_at': day + 'T10:00:00+01:00'},
            {'type': 'contact', 'id': eid + '-c', 'team': team, 'person': eid, 'occurred_at': day + 'T10:00:00+01:00', 'place': {'lat': 45.314, 'lon': 9.503},
             'who': 'person', 'channel': 'street', 'needs': ['health']}]
cases = []
for sur in ['Sow', 'Zinsou']:
    for given_b in ['Abdoulaye', 'Ablaye', 'Karim']:
        for days in [0, 11]:
            for ph_b in ['same', 'none']:
                cases.append((sur, given_b, days, ph_b))
if '--read' not in sys.argv:
    recs = []
    for i, (sur, gb, days, phb) in enumerate(cases):
        ph = '+39 35%d %07d' % (i % 10, 4400000 + i * 7919)
        recs += P('Q%02da' % i, 'Abdoulaye ' + sur, 1995, ph, '2025-05-01')
        recs += P('Q%02db' % i, gb + ' ' + sur, 1997, ph if phb == 'same' else None, '2025-05-%02d' % (1 + days))
    with open(os.path.join(OUT, 'data.jsonl'), 'w') as f:
        for l in open('d1/data.jsonl'): f.write(l)
        for r in recs: f.write(json.dumps(r) + '\n')
else:
    Pm = {tuple(sorted((p['a']['external_id'], p['b']['external_id']))): p for p in json.load(open(os.path.join(OUT, 'pairs_all.json')))['items']}
    for i, c in enumerate(cases):
        p = Pm.get(('Q%02da' % i, 'Q%02db' % i))
        print('%-8s B=%-10s days=%2d phoneB=%-5s %s' % (c[0], c[1], c[2], c[3], ('%.3f %s' % (p['score'], [r['kind'] + '/' + r.get('how', '') for r in p['reasons']][:3])) if p else 'not proposed'))
