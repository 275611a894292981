#!/usr/bin/env python3
"""Import OUTDIR/data.jsonl into a fresh store, serve it, fetch the duplicate pairs.
usage: run.py OUTDIR PORT [STAGE]   -> OUTDIR/pairs_default.json, OUTDIR/pairs_all.json (threshold 0.05)"""
import json, os, shutil, subprocess, sys, time, urllib.request, urllib.parse
OUT, PORT = sys.argv[1], int(sys.argv[2])
STAGE = sys.argv[3] if len(sys.argv) > 3 else os.environ.get('STAGE', 'target/stage')
BIN = os.path.join(STAGE, 'strada-server'); DB = os.path.join(OUT, 'db'); PW = 'centrale-chk5-password'
shutil.rmtree(DB, ignore_errors=True)
subprocess.run([BIN, 'import', '--data-dir', DB, os.path.join(OUT, 'data.jsonl')], check=True, capture_output=True)
subprocess.run([BIN, 'user', 'add', 'centrale', '--role', 'central_office', '--team', 'pua', '--password-stdin', '--data-dir', DB],
               input=PW.encode(), check=True, capture_output=True)
log = open(os.path.join(OUT, 'serve.log'), 'w')
srv = subprocess.Popen([BIN, 'serve', '--listen', '127.0.0.1:%d' % PORT, '--data-dir', DB, '--dist-dir', os.path.join(STAGE, 'dist')], stdout=log, stderr=log)
base = 'http://127.0.0.1:%d' % PORT
try:
    for _ in range(100):
        try: urllib.request.urlopen(base + '/api/health', timeout=1); break
        except Exception: time.sleep(0.2)
    req = urllib.request.Request(base + '/api/auth/login', json.dumps({'username': 'centrale', 'password': PW}).encode(), {'Content-Type': 'application/json'})
    tok = json.load(urllib.request.urlopen(req))['token']
    def get(q):
        items, cur, total = [], None, None
        while True:
            qq = dict(q); 
            if cur: qq['cursor'] = cur
            url = base + '/api/persons/duplicates' + ('?' + urllib.parse.urlencode(qq) if qq else '')
            t = time.time()
            page = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={'Authorization': 'Bearer ' + tok}), timeout=600))
            print(url, 'items', len(page['items']), 'total', page['total'], '%.1fs' % (time.time() - t))
            items += page['items']; total = page['total']; cur = page.get('next')
            if not cur: break
        return {'total': total, 'items': items}
    json.dump(get({}), open(os.path.join(OUT, 'pairs_default.json'), 'w'), ensure_ascii=False)
    json.dump(get({'threshold': '0.05'}), open(os.path.join(OUT, 'pairs_all.json'), 'w'), ensure_ascii=False)
    # paging check: limit 100 pages at default threshold
    p = get({'limit': '500'})
    print('paged default: %d items, total %d' % (len(p['items']), p['total']))
finally:
    srv.terminate(); srv.wait()
