#!/usr/bin/env python3
"""Measure GET /api/persons/duplicates against truth.json. usage: measure.py SETDIR PORT"""
import os, json, sys, time, math, urllib.request, urllib.parse, itertools, re, datetime as dt
from collections import Counter, defaultdict

setdir, port = sys.argv[1], int(sys.argv[2])
BASE = f"http://127.0.0.1:{port}"


def call(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + path, method=method)
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


tok = call("POST", "/api/auth/login", {"username": "checker", "password": "pw-long-enough-123"})["token"]


def fetch(params):
    items, pages, totals = [], 0, []
    cursor = None
    t0 = time.time()
    while True:
        p = dict(params)
        if cursor:
            p["cursor"] = cursor
        q = ("?" + urllib.parse.urlencode(p)) if p else ""
        page = call("GET", "/api/persons/duplicates" + q, token=tok)
        pages += 1
        items += page["items"]
        totals.append(page["total"])
        cursor = page.get("next")
        if not cursor:
            break
    return items, time.time() - t0, pages, totals


items, secs, pages, totals = fetch({})
# a second call, to see the time is stable, and a low-threshold call to know the scores of misses
_, secs2, _, _ = fetch({})
low, secs_low, _, _ = fetch({"threshold": "0.05"})
# pagination check: small pages must give the same set
paged, secs_paged, npaged, _ = fetch({"limit": "200"})
json.dump({"default": items, "low": low}, open(f"{setdir}/api_pairs.json", "w"), ensure_ascii=False)

truth = json.load(open(f"{setdir}/truth.json"))
R = truth["records"]
persons, contacts = {}, defaultdict(list)
for line in open(f"{setdir}/data.jsonl", encoding="utf-8"):
    o = json.loads(line)
    if o["type"] == "person":
        persons[o["id"]] = o
    elif o["type"] == "contact":
        contacts[o["person"]].append(o)

scorable = {r for r, v in R.items() if v["consent"] == "given" and v["role"] != "withdrawn"}
by_ind = defaultdict(list)
for r in scorable:
    by_ind[R[r]["ind"]].append(r)
true_pairs = set()
for ind, rs in by_ind.items():
    for a, b in itertools.combinations(sorted(rs), 2):
        true_pairs.add((a, b))


def key(a, b):
    return (a, b) if a < b else (b, a)


def pair_tags(a, b):
    ra, rb = R[a], R[b]
    if ra["role"] == "dup" and rb["role"] == "dup":
        return ["dup_vs_dup"] + sorted(set(ra["tags"]) | set(rb["tags"]))
    d = ra if ra["role"] == "dup" else rb
    return d["tags"]


prop = {}
for it in items:
    k = key(it["a"]["external_id"], it["b"]["external_id"])
    prop[k] = it
lowmap = {key(it["a"]["external_id"], it["b"]["external_id"]): it for it in low}
leaks = [k for k in prop if k[0] not in scorable or k[1] not in scorable]
leaks_low = [k for k in lowmap if k[0] not in scorable or k[1] not in scorable]
P = {k for k in prop if k[0] in scorable and k[1] in scorable}
TP = P & true_pairs
FP = P - true_pairs
FN = true_pairs - P
prec = len(TP) / len(P) if P else float("nan")
rec = len(TP) / len(true_pairs) if true_pairs else float("nan")

out = []
pr = lambda *a: out.append(" ".join(str(x) for x in a))
pr(f"## set {setdir}  mode={truth['mode']} seed={truth['seed']}")
pr(f"persons={len(persons)} scorable(consent given)={len(scorable)} true_pairs={len(true_pairs)} proposed={len(items)} "
   f"(api total {totals[0]}, pages {pages}) TP={len(TP)} FP={len(FP)} FN={len(FN)} precision={prec:.3f} recall={rec:.3f} "
   f"seconds={secs:.2f} (again {secs2:.2f}; threshold 0.05: {len(low)} pairs in {secs_low:.2f}s; limit=200 pages: {npaged} pages, "
   f"same set: {set(key(i['a']['external_id'], i['b']['external_id']) for i in paged) == set(prop)}, dups in pages: {len(paged) - len(set(key(i['a']['external_id'], i['b']['external_id']) for i in paged))})")
pr(f"pairs involving a record without consent given (withdrawn/not_asked/refused): default {len(leaks)}, at 0.05: {len(leaks_low)}")

# ---- recall per tag
tagc = Counter(); tagtp = Counter()
for k in true_pairs:
    for t in set(pair_tags(*k)):
        tagc[t] += 1
        if k in TP:
            tagtp[t] += 1
pr("\n### recall per class of planted duplicate (a pair counts in every class it has)")
pr("| class | true pairs | found | recall |")
pr("|---|---|---|---|")
for t in sorted(tagc, key=lambda t: (t.split("_")[0], t)):
    pr(f"| {t} | {tagc[t]} | {tagtp[t]} | {tagtp[t] / tagc[t]:.2f} |")

# ---- look-alike classes
la_pairs = defaultdict(set)
for rid, model, cls in truth["lookalikes"]:
    if rid not in scorable:
        continue
    for r in by_ind.get(R[model]["ind"], []):
        la_pairs[cls].add(key(rid, r))
pr("\n### planted look-alikes (different people): pairs proposed at the default threshold")
pr("| class | planted pairs | proposed (FP) | share |")
pr("|---|---|---|---|")
la_all = {}
for cls in sorted(la_pairs):
    n = len(la_pairs[cls]); f = len(la_pairs[cls] & P)
    for k in la_pairs[cls]:
        la_all[k] = cls
    pr(f"| {cls} | {n} | {f} | {f / n if n else 0:.2f} |")

# ---- FP classes
def fp_class(k):
    if k in la_all:
        return la_all[k]
    ra, rb = R[k[0]], R[k[1]]
    if "lookalike" in (ra["role"], rb["role"]):
        return "coincidence_with_lookalike"
    return "background_coincidence"

fpc = Counter(fp_class(k) for k in FP)
pr("\n### false positives by class")
for c, n in fpc.most_common():
    pr(f"- {c}: {n}")
reasonsfp = Counter()
for k in FP:
    reasonsfp[tuple(sorted(set(r["kind"] + (":" + r["how"] if "how" in r else "") for r in prop[k]["reasons"] if not r["kind"].startswith("different"))))] += 1
pr("\nFP reason sets (top 10):")
for rs, n in reasonsfp.most_common(10):
    pr(f"- {n} × {', '.join(rs)}")
reasons_tp = Counter(r["kind"] + (":" + r["how"] if "how" in r else "") for k in TP for r in prop[k]["reasons"])
reasons_fp = Counter(r["kind"] + (":" + r["how"] if "how" in r else "") for k in FP for r in prop[k]["reasons"])
pr("\nreason kinds: in TP " + str(dict(reasons_tp.most_common())) + "\nin FP " + str(dict(reasons_fp.most_common())))

# ---- reason sanity checks
def normphone(p):
    if not p:
        return None
    d = re.sub(r"\D", "", p)
    if d.startswith("00"):
        d = d[2:]
    if d.startswith("39") and len(d) == 12:
        d = d[2:]
    return d


def hav(a, b):
    R_ = 6371000
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * R_ * math.asin(math.sqrt(h))


def ptime(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


import unicodedata, importlib.util
spec = importlib.util.spec_from_file_location("gen", os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen.py")); G = importlib.util.module_from_spec(spec); spec.loader.exec_module(G)
PLACEKEY = {v: k for k, (_, _, vs) in G.PLACES.items() for v in vs}


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s.lower()) if not unicodedata.combining(c))


issues = Counter(); issue_ex = defaultdict(list)
kinds = Counter()
for it in items + [i for i in low if key(i["a"]["external_id"], i["b"]["external_id"]) not in prop]:
    a, b = persons.get(it["a"]["external_id"]), persons.get(it["b"]["external_id"])
    if a is None or b is None:
        issues["unknown external id"] += 1
        continue
    for side, p in (("a", a), ("b", b)):
        if it[side]["aliases"] != p["aliases"] and R[p["id"]]["consent"] == "given":
            issues["aliases shown differ from record"] += 1
        if it[side].get("birth_year") != p.get("birth_year") and R[p["id"]]["consent"] == "given":
            issues["birth_year shown differs"] += 1
        if it[side]["team"] != p["team"]:
            issues["(info) team shown is the internal team slug, not the imported team id"] += 1; issue_ex["(info) team shown is the internal team slug, not the imported team id"].append((it[side]["team"], p["team"]))
    ks = {r["kind"] for r in it["reasons"]}
    for r in it["reasons"]:
        kinds[r["kind"]] += 1
    na, nb = normphone(a.get("phone")), normphone(b.get("phone"))
    if "same_phone" in ks and (na is None or na != nb):
        issues["same_phone but normalised phones differ"] += 1
        issue_ex["same_phone but normalised phones differ"].append((a.get("phone"), b.get("phone")))
    if na and na == nb and "same_phone" not in ks:
        issues["equal normalised phones, no same_phone reason"] += 1
        issue_ex["equal normalised phones, no same_phone reason"].append((a.get("phone"), b.get("phone")))
    for r in it["reasons"]:
        k = r["kind"]
        if k == "birth_year" and (r.get("a") != a.get("birth_year") or r.get("b") != b.get("birth_year")):
            issues["birth_year reason values differ"] += 1; issue_ex["birth_year reason values differ"].append((r, a.get("birth_year"), b.get("birth_year")))
        if k == "same_gender" and not (a.get("gender") == b.get("gender") == r.get("gender")):
            issues["same_gender wrong"] += 1
        if k == "same_country" and not (a.get("country") == b.get("country") == r.get("country")):
            issues["same_country wrong"] += 1
        if k == "shared_languages" and not set(r.get("codes", [])) <= (set(a.get("languages", [])) & set(b.get("languages", []))):
            issues["shared_languages wrong"] += 1
        if k == "alias" and not (r.get("a") in a["aliases"] and r.get("b") in b["aliases"]):
            issues["alias reason not among aliases"] += 1; issue_ex["alias reason not among aliases"].append((r, a["aliases"], b["aliases"]))
        if k == "alias" and r.get("how") == "same" and sorted(fold(r["a"]).split()) != sorted(fold(r["b"]).split()):
            issues["alias how=same but the names differ (after case/accents/order)"] += 1
            issue_ex["alias how=same but the names differ (after case/accents/order)"].append((r["a"], r["b"]))
        if k == "different_usual_place" and PLACEKEY.get(r.get("a")) and PLACEKEY.get(r.get("a")) == PLACEKEY.get(r.get("b")):
            issues["different_usual_place for two spellings of the same place"] += 1
            issue_ex["different_usual_place for two spellings of the same place"].append((r.get("a"), r.get("b")))
        if k == "same_usual_place" and not (a.get("usual_place") and b.get("usual_place")):
            issues["same_usual_place without both places"] += 1
        if k == "met_near":
            best = None
            for ca in contacts[a["id"]]:
                for cb in contacts[b["id"]]:
                    if "place" in ca and "place" in cb:
                        m = hav(ca["place"], cb["place"])
                        d = abs((ptime(ca["occurred_at"]) - ptime(cb["occurred_at"])).total_seconds()) / 86400
                        if abs(m - r.get("metres", -1)) <= 2 and abs(d - r.get("days", -99)) <= 1.01:
                            best = True
            if not best:
                issues["met_near metres/days match no contact pair"] += 1
                issue_ex["met_near metres/days match no contact pair"].append(r)
        if k.startswith("different"):
            issues["(info) " + k] += 0
pr("\n### reason checks (over all pairs returned, default + 0.05 threshold)")
pr("reason kinds seen: " + str(dict(kinds.most_common())))
for k, v in issues.items():
    pr(f"- {k}: {v}" + (f"  e.g. {issue_ex[k][:4]}" if issue_ex[k] else ""))
if not issues:
    pr("- no inconsistency found")


def show(p):
    x = {k: p.get(k) for k in ("team", "aliases", "birth_year", "birth_year_estimated", "gender", "country", "languages", "phone", "usual_place") if p.get(k) is not None}
    cs = sorted(contacts[p["id"]], key=lambda c: c["occurred_at"])
    x["contacts"] = [f"{c['occurred_at'][:16]} " + (f"{c['place']['lat']:.4f},{c['place']['lon']:.4f}" if "place" in c else "-") for c in cs]
    return json.dumps(x, ensure_ascii=False)


def rs(it):
    if not it:
        return "not returned even at threshold 0.05"
    return f"score {it['score']:.3f}; reasons " + json.dumps(it["reasons"], ensure_ascii=False)


import random
rnd = random.Random(7)
pr("\n### 15 false positives (highest score first among a random 15)")
fps = sorted(rnd.sample(sorted(FP), min(15, len(FP))), key=lambda k: -prop[k]["score"])
for k in fps:
    pr(f"- FP [{fp_class(k)}] {k[0]} ({R[k[0]]['role']}, {R[k[0]]['ind']}) vs {k[1]} ({R[k[1]]['role']}, {R[k[1]]['ind']}): {rs(prop[k])}")
    pr(f"    A: {show(persons[k[0]])}")
    pr(f"    B: {show(persons[k[1]])}")
pr("\n### 15 misses (random)")
fns = rnd.sample(sorted(FN), min(15, len(FN)))
for k in fns:
    pr(f"- FN tags={pair_tags(*k)} {k[0]} vs {k[1]}: {rs(lowmap.get(k))}")
    pr(f"    A: {show(persons[k[0]])}")
    pr(f"    B: {show(persons[k[1]])}")

# scores of misses
sc = [lowmap[k]["score"] for k in FN if k in lowmap]
pr(f"\nmisses returned at threshold 0.05: {len(sc)} of {len(FN)}; score buckets: " +
   str(dict(Counter(f"{math.floor(s * 10) / 10:.1f}" for s in sc))))
fs = [prop[k]["score"] for k in FP]
pr("false positives score buckets: " + str(dict(Counter(f"{math.floor(s * 10) / 10:.1f}" for s in fs))))

summary = dict(set=setdir, mode=truth["mode"], persons=len(persons), scorable=len(scorable), true_pairs=len(true_pairs),
               proposed=len(items), TP=len(TP), FP=len(FP), FN=len(FN), precision=round(prec, 4), recall=round(rec, 4),
               seconds=round(secs, 2), seconds_again=round(secs2, 2), leaks=len(leaks), leaks_low=len(leaks_low))
json.dump({"summary": summary, "FP": sorted(FP), "FN": sorted(FN)}, open(f"{setdir}/result.json", "w"), indent=1)
open(f"{setdir}/report.md", "w").write("\n".join(out) + "\n")
print("\n".join(out))
