#!/usr/bin/env python3
"""What a human reviewer could have decided: buckets of misses and false positives. usage: analyse.py SETDIR"""
import json, sys, re, unicodedata, itertools
from collections import Counter, defaultdict
d = sys.argv[1]
T = json.load(open(f"{d}/truth.json")); R = T["records"]
res = json.load(open(f"{d}/result.json"))
api = json.load(open(f"{d}/api_pairs.json"))
P = {}
for l in open(f"{d}/data.jsonl", encoding="utf-8"):
    o = json.loads(l)
    if o["type"] == "person":
        P[o["id"]] = o
key = lambda a, b: (a, b) if a < b else (b, a)
prop = {key(i["a"]["external_id"], i["b"]["external_id"]): i for i in api["default"]}


def fold(s):
    return " ".join(sorted("".join(c for c in unicodedata.normalize("NFKD", s.lower()) if not unicodedata.combining(c)).replace(".", "").split()))


def nphone(p):
    if not p: return None
    x = re.sub(r"\D", "", p)
    if x.startswith("00"): x = x[2:]
    if x.startswith("39") and len(x) == 12: x = x[2:]
    return x


namecount = Counter(fold(P[r]["aliases"][0]) for r in P if P[r]["aliases"])


import math, datetime as dt
C = defaultdict(list)
for l in open(f"{d}/data.jsonl", encoding="utf-8"):
    o = json.loads(l)
    if o["type"] == "contact" and "place" in o:
        C[o["person"]].append((dt.datetime.fromisoformat(o["occurred_at"].replace("Z", "+00:00")), o["place"]["lat"], o["place"]["lon"]))


def met_near(a, b, metres=500, days=7):
    for ta, la, lo in C[a]:
        for tb, lb, lob in C[b]:
            dy = (la - lb) * 111320; dx = (lo - lob) * 111320 * math.cos(math.radians(la))
            if math.hypot(dx, dy) <= metres and abs((ta - tb).total_seconds()) <= days * 86400:
                return True
    return False


def fn_bucket(a, b):
    A, B = P[a], P[b]
    tags = set(R[a]["tags"]) | set(R[b]["tags"])
    pa, pb = nphone(A.get("phone")), nphone(B.get("phone"))
    ya, yb = A.get("birth_year"), B.get("birth_year")
    ycompat = ya is None or yb is None or abs(ya - yb) <= 2
    namek = {t for t in tags if t.startswith("name_")}
    full_name = not (namek & {"name_partial", "name_nickname"})
    if pa and pa == pb:
        return "decidable: same phone"
    if pa and pb:
        return "doubtful: two different phones (new SIM or typo)"
    if full_name and ycompat and met_near(a, b) and "country_other" not in tags:
        return "decidable: full name + compatible year + met near (days, <0.5 km)"
    if full_name and ycompat and "country_other" not in tags:
        common = any(namecount[fold(x)] > 1 for x in A["aliases"][:1] + B["aliases"][:1])
        return "doubtful: name+year fit, nothing else (common name)" if common else "probably decidable: name+year fit, rare name, nothing else"
    return "not decidable: partial/nickname name, year off by 3+, or other country, nothing else"


def fp_bucket(a, b):
    A, B = P[a], P[b]
    ya, yb = A.get("birth_year"), B.get("birth_year")
    pa, pb = nphone(A.get("phone")), nphone(B.get("phone"))
    ga = [R[a]["ind"], R[b]["ind"]]
    # given names: first token that is not a prefix
    fa, fb = fold(A["aliases"][0]) if A["aliases"] else "", fold(B["aliases"][0]) if B["aliases"] else ""
    if ya and yb and abs(ya - yb) >= 5:
        return "decidable: birth years 5+ apart"
    if A.get("gender") in ("man", "woman") and B.get("gender") in ("man", "woman") and A["gender"] != B["gender"]:
        return "decidable: other gender"
    cls = [c for r, m, c in T["lookalikes"] if (r == a or r == b)]
    la = [c for r, m, c in T["lookalikes"] if key(r, m) == (a, b) or (r in (a, b) and R[m]["ind"] in ga)]
    if la and la[0] in ("la_relative", "la_shared_phone", "la_similar"):
        return "decidable: different first names (relative / co-worker / similar name)"
    if pa and pb and pa != pb:
        return "doubtful: same name, fitting data, but two different phones"
    return "not decidable: same name and fitting data, nothing tells them apart"


fnb = Counter(fn_bucket(*k) for k in map(tuple, res["FN"]))
fpb = Counter(fp_bucket(*k) for k in map(tuple, res["FP"]))
print(f"## {d}: misses {len(res['FN'])}, false positives {len(res['FP'])}")
print("misses:")
for k, v in fnb.most_common(): print(f"  {v:4d}  {k}")
print("false positives:")
for k, v in fpb.most_common(): print(f"  {v:4d}  {k}")

# per-bucket recall over all true pairs
scorable = {r for r, v in R.items() if v["consent"] == "given" and v["role"] != "withdrawn"}
by = defaultdict(list)
for r in scorable: by[R[r]["ind"]].append(r)
tp_all = {key(a, b) for rs in by.values() for a, b in itertools.combinations(rs, 2)}
FN = set(map(tuple, res["FN"]))
tot, found = Counter(), Counter()
for k in tp_all:
    b = fn_bucket(*k); tot[b] += 1; found[b] += k not in FN
print("recall by what a reviewer could see:")
for b in sorted(tot): print(f"  {b}: {found[b]}/{tot[b]} = {found[b]/tot[b]:.2f}")
# namesake pairs present in the data (different people, same folded first alias, same country, same gender, years within 2 or missing)
grp = defaultdict(list)
for r in scorable:
    p = P[r]
    if p["aliases"]:
        grp[(fold(p["aliases"][0]), p.get("country"), p.get("gender"))].append(r)
ns = 0; ns_prop = 0
for g, rs in grp.items():
    for a, b in itertools.combinations(rs, 2):
        if R[a]["ind"] == R[b]["ind"]: continue
        ya, yb = P[a].get("birth_year"), P[b].get("birth_year")
        if ya and yb and abs(ya - yb) > 2: continue
        ns += 1; ns_prop += key(a, b) in prop
print(f"namesake pairs in the data (different people; identical first alias, country, gender; years within 2 or missing): {ns}, proposed: {ns_prop}")
fpb_n = sum(v for k, v in fpb.items() if k.startswith("not decidable"))
tp = len(tp_all) - len(FN); fp = len(res["FP"])
print(f"precision if the {fpb_n} undecidable false positives were not counted: {tp/(tp+fp-fpb_n):.3f}")
