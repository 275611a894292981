#!/usr/bin/env python3
"""Score the product's duplicate pairs against the truth and classify errors.

usage: analyze.py PREFIX [PREFIX...] [--examples N] [--thr default]
"""
import argparse, collections, json, math

SCRIPT_OPS = ("script:",)


def load(prefix):
    T = json.load(open(prefix + ".truth.json"))
    P, C = {}, collections.defaultdict(list)
    for l in open(prefix + ".jsonl"):
        d = json.loads(l)
        if d["type"] == "person":
            P[d["id"]] = d
        elif d["type"] == "contact":
            C[d["person"]].append(d)
    R = json.load(open(prefix + ".result.json"))
    return T, P, C, R


def hav(a, b):
    R = 6371000
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))


def near_info(C, a, b):
    best = None
    for x in C.get(a, []):
        for y in C.get(b, []):
            d = hav(x["place"], y["place"])
            import datetime as dt
            t1 = dt.datetime.fromisoformat(x["occurred_at"]); t2 = dt.datetime.fromisoformat(y["occurred_at"])
            days = abs((t1 - t2).total_seconds()) / 86400
            if best is None or (d < 2000 and days < best[1]) or (best[0] >= 2000 and d < best[0]):
                best = (d, days)
    return best


def scripts_of(p):
    s = set()
    for a in p["aliases"]:
        for ch in a:
            o = ord(ch)
            if 0x600 <= o <= 0x6FF or 0xFB50 <= o <= 0xFEFF:
                s.add("arab"); break
            if 0xA00 <= o <= 0xA7F:
                s.add("guru"); break
            if 0x900 <= o <= 0x97F:
                s.add("deva"); break
            if 0x980 <= o <= 0x9FF:
                s.add("beng"); break
            if 0x400 <= o <= 0x4FF:
                s.add("cyr"); break
            if 0x4E00 <= o <= 0x9FFF:
                s.add("han"); break
        else:
            s.add("latin")
    return s


def script_combo(pa, pb):
    sa, sb = scripts_of(pa), scripts_of(pb)
    if sa & sb:
        return "shared-script"
    return "cross:" + "+".join(sorted(sa)) + "/" + "+".join(sorted(sb))


def name_keys(T, iid):
    return frozenset(k for s, k in T["identities"][iid]["name"])


def op_kinds(ops):
    k = set()
    for o in ops:
        if o.startswith("variant"):
            k.add("variant")
        elif o.startswith("typo"):
            k.add("typo")
        elif o.startswith("drop"):
            k.add("drop:" + o.split(":")[1])
        elif o in ("family_first", "given_first"):
            k.add("reorder")
        elif o.startswith("cn_"):
            k.add("cn_syll")
        elif o in ("nickname", "italian_name", "native_alt"):
            k.add(o)
    return k


def pair_features(T, P, C, a, b):
    ta, tb = T["records"][a], T["records"][b]
    pa, pb = P[a], P[b]
    f = {}
    f["origin"] = T["identities"][ta["identity"]]["origin"]
    f["script"] = script_combo(pa, pb)
    f["ops"] = sorted(op_kinds(ta["ops"]) | op_kinds(tb["ops"]))
    ya, yb = pa.get("birth_year"), pb.get("birth_year")
    f["year"] = "missing" if ya is None or yb is None else "d%d" % abs(ya - yb)
    pha, phb = ta["phone_norm"], tb["phone_norm"]
    f["phone"] = ("same" if pha == phb else "different") if pha and phb else ("one-missing" if (pha or phb) else "none")
    ga, gb = pa.get("gender"), pb.get("gender")
    f["gender"] = "conflict" if ga in ("man", "woman") and gb in ("man", "woman") and ga != gb else (
        "same" if ga == gb and ga in ("man", "woman") else "unknown")
    ca, cb = pa.get("country"), pb.get("country")
    f["country"] = "same" if ca and ca == cb else ("conflict" if ca and cb else "missing")
    ni = near_info(C, a, b)
    f["near"] = "none" if ni is None else ("near" if ni[0] < 2000 and ni[1] <= 14 else "far")
    f["team"] = "same" if pa["team"] == pb["team"] else "diff"
    return f


def indistinguishable(f, rel=None):
    """negative pair: same name (up to spelling / a dropped part) and no conflicting evidence at all"""
    if rel is not None and not (rel in ("natural:same-name", "natural:name-subset") or rel.startswith("LA:")
                                and rel.split(":")[1] in ("year", "country", "phone", "gender")):
        return False
    return (f["year"] in ("missing", "d0", "d1", "d2") and f["gender"] != "conflict" and f["country"] != "conflict"
            and f["phone"] != "different")


def relation(T, a, b):
    ia, ib = T["records"][a]["identity"], T["records"][b]["identity"]
    if ia == ib:
        return "same"
    IA, IB = T["identities"][ia], T["identities"][ib]
    if IA["la"] and IA["la"]["anchor"] == ib:
        return "LA:" + IA["la"]["type"]
    if IB["la"] and IB["la"]["anchor"] == ia:
        return "LA:" + IB["la"]["type"]
    if IA["la"] and IB["la"] and IA["la"]["anchor"] == IB["la"]["anchor"]:
        return "LA-co:" + IA["la"]["type"] + "/" + IB["la"]["type"]
    ka, kb = name_keys(T, ia), name_keys(T, ib)
    if ka == kb:
        return "natural:same-name"
    if ka <= kb or kb <= ka:
        return "natural:name-subset"
    if ka & kb:
        return "natural:share-part"
    return "natural:other"


def short(P, T, x):
    p = P[x]
    return "%s %s %s y=%s%s g=%s c=%s ph=%s" % (x, p["team"], p["aliases"], p.get("birth_year"),
                                                "~" if p.get("birth_year_estimated") else "", p.get("gender"),
                                                p.get("country"), p.get("phone"))


def reasons_str(it):
    out = []
    for r in it["reasons"]:
        k = r["kind"]
        if k == "alias":
            out.append("alias(%s)" % r.get("how"))
        elif k == "met_near":
            out.append("near(%sm,%sd)" % (r.get("metres"), r.get("days")))
        elif k == "birth_year":
            out.append("by")
        else:
            out.append(k.replace("same_", "=").replace("shared_", "~"))
    return ",".join(out)


def score(prefix, thr, ex=0, agg=None):
    T, P, C, R = load(prefix)
    run = R["runs"].get(thr)
    if run is None or "items" not in run:
        return None
    prop = {}
    for it in run["items"]:
        a, b = it["a"]["external_id"], it["b"]["external_id"]
        prop[tuple(sorted((a, b)))] = it
    truth = set()
    for iid, I in T["identities"].items():
        rs = sorted(I["records"])
        for i in range(len(rs)):
            for j in range(i + 1, len(rs)):
                truth.add((rs[i], rs[j]))
    tp = [p for p in prop if p in truth]
    fp = [p for p in prop if p not in truth]
    fn = [p for p in truth if p not in prop]
    # cluster recall
    parent = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x
    for a, b in tp:
        parent[find(a)] = find(b)
    multi = [I for I in T["identities"].values() if len(I["records"]) > 1]
    cl_ok = sum(1 for I in multi if len({find(r) for r in I["records"]}) == 1)
    fp_feat = [(p, pair_features(T, P, C, *p), relation(T, *p)) for p in fp]
    nind = sum(1 for _, f, rel in fp_feat if indistinguishable(f, rel))
    # universe: negative record pairs with same/subset name and no conflicting evidence
    byg = collections.defaultdict(list)
    for rid, tr in T["records"].items():
        byg[min(name_keys(T, tr["identity"]))].append(rid)
    uni = 0
    for g, rs in byg.items():
        for i in range(len(rs)):
            for j in range(i + 1, len(rs)):
                a, b = rs[i], rs[j]
                ia, ib = T["records"][a]["identity"], T["records"][b]["identity"]
                if ia == ib:
                    continue
                ka, kb = name_keys(T, ia), name_keys(T, ib)
                if not (ka <= kb or kb <= ka):
                    continue
                if indistinguishable(pair_features(T, P, {}, a, b)):
                    uni += 1
    res = dict(prefix=prefix, thr=thr, persons=len(P), true=len(truth), prop=len(prop), tp=len(tp), fp=len(fp),
               fn=len(fn), P=len(tp) / max(1, len(prop)), R=len(tp) / max(1, len(truth)),
               P_excl_indist=len(tp) / max(1, len(prop) - nind), fp_indist=nind,
               cluster_R=cl_ok / max(1, len(multi)), indist_universe=uni, secs=run["total_s"], pages=len(run["page_s"]))
    if agg is not None:
        for p, f, rel in fp_feat:
            agg["fp_rel"][rel] += 1
            agg["fp_origin"][f["origin"]] += 1
            agg["fp_indist"]["indistinguishable" if indistinguishable(f, rel) else "distinguishable"] += 1
            for k in ("year", "phone", "near", "country", "gender", "script"):
                agg["fp_" + k][f[k]] += 1
            agg["fp_list"].append((prefix, p, f, rel, prop[p]))
        for p in truth:
            f = pair_features(T, P, C, *p)
            hit = p in prop
            for k in ("origin", "script", "year", "phone", "near", "team", "gender", "country"):
                agg["rec_" + k][f[k]][hit] += 1
            for o in f["ops"] or ["(none)"]:
                agg["rec_ops"][o][hit] += 1
            if not hit:
                agg["fn_list"].append((prefix, p, f))
            else:
                agg["tp_scores"].append(prop[p]["score"])
        for p in fp:
            agg["fp_scores"].append(prop[p]["score"])
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prefixes", nargs="+")
    ap.add_argument("--thr", default="default")
    ap.add_argument("--examples", type=int, default=0)
    ap.add_argument("--tables", action="store_true")
    a = ap.parse_args()
    agg = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0]))
    for k in list(agg):
        pass
    agg2 = {}
    agg2 = collections.defaultdict(collections.Counter)
    agg2["fp_list"] = []
    agg2["fn_list"] = []
    agg2["tp_scores"] = []
    agg2["fp_scores"] = []
    for k in ("rec_origin", "rec_script", "rec_year", "rec_phone", "rec_near", "rec_team", "rec_ops", "rec_gender", "rec_country"):
        agg2[k] = collections.defaultdict(lambda: [0, 0])
    print("%-22s %-7s %6s %5s %5s %5s %4s %4s  %-6s %-6s %-6s %-6s %6s %5s %5s" % (
        "set", "thr", "pers", "true", "prop", "tp", "fp", "fn", "P", "R", "P_xind", "clR", "secs", "fpInd", "uInd"))
    for pre in a.prefixes:
        for thr in a.thr.split(","):
            r = score(pre, thr, agg=agg2 if thr == a.thr.split(",")[0] else None)
            if r is None:
                continue
            print("%-22s %-7s %6d %5d %5d %5d %4d %4d  %.3f  %.3f  %.3f  %.3f %6.2f %5d %5d" % (
                pre.split("/")[-1], thr, r["persons"], r["true"], r["prop"], r["tp"], r["fp"], r["fn"], r["P"], r["R"],
                r["P_excl_indist"], r["cluster_R"], r["secs"], r["fp_indist"], r["indist_universe"]))
    if a.tables:
        print("\n== false positives by relation:", dict(agg2["fp_rel"].most_common()))
        for k in ("fp_indist", "fp_origin", "fp_year", "fp_phone", "fp_near", "fp_country", "fp_gender", "fp_script"):
            print("   %s: %s" % (k, dict(agg2[k].most_common())))
        print("\n== recall by feature (hit/total)")
        for k in ("rec_origin", "rec_script", "rec_ops", "rec_year", "rec_phone", "rec_near", "rec_team", "rec_gender", "rec_country"):
            d = agg2[k]
            print("   %s: %s" % (k, ", ".join("%s %d/%d=%.2f" % (x, v[1], v[0] + v[1], v[1] / (v[0] + v[1]))
                                            for x, v in sorted(d.items(), key=lambda kv: -(kv[1][0] + kv[1][1])))))
        import statistics
        if agg2["tp_scores"] and agg2["fp_scores"]:
            print("   score median tp=%.3f fp=%.3f" % (statistics.median(agg2["tp_scores"]), statistics.median(agg2["fp_scores"])))
    if a.examples:
        cache = {}

        def ld(pre):
            if pre not in cache:
                cache[pre] = load(pre)
            return cache[pre]
        print("\n== FALSE POSITIVE examples")
        for pre, p, f, rel, it in agg2["fp_list"][:a.examples]:
            T, P, C, R = ld(pre)
            print("-- %s %s score=%.3f [%s] %s" % (pre.split("/")[-1], rel, it["score"], reasons_str(it),
                                                  {k: f[k] for k in ("year", "phone", "near", "country", "gender")}))
            print("   A", short(P, T, p[0]))
            print("   B", short(P, T, p[1]))
        print("\n== MISSED true pairs examples")
        for pre, p, f in agg2["fn_list"][:a.examples]:
            T, P, C, R = ld(pre)
            low = R["runs"].get("0.3", {}).get("items", [])
            sc = [it for it in low if tuple(sorted((it["a"]["external_id"], it["b"]["external_id"]))) == p]
            print("-- %s %s ops=%s %s score@0.3=%s" % (pre.split("/")[-1], f["origin"], f["ops"],
                                                    {k: f[k] for k in ("script", "year", "phone", "near", "gender", "country")},
                                                    ("%.3f [%s]" % (sc[0]["score"], reasons_str(sc[0]))) if sc else "-"))
            print("   A", short(P, T, p[0]), T["records"][p[0]]["ops"])
            print("   B", short(P, T, p[1]), T["records"][p[1]]["ops"])


if __name__ == "__main__":
    main()
