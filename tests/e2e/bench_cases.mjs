// The laptop's browser part of `cargo xtask bench device` (not a test: `node --test` does
// not pick it up). Run by tests/benches/device.rs against a server holding a field team's
// persons, contacts and referrals and a social-services expert's cases of them.
//
// Debian's Chromium at laptop size (1440 × 900), the case worker as they work:
// 1. sign in on the central page, keep the team and the cases offline (the offline
//    section), save: the sync until the laptop holds every document — wall time, long
//    tasks, a CPU profile;
// 2. the case list (from the server): click → first row, long tasks;
// 3. open 40 cases one after the other, from rows spread over the list: click → the case
//    page drawn with the case (the person, the state, every section), and online also
//    until what the teams recorded of the person (the server's page) shows;
// 4. the same with the network cut (the list stays drawn): the case page from the
//    laptop's copy.
// Figures go to $STRADA_BENCH_BROWSER_OUT (JSON, keys `cases_…`); CPU profiles beside it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  attribute, busyStretches, countRecords, initScript, launchBenchBrowser, longtasksIn,
  ltFigures, markProfile, memory, pct, profileZero, round, topFunctions,
} from './bench_profile.mjs';

const URL = process.env.STRADA_URL;
const USER = process.env.STRADA_BENCH_USER;
const PASSWORD = process.env.STRADA_BENCH_PASSWORD;
const TEAM = process.env.STRADA_BENCH_TEAM;
const DOCS = Number(process.env.STRADA_BENCH_DOCS || 0);
const OUT = process.env.STRADA_BENCH_BROWSER_OUT;
const THROTTLE = Number(process.env.STRADA_BENCH_CPU_THROTTLE || 1);
const OPENS = 40;
if (!URL || !USER || !PASSWORD || !TEAM || !DOCS || !OUT) {
  throw new Error('run through `cargo xtask bench device`');
}

const log = (...a) => console.error('bench device (laptop):', ...a);

/** What the page did while the profiler ran: top functions and the long tasks' stacks. */
async function stopProfile(cdp, mark, tasks, file) {
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(join(dirname(OUT), file), JSON.stringify(profile));
  return {
    top: topFunctions(profile),
    busiest: busyStretches(profile),
    attributed: attribute(profile, profileZero(profile, mark), tasks),
  };
}

/**
 * The renderer main thread's work in a trace (`browser.startTracing`), per `n` openings:
 * its tasks in all, and within them scripts, style, layout, paint, garbage collection.
 */
function mainThreadWork(trace, n) {
  const events = trace.traceEvents || trace;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain'
    && events.some((x) => x.pid === e.pid && x.name === 'FunctionCall'));
  if (!main) return { summary: 'no renderer main thread in the trace', top_events_ms: null };
  const kinds = {
    tasks: ['RunTask'],
    script: ['FunctionCall', 'EvaluateScript', 'RunMicrotasks', 'TimerFire', 'FireAnimationFrame', 'EventDispatch'],
    style: ['UpdateLayoutTree', 'RecalculateStyles'],
    layout: ['Layout'],
    paint: ['PrePaint', 'Paint', 'Layerize', 'UpdateLayer', 'CompositeLayers'],
    gc: ['MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'BlinkGC.AtomicPhase'],
  };
  const sums = Object.fromEntries(Object.keys(kinds).map((k) => [k, 0]));
  // Nested events of one kind (a function called from a function) are counted once.
  const open = Object.fromEntries(Object.keys(kinds).map((k) => [k, 0]));
  for (const e of events) {
    if (e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !e.dur) continue;
    for (const [k, names] of Object.entries(kinds)) {
      if (!names.includes(e.name) || e.ts < open[k]) continue;
      sums[k] += e.dur / 1000;
      open[k] = e.ts + e.dur;
    }
  }
  // And the kinds of trace events that took longest (nested ones counted in each).
  const byName = new Map();
  for (const e of events) {
    if (e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !e.dur) continue;
    byName.set(e.name, (byName.get(e.name) || 0) + e.dur / 1000);
  }
  const top = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)
    .map(([name, ms]) => `${name} ${round(ms / n)}`).join(', ');
  return {
    summary: Object.entries(sums).map(([k, ms]) => `${k} ${round(ms / n)} ms`).join(', '),
    top_events_ms: top,
  };
}

async function startProfile(cdp, page) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return markProfile(page);
}

/** An API path with its ids as `{id}`, to group requests. */
const pathKind = (p) => p.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}');

/**
 * Opens the case `id` from its row of the list, as a click would: the time until the case
 * page shows the case (the person's name, the state, the intake section and the others),
 * until the frame after, and with `records` until what the teams recorded of the person
 * (the server's page) shows too.
 */
function openCase(page, id, records) {
  return page.evaluate(({ id, records }) => new Promise((resolve, reject) => {
    const row = document.querySelector(`[data-testid=case-row][data-id="${id}"]`);
    if (!row) { reject(new Error(`no row for case ${id}`)); return; }
    // A user at the laptop: activity, so the idle lock does not fall during the bench.
    window.dispatchEvent(new Event('pointerdown'));
    // The pane beside the list, where the case opens. Read without forcing a layout
    // (textContent, not innerText): the measure must not cost the page anything.
    const pane = row.closest('.ws-split').querySelector('.ws-detail');
    const view = () => pane.querySelector(`[data-testid=case-view][data-id="${id}"]`);
    const shown = () => {
      const v = view();
      if (!v || !v.querySelector('[data-testid=case-state]')) return false;
      const person = v.querySelector('[data-testid=case-person]');
      return !!person && person.textContent.trim().length > 0
        && !!v.querySelector('[data-testid=case-intake]')
        && !!v.querySelector('[data-testid=case-closure]');
    };
    const withRecords = () => !!view()?.querySelector('[data-testid=case-contacts]');
    let t0 = 0;
    let t1 = null;
    let painted = null;
    let t2 = null;
    const end = () => {
      if (t1 === null || painted === null || (records && t2 === null)) return;
      mo.disconnect();
      const fetches = window.__bench.fetches.filter((f) => f.start >= t0 && f.start < (t2 ?? t1));
      resolve({ ready: t1 - t0, painted: painted - t0, records: t2 === null ? null : t2 - t0, fetches });
    };
    const check = () => {
      const now = performance.now();
      if (t1 === null && shown()) {
        t1 = now;
        // The frame that shows it: the next animation frame, then its task.
        requestAnimationFrame(() => setTimeout(() => { painted = performance.now(); end(); }));
      }
      if (records && t2 === null && withRecords()) t2 = now;
      end();
    };
    const mo = new MutationObserver(check);
    mo.observe(pane, { subtree: true, childList: true, characterData: true });
    setTimeout(() => { if (t1 === null || (records && t2 === null)) reject(new Error(`case ${id} did not show in 20 s`)); }, 20000);
    t0 = performance.now();
    row.click();
    check();
  }), { id, records });
}

/** Opens `ids` one after the other; figures under `prefix`. */
async function openAll(page, ids, records, prefix, out) {
  const from = await page.evaluate(() => performance.now());
  const times = [];
  const paints = [];
  const withRecords = [];
  const fetchTotals = [];
  const byKind = new Map();
  for (const id of ids) {
    const r = await openCase(page, id, records);
    times.push(r.ready);
    paints.push(r.painted);
    if (r.records !== null) withRecords.push(r.records);
    fetchTotals.push(r.fetches.reduce((s, f) => s + f.dur, 0));
    for (const f of r.fetches) {
      const k = pathKind(f.path);
      const e = byKind.get(k) || { n: 0, ms: 0 };
      e.n += 1;
      e.ms += f.dur;
      byKind.set(k, e);
    }
    // A person reads a page before the next click.
    await page.waitForTimeout(150);
  }
  const to = await page.evaluate(() => performance.now());
  const tasks = await page.evaluate(({ from, to }) => window.__bench.longtasks
    .filter((t) => t.start >= from && t.start < to), { from, to });
  const lt = ltFigures(tasks);
  out[`${prefix}_count`] = times.length;
  out[`${prefix}_p50_ms`] = round(pct(times, 0.5));
  out[`${prefix}_p95_ms`] = round(pct(times, 0.95));
  out[`${prefix}_max_ms`] = round(Math.max(...times));
  out[`${prefix}_painted_p95_ms`] = round(pct(paints, 0.95));
  if (withRecords.length) {
    out[`${prefix}_with_records_p50_ms`] = round(pct(withRecords, 0.5));
    out[`${prefix}_with_records_p95_ms`] = round(pct(withRecords, 0.95));
  }
  out[`${prefix}_api_wait_p50_ms`] = round(pct(fetchTotals, 0.5));
  out[`${prefix}_api_wait_p95_ms`] = round(pct(fetchTotals, 0.95));
  out[`${prefix}_api_requests`] = [...byKind.entries()]
    .map(([k, e]) => `${k} ${round(e.n / times.length, 2)}× ${round(e.ms / e.n)} ms`).join(', ');
  out[`${prefix}_longtasks_count`] = lt.count;
  out[`${prefix}_longtask_max_ms`] = round(lt.max);
  out[`${prefix}_longtasks_top`] = [...tasks].sort((a, b) => b.dur - a.dur).slice(0, 6)
    .map((t) => `${round(t.dur)} ms at +${round((t.start - from) / 1000, 2)} s`).join(', ');
  log(`${prefix}: p50 ${out[`${prefix}_p50_ms`]} ms, p95 ${out[`${prefix}_p95_ms`]} ms, max ${out[`${prefix}_max_ms`]} ms; longest task ${out[`${prefix}_longtask_max_ms`]} ms`);
  return tasks;
}

const browser = await launchBenchBrowser();
const out = {};
try {
  const browserCdp = await browser.newBrowserCDPSession();
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 }, locale: 'it-IT', timezoneId: 'Europe/Rome',
  });
  await context.addInitScript(initScript);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (THROTTLE > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  await cdp.send('Performance.enable');
  out.cases_viewport = '1440x900';

  // ------------------------------------------- 1. keep the cases offline: the sync ----
  await page.goto(URL + '/#/centrale');
  await page.getByLabel('Nome utente').fill(USER);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByTestId('workspace').waitFor({ timeout: 60000 });
  const scope = page.getByTestId('offline-scope');
  await scope.getByTestId(`scope-team-${TEAM}`).check({ timeout: 30000 });
  await scope.getByTestId('scope-cases').check();
  // Whatever the sign-in started (the first, empty, sync) is over before the clock starts.
  await page.waitForTimeout(2000);
  const syncMark = await startProfile(cdp, page);
  const t0 = Date.now();
  await scope.getByTestId('scope-save').click();
  const saveClick = await page.evaluate(() => window.__bench.clicks[window.__bench.clicks.length - 1]);
  await page.getByTestId('scope-status').filter({ hasText: 'Salvato' }).waitFor({ timeout: 60000 });
  log(`scope saved; waiting for ${DOCS} documents`);
  let docs = 0;
  let lastChange = Date.now();
  let syncClicks = 0;
  while (docs < DOCS) {
    if (Date.now() - t0 > 30 * 60 * 1000) throw new Error(`after 30 minutes the laptop holds ${docs} of ${DOCS} documents`);
    // Counting the records is work in the page too: twice a second is enough.
    await page.waitForTimeout(500);
    // Someone at the laptop (the idle lock watches pointer and keyboard events).
    await page.evaluate(() => window.dispatchEvent(new Event('pointerdown')));
    const n = (await countRecords(page)).docs ?? 0;
    if (n !== docs) { docs = n; lastChange = Date.now(); }
    // A sync may leave documents to a later one (the repair path takes a limited number of
    // snapshots per sync): sync again, as the button does.
    if (Date.now() - lastChange > 30000) {
      await page.getByTestId('sync-now').click();
      syncClicks += 1;
      lastChange = Date.now();
    }
  }
  const t1 = Date.now();
  const syncEndInPage = await page.evaluate(() => performance.now());
  out.cases_sync_seconds = round((t1 - t0) / 1000, 2);
  out.cases_sync_clicks = syncClicks;
  // What runs after the last page (summaries, lists) belongs to the sync too.
  await page.waitForTimeout(3000);
  const afterSync = await page.evaluate(() => window.__bench.longtasks);
  const syncTasks = longtasksIn(afterSync, saveClick, syncEndInPage + 3000);
  const syncProfile = await stopProfile(cdp, syncMark, syncTasks, 'device-cases-sync.cpuprofile');
  const slt = ltFigures(syncTasks);
  out.cases_sync_longtasks_count = slt.count;
  out.cases_sync_longtask_max_ms = round(slt.max);
  out.cases_sync_longtask_p95_ms = round(slt.p95);
  out.cases_sync_longtask_total_ms = round(slt.total);
  out.cases_sync_longtasks_top = [...syncTasks].sort((a, b) => b.dur - a.dur).slice(0, 8)
    .map((t) => `${round(t.dur)} ms at +${round((t.start - saveClick) / 1000, 2)} s`).join(', ');
  out.cases_sync_profile_top = syncProfile.top;
  out.cases_sync_profile_busiest = syncProfile.busiest;
  out.cases_sync_longtasks_attributed = syncProfile.attributed;
  const counts = await countRecords(page);
  out.cases_docs = counts.docs ?? null;
  out.cases_idb_records = JSON.stringify(counts);
  const m = await memory(page, cdp, browserCdp);
  out.cases_js_heap_mb = round(m.jsHeap / 2 ** 20, 2);
  out.cases_wasm_memory_mb = m.wasm === null ? null : round(m.wasm / 2 ** 20, 2);
  out.cases_renderer_rss_mb = m.rss.max === null ? null : round(m.rss.max / 2 ** 20, 1);
  out.cases_idb_bytes = m.idb;
  log(`sync: ${out.cases_docs} documents in ${out.cases_sync_seconds} s, ${slt.count} long tasks, longest ${out.cases_sync_longtask_max_ms} ms`);

  // ----------------------------------------------------------- 2. the case list ----
  const openMark = await startProfile(cdp, page);
  const list = await page.evaluate(() => new Promise((resolve, reject) => {
    const tab = document.querySelector('[data-testid=ws-tab-cases]');
    const t0 = performance.now();
    const seen = () => document.querySelector('[data-testid=case-row]');
    const mo = new MutationObserver(() => {
      if (seen()) { mo.disconnect(); resolve({ ms: performance.now() - t0, at: t0 }); }
    });
    mo.observe(document.body, { subtree: true, childList: true });
    setTimeout(() => reject(new Error('no case row in 60 s')), 60000);
    tab.click();
  }));
  await page.waitForTimeout(1500);
  out.cases_list_ms = round(list.ms);
  out.cases_list_rows = await page.getByTestId('case-row').count();
  const listTasks = await page.evaluate((from) => window.__bench.longtasks
    .filter((t) => t.start >= from), list.at);
  const llt = ltFigures(listTasks);
  out.cases_list_longtasks_count = llt.count;
  out.cases_list_longtask_max_ms = round(llt.max);
  log(`case list: ${out.cases_list_rows} rows in ${out.cases_list_ms} ms, longest task ${out.cases_list_longtask_max_ms} ms`);

  // ------------------------------------------------- 3. open cases, 4. offline ----
  const ids = await page.$$eval('[data-testid=case-row]', (rows) => rows.map((r) => r.dataset.id));
  const step = ids.length / OPENS;
  const online = Array.from({ length: OPENS }, (_, i) => ids[Math.floor(i * step)]);
  const offline = Array.from({ length: OPENS }, (_, i) => ids[Math.floor(i * step + step / 2)]);
  const onlineTasks = await openAll(page, online, true, 'cases_open', out);
  await context.setOffline(true);
  await page.waitForTimeout(1000);
  const offlineTasks = await openAll(page, offline, false, 'cases_open_offline', out);
  out.cases_open_offline_shows_offline = await page.locator('[data-testid=case-view] .hint')
    .filter({ hasText: /rete|offline/i }).count() > 0;
  // Where the main thread's time goes when a case opens from the device: a trace of 10
  // more openings, summed per opening by kind of work.
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const traced = ids.slice(0, 10);
  for (const id of traced) {
    await openCase(page, id, false);
    await page.waitForTimeout(150);
  }
  const traceBytes = await browser.stopTracing();
  writeFileSync(join(dirname(OUT), 'device-cases-open.trace.json'), traceBytes);
  const work = mainThreadWork(JSON.parse(traceBytes.toString()), traced.length);
  out.cases_open_main_thread_per_open = work.summary ?? work;
  out.cases_open_trace_top_per_open = work.top_events_ms ?? null;
  await context.setOffline(false);
  const openProfile = await stopProfile(cdp, openMark, [...listTasks, ...onlineTasks, ...offlineTasks],
    'device-cases-open.cpuprofile');
  out.cases_open_profile_top = openProfile.top;
  out.cases_list_longtasks_attributed = openProfile.attributed
    .filter((a) => listTasks.some((t) => round(t.start) === a.at_ms));
  out.cases_open_longtasks_attributed = openProfile.attributed
    .filter((a) => !listTasks.some((t) => round(t.start) === a.at_ms));
  out.cases_longtask_max_ms = Math.max(out.cases_sync_longtask_max_ms, out.cases_list_longtask_max_ms,
    out.cases_open_longtask_max_ms, out.cases_open_offline_longtask_max_ms);
  out.cases_docs_at_end = (await countRecords(page)).docs ?? null;
  await context.close();
} finally {
  await browser.close();
}
writeFileSync(OUT, JSON.stringify(out, null, 2));
