// What the browser halves of `cargo xtask bench device` share (not a test: `node --test`
// does not pick it up, its name matches none of the test runner's patterns): the page's
// instruments (long tasks, first appearances, clicks, API requests, WASM memory), memory
// and IndexedDB figures, and the CPU profile's readings (top functions, busy stretches,
// the functions on the stack during each long task).
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './helpers.mjs';

export const round = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
export const pct = (xs, p) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
};

// Runs in every document before its own scripts: the long-task observer, the first time
// some elements appear, click times, API requests, and the WASM instance's memory (captured by wrapping
// WebAssembly.instantiate*, so the app exposes nothing new).
export const initScript = () => {
  const b = { longtasks: [], seen: {}, clicks: [], wasmMemory: null };
  window.__bench = b;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { b.observerError = String(e); }
  const watch = ['#username', '[data-testid=unlock-form]', '[data-testid=net-status]', '[data-testid=contact-row]'];
  const mo = new MutationObserver(() => {
    for (const s of watch) if (!(s in b.seen) && document.querySelector(s)) b.seen[s] = performance.now();
    if (Object.keys(b.seen).length === watch.length) mo.disconnect();
  });
  mo.observe(document, { childList: true, subtree: true });
  document.addEventListener('click', () => b.clicks.push(performance.now()), true);
  // Every request to the API, with its page time and duration: what a wait was spent on.
  b.fetches = [];
  const f = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    const start = performance.now();
    const done = () => {
      if (url.includes('/api/')) b.fetches.push({ path: new URL(url, location.href).pathname, start, dur: performance.now() - start });
    };
    const p = f.call(this, input, init);
    p.then(done, done);
    return p;
  };
  const keep = (p) => p.then((r) => {
    const inst = r instanceof WebAssembly.Instance ? r : r.instance;
    if (inst && inst.exports.memory) b.wasmMemory = inst.exports.memory;
    return r;
  });
  const is = WebAssembly.instantiateStreaming;
  if (is) WebAssembly.instantiateStreaming = (...a) => keep(is.apply(WebAssembly, a));
  const i = WebAssembly.instantiate;
  WebAssembly.instantiate = (...a) => keep(i.apply(WebAssembly, a));
};

export const longtasksIn = (tasks, from, to) => tasks.filter((t) => t.start >= from && t.start < to);
export const ltFigures = (tasks) => ({
  count: tasks.length,
  max: tasks.reduce((m, t) => Math.max(m, t.dur), 0),
  p95: pct(tasks.map((t) => t.dur), 0.95),
  total: tasks.reduce((s, t) => s + t.dur, 0),
});

/** Renderer processes' resident memory, from /proc, by the pids CDP reports. */
async function rendererRss(browserCdp) {
  try {
    const info = await browserCdp.send('SystemInfo.getProcessInfo');
    const rss = info.processInfo.filter((p) => p.type === 'renderer').map((p) => {
      try {
        const m = readFileSync(`/proc/${p.id}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
        return m ? Number(m[1]) * 1024 : 0;
      } catch { return 0; }
    });
    return { max: Math.max(0, ...rss), count: rss.length, how: 'CDP SystemInfo.getProcessInfo + /proc/<pid>/status VmRSS' };
  } catch (e) {
    return { max: null, count: 0, how: `unavailable: ${e.message}` };
  }
}

export async function memory(page, cdp, browserCdp) {
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  const inPage = await page.evaluate(async () => {
    const est = await navigator.storage.estimate();
    return {
      jsHeap: performance.memory ? performance.memory.usedJSHeapSize : null,
      wasm: window.__bench.wasmMemory ? window.__bench.wasmMemory.buffer.byteLength : null,
      idb: est.usageDetails ? est.usageDetails.indexedDB ?? null : null,
      usage: est.usage,
    };
  });
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const rss = await rendererRss(browserCdp);
  return { ...inPage, cdpJsHeapUsed: metrics.JSHeapUsedSize, rss };
}

/** Self time per function from a CDP CPU profile, biggest first. */
export function topFunctions(profile, n = 30) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const cf = node.callFrame;
    const file = cf.url ? cf.url.split('/').pop() : '';
    const name = `${cf.functionName || '(anonymous)'}${file ? ` [${file}]` : ''}`;
    self.set(name, (self.get(name) || 0) + dt);
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, ms]) => ({ name, self_ms: round(ms) }));
}

// Frames every wasm call passes through: left out of the busy stretches' lists.
export const WRAPPER = /^(real|js-to-wasm|wasm-to-js|wasm_bindgen|js_sys::futures|<core::pin::Pin|handleError)/;

/**
 * The longest stretches of the profile where the main thread never idled (a proxy for
 * the long tasks: the profile's clock is not the page's), each with the functions that
 * were on the stack for most of it (inclusive time), so wasm functions without names
 * show which JS imports (IndexedDB, crypto, DOM) they were calling.
 */
export function busyStretches(profile, n = 3, top = 12) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of profile.nodes) for (const c of x.children || []) parent.set(c, x.id);
  const label = (node) => {
    const cf = node.callFrame;
    const file = cf.url ? cf.url.split('/').pop() : '';
    return `${cf.functionName || '(anonymous)'}${file ? ` [${file}]` : ''}`;
  };
  const stretches = [];
  let cur = null;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    const idle = node.callFrame.functionName === '(idle)';
    if (idle) { if (cur) { stretches.push(cur); cur = null; } continue; }
    if (!cur) cur = { start: t, ms: 0, incl: new Map() };
    cur.ms += dt;
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id));
      if (seen.has(l) || l === '(root)' || WRAPPER.test(l)) continue;
      seen.add(l);
      cur.incl.set(l, (cur.incl.get(l) || 0) + dt);
    }
  }
  if (cur) stretches.push(cur);
  return stretches.sort((a, b) => b.ms - a.ms).slice(0, n).map((s) => ({
    busy_ms: round(s.ms),
    at_s: round((s.start - profile.startTime) / 1e6, 2),
    inclusive: [...s.incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([name, ms]) => `${round(ms)} ms ${name}`),
  }));
}

/**
 * Marks the profile: a 15 ms spin in a function of a known name, right after profiling
 * started. Returns the page time of the spin's start; [`profileZero`] finds the spin in
 * the profile and so maps the profile's clock onto the page's.
 */
export async function markProfile(page) {
  return page.evaluate(() => {
    const t = performance.now();
    // eslint-disable-next-line camelcase
    const __strada_bench_mark = () => { while (performance.now() < t + 15) { /* spin */ } };
    __strada_bench_mark();
    return t;
  });
}

/** The page time at the profile's start, from the mark (`markAt`: its page time). */
export function profileZero(profile, markAt) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of profile.nodes) for (const c of x.children || []) parent.set(c, x.id);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      if (byId.get(id).callFrame.functionName === '__strada_bench_mark') {
        return markAt - (t - profile.startTime) / 1000;
      }
    }
  }
  return null;
}

/**
 * What ran during each of the longest long tasks: the profile's samples inside the task
 * (the profile's clock is mapped to the page's by the moment profiling started, `zero`:
 * page time at profile start), with the functions on the stack for most of it
 * (inclusive). Function names need a build that keeps them (see README, Measure it).
 */
export function attribute(profile, zero, tasks, n = 6, top = 8) {
  if (zero === null) return [];
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of profile.nodes) for (const c of x.children || []) parent.set(c, x.id);
  const label = (node) => node.callFrame.functionName || '(anonymous)';
  const times = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    times.push((t - profile.startTime) / 1000 + zero);
  }
  return [...tasks].sort((a, b) => b.dur - a.dur).slice(0, n).map((task) => {
    const incl = new Map();
    let samples = 0;
    for (let i = 0; i < times.length; i++) {
      if (times[i] < task.start || times[i] > task.start + task.dur) continue;
      samples += 1;
      const seen = new Set();
      for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
        const l = label(byId.get(id));
        if (seen.has(l) || l === '(root)' || WRAPPER.test(l)) continue;
        seen.add(l);
        incl.set(l, (incl.get(l) || 0) + 1);
      }
    }
    const names = [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([name, k]) => `${Math.round((100 * k) / Math.max(1, samples))}% ${name.slice(0, 120)}`);
    return { dur_ms: round(task.dur), at_ms: round(task.start), samples, inclusive: names };
  });
}

/** Debian's Chromium, headless, with precise memory figures. */
export function launchBenchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--enable-precise-memory-info',
    ],
  });
}

/** How many records each IndexedDB store of the app holds (encrypted: only counted). */
export function countRecords(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('strada');
    open.onsuccess = async () => {
      const db = open.result;
      const counts = {};
      for (const name of db.objectStoreNames) {
        counts[name] = await new Promise((r) => {
          const q = db.transaction(name, 'readonly').objectStore(name).count();
          q.onsuccess = () => r(q.result);
          q.onerror = () => r(-1);
        });
      }
      db.close();
      resolve(counts);
    };
    open.onerror = () => resolve({});
  }));
}
