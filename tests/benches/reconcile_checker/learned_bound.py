#!/usr/bin/env python3
"""How far a model *learned on the checker's own data* gets beyond the engine: an
estimate of what the facts in these sets allow, not a target.

Each set is held out in turn; a model is fitted on the other sets' candidate pairs
(those the engine scores at 0.05 or more, labelled with the truth) and scores the held
out set. Features: the engine's score (as log-odds), each kind of reason it gives
(how the aliases matched, the birth-year gap and whether a year is an estimate, phone,
gender, country, place, meetings), same team, a year or a phone missing on one side, the
fewest words of a name, and the pairs around the pair (how many other candidates its two
records have, the best of them, a third record close to both). Pairs the engine scores
below 0.05 count as missed by every model.

usage (needs numpy and scikit-learn: python3 -m venv v && v/bin/pip install numpy scikit-learn):
    BIN=target/release/strada-server python3 measure.py PREFIX --thr default,0.05   # each set
    v/bin/python learned_bound.py PREFIX1 PREFIX2 ...                              # three or more
"""
import collections, itertools, json, math, sys

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression


def load(prefix):
    recs = {}
    for line in open(prefix + ".jsonl"):
        o = json.loads(line)
        if o.get("type") == "person":
            recs[o["id"]] = o
    t = json.load(open(prefix + ".truth.json"))
    by_identity = collections.defaultdict(list)
    for r, v in t["records"].items():
        by_identity[v["identity"]].append(r)
    truth = {p for rs in by_identity.values() for p in itertools.combinations(sorted(rs), 2)}
    items = json.load(open(prefix + ".result.json"))["runs"]["0.05"]["items"]
    scored = {tuple(sorted([c["a"]["external_id"], c["b"]["external_id"]])): c for c in items}
    return recs, truth, scored


def features(c, recs, around):
    s = min(max(c["score"], 1e-6), 1 - 1e-6)
    f = collections.Counter(logit=math.log(s / (1 - s)))
    a, b = recs[c["a"]["external_id"]], recs[c["b"]["external_id"]]
    estimated = a.get("birth_year_estimated") or b.get("birth_year_estimated")
    for r in c["reasons"]:
        k = r["kind"]
        if k == "alias":
            f["alias_" + r["how"]] += 1
        elif k in ("birth_year", "different_birth_year"):
            f["year%d%s" % (min(abs(r["a"] - r["b"]), 6), "e" if estimated else "")] = 1
        elif k == "met_near":
            f["near_soon" if r["days"] < 1 else "near_later"] = 1
            f["near_km"] = r["metres"] / 1000
        else:
            f[k] = 1
    f["fewest_words"] = min(len(" ".join(x["aliases"]).split()) for x in (a, b))
    f["same_team"] = int(a["team"] == b["team"])
    f["year_missing"] = int(a.get("birth_year") is None or b.get("birth_year") is None)
    f["phone_one_missing"] = int((a.get("phone") is None) != (b.get("phone") is None))
    f.update(around)
    return f


def main():
    prefixes = sys.argv[1:]
    if len(prefixes) < 3:
        sys.exit(__doc__)
    rows, true_pairs = [], {}
    for prefix in prefixes:
        recs, truth, scored = load(prefix)
        true_pairs[prefix] = len(truth)
        near = collections.defaultdict(dict)
        for (x, y), c in scored.items():
            near[x][y] = c["score"]
            near[y][x] = c["score"]
        for (x, y), c in scored.items():
            ox = [v for k, v in near[x].items() if k != y]
            oy = [v for k, v in near[y].items() if k != x]
            third = [min(v, near[y][k]) for k, v in near[x].items() if k != y and k in near[y]]
            around = dict(others=len(ox) + len(oy), other_best=max(ox + oy + [0]),
                          other_best_both=min(max(ox + [0]), max(oy + [0])), third=max(third + [0]))
            rows.append((prefix, features(c, recs, around), int((x, y) in truth)))
    keys = sorted({k for _, f, _ in rows for k in f})
    matrix = lambda rs: np.array([[f.get(k, 0) for k in keys] for _, f, _ in rs])
    total = sum(true_pairs.values())

    def report(name, make):
        scored = []
        for held in prefixes:
            train = [r for r in rows if r[0] != held]
            test = [r for r in rows if r[0] == held]
            if make is None:
                p = [1 / (1 + math.exp(-f["logit"])) for _, f, _ in test]
            else:
                model = make().fit(matrix(train), [r[2] for r in train])
                p = model.predict_proba(matrix(test))[:, 1]
            scored += zip(p, [r[2] for r in test])
        points = []
        for thr in (0.3, 0.4, 0.5, 0.6, 0.7):
            tp = sum(y for p, y in scored if p >= thr)
            n = sum(1 for p, _ in scored if p >= thr)
            points.append("%.1f: %.3f/%.3f" % (thr, tp / max(1, n), tp / total))
        scored.sort(key=lambda x: -x[0])
        tp = n = 0
        best = 0.0
        for _, y in scored:
            tp, n = tp + y, n + 1
            if tp >= 0.9 * n:
                best = max(best, tp / total)
        print("%-28s recall at precision >= 0.9: %.3f   precision/recall by threshold %s"
              % (name, best, ", ".join(points)))

    print("%d sets, %d true pairs, %d candidate pairs at 0.05, held out one set at a time"
          % (len(prefixes), total, len(rows)))
    report("engine", None)
    report("logistic regression", lambda: LogisticRegression(C=1.0, max_iter=5000))
    report("gradient boosting", lambda: GradientBoostingClassifier(
        n_estimators=200, max_depth=3, learning_rate=0.05, random_state=0))


if __name__ == "__main__":
    main()
