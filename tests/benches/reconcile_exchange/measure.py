#!/usr/bin/env python3
"""Imports a file written by generate.py into a fresh store with `strada-server import`,
serves it, asks `GET /api/persons/duplicates` as the central office, and prints the
precision and recall of the pairs against the file's truth.

    measure.py FILE.jsonl [PORT]

BIN: the server binary (default target/release/strada-server); THR: the threshold
asked (default: the server's); V=1: prints each false pair and each missed one."""
import collections, json, os, shutil, subprocess, sys, tempfile, time, urllib.request

BIN = os.environ.get("BIN", "target/release/strada-server")
data = sys.argv[1]
port = sys.argv[2] if len(sys.argv) > 2 else "18099"
verbose = os.environ.get("V")
d = tempfile.mkdtemp(prefix="strada-reconcile-exchange-")
r = subprocess.run([BIN, "--data-dir", d, "import", data], capture_output=True, text=True)
if r.returncode != 0:
    print(r.stdout[-2000:], r.stderr[-2000:])
    sys.exit(1)
# The team as the file names it (its slug is derived from "T1").
subprocess.run([BIN, "--data-dir", d, "user", "add", "chk", "--role", "central_office", "--team", "T1",
                "--password-stdin"], input="correct horse battery staple 1\n", capture_output=True, text=True, check=True)
srv = subprocess.Popen([BIN, "--data-dir", d, "--listen", "127.0.0.1:" + port, "--dist-dir", os.path.join(d, "no-dist")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    url = "http://127.0.0.1:" + port
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/api/health")
            break
        except Exception:
            time.sleep(0.1)
    req = urllib.request.Request(url + "/api/auth/login", method="POST", headers={"content-type": "application/json"},
                                 data=json.dumps(dict(username="chk", password="correct horse battery staple 1")).encode())
    tok = json.load(urllib.request.urlopen(req))["token"]
    thr = os.environ.get("THR")
    q = "/api/persons/duplicates?limit=2000" + ("&threshold=" + thr if thr else "")
    req = urllib.request.Request(url + q, headers={"authorization": "Bearer " + tok})
    page = json.load(urllib.request.urlopen(req))
finally:
    srv.terminate()
    srv.wait()
    shutil.rmtree(d, ignore_errors=True)
truth = json.load(open(data + ".truth.json"))
recs = {}
for line in open(data):
    o = json.loads(line)
    if o["type"] == "person":
        recs[o["id"]] = o
by = collections.defaultdict(list)
for p, k in truth.items():
    by[k].append(p)
true_pairs = set()
for k, ps in by.items():
    for i in range(len(ps)):
        for j in range(i + 1, len(ps)):
            true_pairs.add(frozenset((ps[i], ps[j])))
found = set()
tp = fp = 0


def s(x):
    r = recs[x]
    return "%s %s %s %s %s %s %s" % (r["aliases"], r.get("birth_year"), r.get("gender"), r.get("country"), r.get("phone"),
                                     r.get("usual_place"), r["team"])


for it in page["items"]:
    a, b = it["a"]["external_id"], it["b"]["external_id"]
    pair = frozenset((a, b))
    found.add(pair)
    if pair in true_pairs:
        tp += 1
    else:
        fp += 1
        if verbose:
            print("FP %.2f" % it["score"], s(a), "|", s(b), [r["kind"] for r in it["reasons"]])
fn = [p for p in true_pairs if p not in found]
if verbose:
    for p in fn:
        a, b = sorted(p)
        print("FN", s(a), "|", s(b))
P = tp / max(1, tp + fp)
R = tp / max(1, len(true_pairs))
print("pairs %d proposed %d tp %d fp %d  precision %.3f recall %.3f" % (len(true_pairs), len(page["items"]), tp, fp, P, R))
