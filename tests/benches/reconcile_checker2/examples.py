#!/usr/bin/env python3
"""Compact 15 FP + 15 FN examples with the API's score and reasons. usage: examples.py SETDIR"""
import os, sys, json, random
sys.argv = [sys.argv[0], sys.argv[1]]
src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'analyse.py')).read().split('fnb = Counter')[0]
exec(src)
low = {key(i["a"]["external_id"], i["b"]["external_id"]): i for i in api["low"]}
def brief(r):
    p = P[r]
    s = " / ".join(p["aliases"]) or "-"
    s += f" | {p.get('birth_year','?')}{'~' if p.get('birth_year_estimated') else ''} {p.get('gender','?')[:1] if p.get('gender') else '?'} {p.get('country','?')} {','.join(p.get('languages',[]))} | tel {p.get('phone','-')} | {p.get('usual_place','-')} | {p['team']}"
    c = sorted(C[r])
    if c: s += f" | met {c[0][0].date()} @{c[0][1]:.4f},{c[0][2]:.4f}"
    return s
def rs(it):
    if not it: return "not returned even at threshold 0.05"
    out = []
    for r in it["reasons"]:
        k = r["kind"]
        if k == "alias": out.append(f"alias:{r['how']}({r['a']}~{r['b']})")
        elif k == "met_near": out.append(f"met_near({r['metres']}m,{r['days']}d)")
        elif k in ("birth_year", "different_birth_year", "different_usual_place", "different_country"): out.append(f"{k}({r.get('a')},{r.get('b')})")
        else: out.append(k)
    return f"score {it['score']:.3f}: " + "; ".join(out)
rnd = random.Random(11)
fps = rnd.sample([tuple(k) for k in res["FP"]], min(15, len(res["FP"])))
fns = rnd.sample([tuple(k) for k in res["FN"]], min(15, len(res["FN"])))
print("FALSE POSITIVES")
for i, (a, b) in enumerate(sorted(fps, key=lambda k: -prop[k]["score"]), 1):
    cls = [c for r, m, c in T["lookalikes"] if r in (a, b) and R[m]["ind"] in (R[a]["ind"], R[b]["ind"])]
    print(f"{i}. [{cls[0] if cls else 'coincidence'}] -> {fp_bucket(a, b)}\n   A {brief(a)}\n   B {brief(b)}\n   API {rs(prop[(a, b)])}")
print("MISSES")
for i, (a, b) in enumerate(fns, 1):
    tags = sorted((set(R[a]['tags']) | set(R[b]['tags'])) - {"other_team", "same_team"})
    print(f"{i}. [{','.join(tags)}] -> {fn_bucket(a, b)}\n   A {brief(a)}\n   B {brief(b)}\n   API {rs(low.get((a, b)))}")
