// The phone's browser part of `cargo xtask bench device` (not a test: `node --test` does
// not pick it up, its name matches none of the test runner's patterns). Run by
// tests/benches/device.rs against a server it has filled with documents; the laptop's
// part is bench_cases.mjs, what both use bench_profile.mjs.
//
// Debian's Chromium, phone viewport, the app as a worker uses it:
// 1. sign in and let the first sync pull everything: wall time, long tasks (Chromium's
//    long-task observer) and a CPU profile of the main thread (CDP Profiler);
// 2. start again from the service-worker cache in a new tab: navigation → unlock page
//    interactive, unlock click → first records shown, long tasks during the start;
// 3. open 40 persons one after the other: click → the editor holds the document's data;
// 4. memory (JS heap, WASM linear memory, renderer RSS) after the sync and after the
//    start, and what IndexedDB holds.
// Figures go to $STRADA_BENCH_BROWSER_OUT (JSON); the CPU profile beside it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { phoneContext } from './helpers.mjs';
import {
  attribute, busyStretches, countRecords as countIn, initScript, launchBenchBrowser,
  longtasksIn, ltFigures, markProfile, memory, pct, profileZero, round, topFunctions,
} from './bench_profile.mjs';

const URL = process.env.STRADA_URL;
const USER = process.env.STRADA_BENCH_USER;
const PASSWORD = process.env.STRADA_BENCH_PASSWORD;
const DOCS = Number(process.env.STRADA_BENCH_DOCS || 10000);
const OUT = process.env.STRADA_BENCH_BROWSER_OUT;
const OPENS = 40;
// Chromium's CPU throttling (CDP Emulation.setCPUThrottlingRate): 4 makes this machine's
// core behave like a low-end phone's. 1 = none.
const THROTTLE = Number(process.env.STRADA_BENCH_CPU_THROTTLE || 1);
if (!URL || !USER || !PASSWORD || !OUT) throw new Error('run through `cargo xtask bench device`');

const log = (...a) => console.error('bench device:', ...a);

const browser = await launchBenchBrowser();
const out = {};
try {
  const browserCdp = await browser.newBrowserCDPSession();
  const context = await phoneContext(browser);
  await context.addInitScript(initScript);

  // ------------------------------------------------------------ 1. the first sync ----
  let page = await context.newPage();
  let cdp = await context.newCDPSession(page);
  const throttle = (session) => (THROTTLE > 1
    ? session.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE }) : Promise.resolve());
  await throttle(cdp);
  out.cpu_throttle = THROTTLE;
  await cdp.send('Performance.enable');
  await page.goto(URL + '/');
  await page.getByLabel('Nome utente').fill(USER);
  await page.getByLabel('Password').fill(PASSWORD);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  const syncMark = await markProfile(page);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByTestId('net-status').waitFor({ timeout: 60000 });
  log('signed in; waiting for the first sync');
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=last-sync]');
    return el && el.dataset.ms && el.dataset.ms !== '0';
  }, null, { timeout: 30 * 60 * 1000, polling: 200 });
  const t1 = Date.now();
  const countRecords = () => countIn(page);
  const firstCounts = await countRecords();
  out.idb_records = JSON.stringify(firstCounts);
  out.docs_after_first_sync = firstCounts.docs ?? null;
  // A first sync may leave documents to a later one (the repair path fetches a limited
  // number of snapshots per sync): sync again, as the button does, until all are here.
  let syncs = 1;
  let docsNow = firstCounts.docs ?? 0;
  while (docsNow < DOCS && syncs < 30) {
    const before = await page.getByTestId('last-sync').getAttribute('data-ms');
    await page.getByTestId('sync-now').click();
    await page.waitForFunction((b) => {
      const el = document.querySelector('[data-testid=last-sync]');
      return el && el.dataset.ms !== b;
    }, before, { timeout: 10 * 60 * 1000, polling: 200 });
    syncs += 1;
    docsNow = (await countRecords()).docs ?? 0;
  }
  const t2 = Date.now();
  out.syncs_until_all_docs = docsNow >= DOCS ? syncs : null;
  out.all_docs_on_device_seconds = round((t2 - t0) / 1000, 2);
  const syncEndInPage = await page.evaluate(() => performance.now());
  await page.getByTestId('contact-row').first().waitFor({ timeout: 120000 });
  const tRows = Date.now();
  const { profile } = await cdp.send('Profiler.stop');
  const profilePath = join(dirname(OUT), 'device-sync.cpuprofile');
  writeFileSync(profilePath, JSON.stringify(profile));
  const b1 = await page.evaluate(() => ({ longtasks: window.__bench.longtasks, clicks: window.__bench.clicks, err: window.__bench.observerError }));
  if (b1.err) throw new Error(`long-task observer: ${b1.err}`);
  const signInClick = b1.clicks[0];
  const syncTasks = longtasksIn(b1.longtasks, signInClick, syncEndInPage + (Date.now() - t2));
  const lt = ltFigures(syncTasks);
  out.initial_sync_seconds = round((t1 - t0) / 1000, 2);
  out.sync_longtasks_count = lt.count;
  out.sync_longtask_max_ms = round(lt.max);
  out.sync_longtask_p95_ms = round(lt.p95);
  out.sync_longtask_total_ms = round(lt.total);
  out.sync_longtasks_top = [...syncTasks].sort((a, b) => b.dur - a.dur).slice(0, 8)
    .map((t) => `${round(t.dur)} ms at +${round((t.start - signInClick) / 1000, 2)} s`).join(', ');
  out.sync_profile_top = topFunctions(profile);
  out.sync_profile_busiest = busyStretches(profile);
  out.sync_longtasks_attributed = attribute(profile, profileZero(profile, syncMark), syncTasks);
  out.sync_profile_file = profilePath;
  log(`first sync ${out.initial_sync_seconds} s (${out.docs_after_first_sync} documents), all ${DOCS} after ${syncs} syncs, ${lt.count} long tasks, longest ${out.sync_longtask_max_ms} ms`);

  const m1 = await memory(page, cdp, browserCdp);
  out.after_sync_js_heap_mb = round(m1.jsHeap / 2 ** 20, 2);
  out.after_sync_wasm_memory_mb = m1.wasm === null ? null : round(m1.wasm / 2 ** 20, 2);
  out.after_sync_renderer_rss_mb = m1.rss.max === null ? null : round(m1.rss.max / 2 ** 20, 1);
  out.idb_bytes = m1.idb;
  out.origin_storage_bytes = m1.usage;
  // Let the service worker take control and everything settle before the restart.
  await page.waitForTimeout(2000);
  out.service_worker_controls = await page.evaluate(() => !!navigator.serviceWorker.controller);
  await page.close();

  // ------------------------------------------------ 2. start again from the cache ----
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
  await throttle(cdp);
  await cdp.send('Performance.enable');
  // The page load is profiled too, so its long tasks are attributed.
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  await page.goto(URL + '/');
  await page.getByTestId('unlock-form').waitFor({ timeout: 60000 });
  // Quiet time so that whatever the start still runs shows up before the unlock click.
  await page.waitForTimeout(1500);
  const beforeUnlock = await page.evaluate(() => ({
    seen: window.__bench.seen,
    longtasks: window.__bench.longtasks,
    controlled: !!navigator.serviceWorker.controller,
    nav: performance.getEntriesByType('navigation')[0]?.toJSON(),
  }));
  const loadMark = await markProfile(page);
  const { profile: loadProfile } = await cdp.send('Profiler.stop');
  out.load_longtasks_attributed = attribute(loadProfile, profileZero(loadProfile, loadMark),
    beforeUnlock.longtasks);
  const formAt = beforeUnlock.seen['[data-testid=unlock-form]'];
  const lastBefore = beforeUnlock.longtasks.reduce((m, t) => Math.max(m, t.start + t.dur), 0);
  out.start_served_by_service_worker = beforeUnlock.controlled;
  out.start_to_unlock_form_ms = round(formAt);
  out.start_to_unlock_page_ms = round(Math.max(formAt, lastBefore));
  await page.getByLabel('Password').fill(PASSWORD);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  const unlockMark = await markProfile(page);
  await page.getByRole('button', { name: 'Sblocca' }).click();
  await page.getByTestId('contact-row').first().waitFor({ timeout: 120000 });
  // Watch the main thread for a while after the records show (sync after unlock, ...).
  await page.waitForTimeout(3000);
  const { profile: startProfile } = await cdp.send('Profiler.stop');
  writeFileSync(join(dirname(OUT), 'device-unlock.cpuprofile'), JSON.stringify(startProfile));
  out.unlock_profile_busiest = busyStretches(startProfile, 2);
  const afterUnlock = await page.evaluate(() => ({ seen: window.__bench.seen, longtasks: window.__bench.longtasks, clicks: window.__bench.clicks }));
  const unlockClick = afterUnlock.clicks[afterUnlock.clicks.length - 1];
  const rowsAt = afterUnlock.seen['[data-testid=contact-row]'];
  out.unlock_to_records_ms = round(rowsAt - unlockClick);
  const upToRows = afterUnlock.longtasks.filter((t) => t.start < rowsAt);
  const afterRows = afterUnlock.longtasks.filter((t) => t.start >= rowsAt);
  out.unlock_to_main_thread_free_ms = round(Math.max(rowsAt, ...upToRows.map((t) => t.start + t.dur)) - unlockClick);
  out.start_to_records_total_ms = round(out.start_to_unlock_page_ms + out.unlock_to_records_ms);
  const startLt = ltFigures(upToRows);
  out.start_longtasks_attributed = attribute(startProfile, profileZero(startProfile, unlockMark),
    afterUnlock.longtasks.filter((t) => t.start >= unlockMark));
  out.start_longtasks_count = startLt.count;
  out.start_longtask_max_ms = round(startLt.max);
  out.start_longtasks_top = [...upToRows].sort((a, b) => b.dur - a.dur).slice(0, 6)
    .map((t) => `${round(t.dur)} ms at ${round(t.start)} ms`).join(', ');
  const after = ltFigures(afterRows);
  out.after_start_3s_longtasks_count = after.count;
  out.after_start_3s_longtask_max_ms = round(after.max);
  const m2 = await memory(page, cdp, browserCdp);
  out.js_heap_mb = round(m2.jsHeap / 2 ** 20, 2);
  out.cdp_js_heap_used_mb = round(m2.cdpJsHeapUsed / 2 ** 20, 2);
  out.wasm_memory_mb = m2.wasm === null ? null : round(m2.wasm / 2 ** 20, 2);
  out.renderer_rss_mb = m2.rss.max === null ? null : round(m2.rss.max / 2 ** 20, 1);
  out.renderer_rss_how = m2.rss.how;
  log(`start: unlock page ${out.start_to_unlock_page_ms} ms, records ${out.unlock_to_records_ms} ms after the unlock click`);

  // --------------------------------------------------------- 3. open a record ----
  await page.evaluate(() => { location.hash = '#/persone'; });
  await page.getByTestId('person-row').first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(500);
  const shownPersons = await page.locator('[data-testid=person-row] button.pick').count();
  out.persons_listed = shownPersons;
  const opens = [];
  const paints = [];
  const openFrom = await page.evaluate(() => performance.now());
  for (let i = 0; i < OPENS; i++) {
    const r = await page.evaluate((i) => new Promise((resolve, reject) => {
      const buttons = document.querySelectorAll('[data-testid=person-row] button.pick');
      const btn = buttons[i % buttons.length];
      const li = btn.closest('li');
      const ready = () => {
        const ta = li.querySelector('[data-testid=person-editor] #p-aliases');
        return !!ta && ta.value.length > 0;
      };
      let done = false;
      let t0 = 0;
      const finish = () => {
        if (done) return;
        done = true;
        const t1 = performance.now();
        mo.disconnect();
        // The frame that shows it: the next animation frame, then its task.
        requestAnimationFrame(() => setTimeout(() => resolve({ ready: t1 - t0, painted: performance.now() - t0 })));
      };
      const mo = new MutationObserver(() => { if (ready()) finish(); });
      mo.observe(li, { subtree: true, childList: true, characterData: true, attributes: true });
      const poll = () => { if (!done) { if (ready()) finish(); else setTimeout(poll, 0); } };
      setTimeout(() => { if (!done) reject(new Error('the editor did not fill in 10 s')); }, 10000);
      t0 = performance.now();
      btn.click();
      if (ready()) finish(); else setTimeout(poll, 0);
    }), i);
    opens.push(r.ready);
    paints.push(r.painted);
    // Close it again (the same button toggles) and wait for the editor to go.
    await page.locator('[data-testid=person-row] button.pick').nth(i % shownPersons).click();
    await page.getByTestId('person-editor').waitFor({ state: 'detached', timeout: 10000 });
  }
  out.open_record_count = opens.length;
  out.open_record_p50_ms = round(pct(opens, 0.5));
  out.open_record_p95_ms = round(pct(opens, 0.95));
  out.open_record_max_ms = round(Math.max(...opens));
  out.open_record_painted_p95_ms = round(pct(paints, 0.95));
  const openTasks = await page.evaluate((from) => window.__bench.longtasks.filter((t) => t.start >= from), openFrom);
  const openLt = ltFigures(openTasks);
  out.open_longtasks_count = openLt.count;
  out.open_longtask_max_ms = round(openLt.max);
  out.open_longtasks_top = [...openTasks].sort((a, b) => b.dur - a.dur).slice(0, 6)
    .map((t) => `${round(t.dur)} ms at +${round((t.start - openFrom) / 1000, 2)} s`).join(', ');
  log(`open a record: p50 ${out.open_record_p50_ms} ms, p95 ${out.open_record_p95_ms} ms`);
  out.docs_expected = DOCS;
  out.idb_records_at_end = JSON.stringify(await countRecords());
  await context.close();
} finally {
  await browser.close();
}
writeFileSync(OUT, JSON.stringify(out, null, 2));
