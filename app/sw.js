// Strada's service worker: serves the app shell offline.
// - Precaches the files of this build (list written at build time by `cargo xtask`).
// - Navigations: network first (so a new release is seen), cached shell when offline.
// - Other same-origin GETs: cache first (file names carry a content hash). The central
//   bundle (ON_DEMAND: only at #/centrale, so phones never download it) is not
//   precached: it is kept in this version's cache when first fetched, or when the page
//   that started it says so (KEEP_ON_DEMAND), for a central laptop that goes offline.
// - Never touches /api/: API answers are never cached.
// - A new version waits until the page asks it to take over (SKIP_WAITING).
'use strict';
const VERSION = '__STRADA_VERSION__';
const PRECACHE = __STRADA_PRECACHE__;
const ON_DEMAND = __STRADA_ON_DEMAND__;
const CACHE = 'strada-shell-' + VERSION;
const NAV_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('strada-shell-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
  // The page started the central bundle: keep it for offline use. A first visit
  // fetches it before this worker controls the page, so the fetch handler never saw
  // it (a new user's walk: a central laptop reloaded offline could not open the
  // archive). Stored only if missing; the files are in the browser's HTTP cache.
  if (event.data && event.data.type === 'KEEP_ON_DEMAND') {
    event.waitUntil((async () => {
      const cache = await caches.open(CACHE);
      for (const path of ON_DEMAND) {
        if (!(await cache.match(path))) {
          try { await cache.add(path); } catch (_) { /* offline or gone: tried again next time */ }
        }
      }
    })());
  }
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (req.mode === 'navigate') {
    event.respondWith((async () => {
      try {
        return await withTimeout(fetch(req), NAV_TIMEOUT_MS);
      } catch (_) {
        const cache = await caches.open(CACHE);
        return (await cache.match('/index.html')) || Response.error();
      }
    })());
    return;
  }
  event.respondWith((async () => {
    const cached = await caches.match(req);
    if (cached) return cached;
    const res = await fetch(req);
    if (res.ok && ON_DEMAND.includes(url.pathname)) {
      const copy = res.clone();
      event.waitUntil(caches.open(CACHE).then((c) => c.put(req, copy)));
    }
    return res;
  })());
});
