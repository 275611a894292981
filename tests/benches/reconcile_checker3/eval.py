#!/usr/bin/env python3
"""Score the engine's pairs against the planted truth.
usage: eval.py OUTDIR [N_EXAMPLES]  -> prints tables; writes OUTDIR/report.txt, OUTDIR/examples.txt"""
import json, sys, os, math, random, re, collections, datetime as dt
OUT = sys.argv[1]; NEX = int(sys.argv[2]) if len(sys.argv) > 2 else 15
T = json.load(open(os.path.join(OUT, 'truth.json')))
recs, contacts = {}, collections.defaultdict(list)
for line in open(os.path.join(OUT, 'data.jsonl')):
    r = json.loads(line)
    if r['type'] == 'person': recs[r['id']] = r
    elif r['type'] == 'contact': contacts[r['person']].append(r)
TR = T['records']
iid = {e: TR[e]['iid'] for e in TR}
by_i = collections.defaultdict(list)
for e, i in iid.items(): by_i[i].append(e)
trap_kind = {}
for a, b, k in T['traps']: trap_kind[frozenset((a, b))] = k

def key(a, b): return tuple(sorted((a, b)))
true_pairs = {}
for i, es in by_i.items():
    es = sorted(es)
    for x in range(len(es)):
        for y in range(x + 1, len(es)):
            a, b = es[x], es[y]
            ra, rb = TR[a], TR[b]
            if ra['role'] == 'base': lab = rb['labels']
            elif rb['role'] == 'base': lab = ra['labels']
            else: lab = {'alias': 'dup_vs_dup'}
            true_pairs[key(a, b)] = lab

def load(name):
    d = json.load(open(os.path.join(OUT, name)))
    return {key(p['a']['external_id'], p['b']['external_id']): p for p in d['items']}
P_def, P_all = load('pairs_default.json'), load('pairs_all.json')

def pr(pairs):
    tp = sum(1 for k in pairs if k in true_pairs)
    return tp, len(pairs) - tp, len(true_pairs) - tp, (tp / len(pairs) if pairs else float('nan')), tp / len(true_pairs)

lines = []
def out(s=''): print(s); lines.append(s)
tp, fp, fn, p, r = pr(P_def)
out('== %s (%s, seed %s): %d persons, %d true pairs, %d planted look-alike identities' % (OUT, T['mode'], T['seed'], len(recs), len(true_pairs), len(T['traps'])))
out('default threshold: returned %d  TP %d  FP %d  FN %d  precision %.3f  recall %.3f  F1 %.3f' % (len(P_def), tp, fp, fn, p, r, 2 * p * r / (p + r)))
out('curve (from threshold=0.05 answer):')
out('  thr   returned    TP    FP    FN  prec   recall')
for thr in [0.05, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0]:
    sub = {k: v for k, v in P_all.items() if v['score'] >= thr - 1e-9}
    tp, fp, fn, p, r = pr(sub)
    out('  %.2f  %7d  %5d %5d %5d  %.3f  %.3f' % (thr, len(sub), tp, fp, fn, p, r))
# consistency of default answer with the 0.05 answer
d_only = set(P_def) - {k for k, v in P_all.items() if v['score'] >= .5}
out('pairs in default answer but not in threshold-0.05 answer with score>=0.5: %d' % len(d_only))
out('min score in default answer: %.4f' % min(v['score'] for v in P_def.values()))

# recall per class
def recall_by(field):
    c = collections.defaultdict(lambda: [0, 0])
    for k, lab in true_pairs.items():
        v = lab.get(field, '-')
        c[v][1] += 1
        if k in P_def: c[v][0] += 1
    return c
for f in ['alias', 'year', 'phone', 'place', 'team', 'gender', 'langs']:
    c = recall_by(f)
    out('recall by %-7s ' % f + '  '.join('%s %d/%d=%.2f' % (v, a, n, a / n) for v, (a, n) in sorted(c.items(), key=lambda x: -x[1][1])))
# recall by origin
c = collections.defaultdict(lambda: [0, 0])
for k, lab in true_pairs.items():
    o = recs[k[0]].get('country', '?'); c[o][1] += 1; c[o][0] += k in P_def
out('recall by country ' + '  '.join('%s %d/%d' % (v, a, n) for v, (a, n) in sorted(c.items(), key=lambda x: -x[1][1])))

def norm_alias(s): return re.sub(r'[^\w]', '', s.lower())
def fp_class(k):
    ia, ib = iid[k[0]], iid[k[1]]
    t = trap_kind.get(frozenset((ia, ib)))
    if t: return t
    ra, rb = recs[k[0]], recs[k[1]]
    sa = {norm_alias(x) for x in ra['aliases']}; sb = {norm_alias(x) for x in rb['aliases']}
    return 'unplanted_same_alias' if sa & sb else 'unplanted_other'
def contradictions(a, b):
    ra, rb = recs[a], recs[b]; c = []
    if 'unknown' not in (ra['gender'], rb['gender']) and ra['gender'] != rb['gender']: c.append('gender')
    if ra.get('country') and rb.get('country') and ra['country'] != rb['country']: c.append('country')
    ya, yb = ra.get('birth_year'), rb.get('birth_year')
    if ya and yb:
        tol = 2 + 5 * (ra.get('birth_year_estimated', False) or rb.get('birth_year_estimated', False))
        if abs(ya - yb) > tol: c.append('year%+d' % (yb - ya))
    return c
fpc = collections.Counter(); fpc_dec = collections.Counter()
for k in P_def:
    if k in true_pairs: continue
    cl = fp_class(k); fpc[cl] += 1
    if contradictions(*k): fpc_dec[cl] += 1
trap_tot = collections.Counter(k for _, _, k in T['traps'])
out('false pairs at default threshold by class (count; of which with a hard contradiction gender/country/year; planted identities of that class):')
for cl, n in fpc.most_common(): out('  %-22s %4d   contradicted %4d   planted %s' % (cl, n, fpc_dec[cl], trap_tot.get(cl, '-')))

# --- reason checks -------------------------------------------------------------------
def digits(p):
    if not p: return None
    d = re.sub(r'\D', '', p)
    if p.strip().startswith('+'): d = d
    elif d.startswith('00'): d = d[2:]
    else: d = '39' + d if len(d) == 10 and d.startswith('3') else d
    if len(d) == 10 and d.startswith('3'): d = '39' + d
    return d
def hav(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a['lat'], a['lon'], b['lat'], b['lon']))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(h))
def T_(s): return dt.datetime.fromisoformat(s)
bad = collections.Counter(); bad_ex = collections.defaultdict(list); kinds = collections.Counter(); hows = collections.Counter()
for k, p in P_all.items():
    a, b = p['a']['external_id'], p['b']['external_id']; ra, rb = recs[a], recs[b]
    for rs in p['reasons']:
        kd = rs['kind']; kinds[kd] += 1
        if kd == 'alias': hows[rs.get('how')] += 1
        prob = None
        if kd == 'same_phone' and digits(ra.get('phone')) != digits(rb.get('phone')): prob = 'same_phone but %r vs %r' % (ra.get('phone'), rb.get('phone'))
        if kd == 'different_phone' and digits(ra.get('phone')) == digits(rb.get('phone')): prob = 'different_phone but %r vs %r' % (ra.get('phone'), rb.get('phone'))
        if kd == 'same_gender' and ra['gender'] != rb['gender']: prob = 'same_gender %s/%s' % (ra['gender'], rb['gender'])
        if kd == 'same_country' and ra.get('country') != rb.get('country'): prob = 'same_country'
        if kd == 'birth_year' and (ra.get('birth_year') is None or rb.get('birth_year') is None or abs(ra['birth_year'] - rb['birth_year']) > 2):
            prob = 'birth_year reason %s/%s est %s/%s' % (ra.get('birth_year'), rb.get('birth_year'), ra.get('birth_year_estimated'), rb.get('birth_year_estimated'))
        if kd == 'met_near':
            best = min(((hav(x['place'], y['place']), abs((T_(x['occurred_at']) - T_(y['occurred_at'])).total_seconds()) / 86400)
                        for x in contacts[a] for y in contacts[b]), key=lambda z: z[0])
            pairs_ = [(hav(x['place'], y['place']), abs((T_(x['occurred_at']) - T_(y['occurred_at'])).total_seconds()) / 86400) for x in contacts[a] for y in contacts[b]]
            ok = any(abs(m - rs['metres']) <= max(50, .05 * m) and abs(d - rs['days']) <= 1.01 for m, d in pairs_)
            if not ok: prob = 'met_near %sm %sd; actual contact pairs %s' % (rs['metres'], rs['days'], [(round(m), round(d, 1)) for m, d in pairs_])
        if kd == 'same_usual_place' and (ra.get('usual_place') or '').lower() != (rb.get('usual_place') or '').lower():
            prob = 'same_usual_place %r vs %r' % (ra.get('usual_place'), rb.get('usual_place'))
        if prob:
            bad[kd] += 1
            if len(bad_ex[kd]) < 4: bad_ex[kd].append('%s/%s: %s' % (a, b, prob))
out('reason kinds in the threshold-0.05 answer: ' + ', '.join('%s %d' % x for x in kinds.most_common()))
out('alias how: ' + ', '.join('%s %d' % x for x in hows.most_common()))
out('reason checks (reason contradicted by the records): %s' % (dict(bad) or 'none'))
for kd, ex in bad_ex.items():
    for e in ex: out('   ' + e)
open(os.path.join(OUT, 'report.txt'), 'w').write('\n'.join(lines) + '\n')

# --- examples --------------------------------------------------------------------------
def show(e):
    r = recs[e]; C = sorted(contacts[e], key=lambda c: c['occurred_at'])
    y = r.get('birth_year'); y = ('%s%s' % (y, '~' if r.get('birth_year_estimated') else '')) if y else '-'
    cs = '; '.join('%s @%.3f,%.3f' % (c['occurred_at'][:10], c['place']['lat'], c['place']['lon']) for c in C)
    return '%s [%s] %s | %s %s %s | %s | tel %s | %s | %s' % (e, r['team'], ' / '.join(r['aliases']), y, r['gender'], r.get('country', '-'),
                                                           ','.join(r['languages']), r.get('phone', '-'), r.get('usual_place', '-'), cs)
def reasons_s(p):
    if not p: return 'not proposed even at threshold 0.05'
    out_ = []
    for rs in p['reasons']:
        d = {k: v for k, v in rs.items() if k != 'kind'}
        out_.append(rs['kind'] + ('(' + ','.join('%s=%s' % (k, v) for k, v in d.items()) + ')' if d else ''))
    return 'score %.3f: %s' % (p['score'], '; '.join(out_))
rnd = random.Random(7)
ex = []
fps = [k for k in P_def if k not in true_pairs]
groups = collections.defaultdict(list)
for k in fps: groups[fp_class(k)].append(k)
sel = []
while len(sel) < NEX and any(groups.values()):
    for g in sorted(groups):
        if groups[g] and len(sel) < NEX: sel.append(groups[g].pop(rnd.randrange(len(groups[g]))))
ex.append('##### FALSE PAIRS (%s)' % OUT)
for n, k in enumerate(sel, 1):
    ex.append('F%d. class %s; truth: %s vs %s' % (n, fp_class(k), iid[k[0]], iid[k[1]]))
    ex += ['   A ' + show(k[0]), '   B ' + show(k[1]), '   ' + reasons_s(P_def[k]), '']
misses = [k for k in true_pairs if k not in P_def]
groups = collections.defaultdict(list)
for k in misses: groups[true_pairs[k].get('alias')].append(k)
sel = []
while len(sel) < NEX and any(groups.values()):
    for g in sorted(groups):
        if groups[g] and len(sel) < NEX: sel.append(groups[g].pop(rnd.randrange(len(groups[g]))))
ex.append('##### MISSES (%s)' % OUT)
for n, k in enumerate(sel, 1):
    ex.append('M%d. same person %s; distortion %s' % (n, iid[k[0]], json.dumps(true_pairs[k])))
    ex += ['   A ' + show(k[0]), '   B ' + show(k[1]), '   ' + reasons_s(P_all.get(k)), '']
open(os.path.join(OUT, 'examples.txt'), 'w').write('\n'.join(ex) + '\n')
