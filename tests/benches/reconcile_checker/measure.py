#!/usr/bin/env python3
"""Import a generated set into a fresh store, serve it, fetch GET /api/persons/duplicates
(default threshold and optional others), and save the raw answer with timings.

usage: measure.py PREFIX --port 18302 [--thr default,0.6,0.7]
writes PREFIX.result.json
"""
import argparse, json, os, subprocess, sys, tempfile, time, urllib.request, urllib.error

BIN = os.environ.get("BIN", "target/release/strada-server")
PW = "correct horse battery staple 1"


def http(method, url, body=None, token=None, timeout=600):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prefix")
    ap.add_argument("--port", type=int, default=18302)
    ap.add_argument("--thr", default="default,0.6,0.7")
    a = ap.parse_args()
    store = tempfile.mkdtemp(prefix="strada-checker-store-")
    out = {"store": store, "timings": {}}
    t = time.time()
    r = subprocess.run([BIN, "--data-dir", store, "import", a.prefix + ".jsonl"], capture_output=True, text=True)
    out["timings"]["import_s"] = round(time.time() - t, 2)
    if r.returncode != 0:
        print(r.stdout[-3000:], r.stderr[-3000:])
        sys.exit("import failed")
    subprocess.run([BIN, "--data-dir", store, "user", "add", "chk", "--role", "central_office", "--team", "T1",
                    "--password-stdin"], input=PW + "\n", capture_output=True, text=True, check=True)
    log = open(os.path.join(store, "server.log"), "w")
    t = time.time()
    srv = subprocess.Popen([BIN, "--data-dir", store, "--listen", "127.0.0.1:%d" % a.port, "--dist-dir",
                            os.path.join(store, "none")], stdout=log, stderr=subprocess.STDOUT)
    base = "http://127.0.0.1:%d" % a.port
    try:
        for _ in range(600):
            try:
                s, b = http("POST", base + "/api/auth/login", {"username": "chk", "password": PW}, timeout=5)
                if s == 200:
                    break
            except Exception:
                pass
            time.sleep(0.2)
        out["timings"]["startup_s"] = round(time.time() - t, 2)
        tok = b["token"]
        out["runs"] = {}
        for thr in a.thr.split(","):
            items, pages, cursor = [], [], None
            t0 = time.time()
            while True:
                q = "limit=2000"
                if thr != "default":
                    q += "&threshold=" + thr
                if cursor:
                    q += "&cursor=" + urllib.request.quote(cursor)
                t1 = time.time()
                s, b = http("GET", base + "/api/persons/duplicates?" + q, token=tok)
                pages.append(round(time.time() - t1, 3))
                if s != 200:
                    out["runs"][thr] = {"error": [s, b]}
                    break
                items += b["items"]
                cursor = b.get("next")
                if not cursor:
                    break
            # second call (warm) timing
            t2 = time.time()
            q = "limit=2000" + ("" if thr == "default" else "&threshold=" + thr)
            s2, _ = http("GET", base + "/api/persons/duplicates?" + q, token=tok)
            warm = round(time.time() - t2, 3)
            out["runs"][thr] = {"items": items, "total": b.get("total") if isinstance(b, dict) else None,
                                "page_s": pages, "total_s": round(time.time() - t0 - warm, 3), "warm_first_page_s": warm}
            print("%s thr=%s pairs=%d pages=%s warm=%.2fs" % (a.prefix, thr, len(items), pages, warm), flush=True)
        # server RSS
        try:
            with open("/proc/%d/status" % srv.pid) as f:
                out["rss_kb"] = [l for l in f if l.startswith("VmHWM")][0].split()[1]
        except Exception:
            pass
    finally:
        srv.terminate()
        try:
            srv.wait(10)
        except Exception:
            srv.kill()
    json.dump(out, open(a.prefix + ".result.json", "w"), ensure_ascii=False)
    subprocess.run(["rm", "-rf", store])


if __name__ == "__main__":
    main()
