// Quality gate: Lighthouse 12 (mobile profile, default simulated throttling) scores the
// home page — the sign-in page for a new user — at least 90 for performance and 95 for
// accessibility. Simulated throttling is computed from a real trace, so CPU contention on
// the machine still moves the figures: the page is measured RUNS times in fresh browsers
// and the median counts. Every run's scores and metrics are printed and written to
// STRADA_LIGHTHOUSE_OUT (default target/bench/lighthouse.json). The WASM is fetched and
// compiled on a worker (app/wasm-compile.js): the simulation does not put that download on
// the path to the page's later tasks, so the TTI it reports is optimistic; the blocking
// time (the score's largest weight here) still counts every main-thread task.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM, removeDir, startServer, stopServer, tempDir } from './helpers.mjs';

const RUNS = Number(process.env.STRADA_LIGHTHOUSE_RUNS || 3);
const OUT = process.env.STRADA_LIGHTHOUSE_OUT
  || join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'bench', 'lighthouse.json');
const MIN_PERFORMANCE = 0.9;
const MIN_ACCESSIBILITY = 0.95;
const METRICS = {
  fcp_ms: 'first-contentful-paint',
  lcp_ms: 'largest-contentful-paint',
  tbt_ms: 'total-blocking-time',
  tti_ms: 'interactive',
  speed_index_ms: 'speed-index',
  cls: 'cumulative-layout-shift',
};

/** One Lighthouse run in a fresh Chromium (its own temporary profile). */
async function audit(url) {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
    });
    const lhr = result.lhr;
    if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const run = {
      performance: lhr.categories.performance.score,
      accessibility: lhr.categories.accessibility.score,
      best_practices: lhr.categories['best-practices'].score,
    };
    for (const [key, id] of Object.entries(METRICS)) {
      run[key] = Math.round(lhr.audits[id].numericValue * (key === 'cls' ? 1000 : 1)) / (key === 'cls' ? 1000 : 1);
    }
    run.failed_a11y_audits = Object.values(lhr.audits)
      .filter((a) => lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id) && a.score === 0)
      .map((a) => a.id);
    const wasm = lhr.audits['network-requests'].details.items.find((r) => r.url.endsWith('.wasm'));
    run.wasm_transfer_bytes = wasm ? wasm.transferSize : null;
    return run;
  } finally {
    await chrome.kill();
  }
}

/**
 * One run; a run Lighthouse itself could not record (a runtime error such as
 * NO_NAVSTART, seen on a busy machine) is tried again, at most twice — a low score never is.
 */
async function auditWithRetry(url) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await audit(url);
    } catch (e) {
      if (attempt >= 3 || !String(e.message).startsWith('Lighthouse: ')) throw e;
      console.log(`lighthouse could not record the run (${e.message}); trying again`);
    }
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

test('Lighthouse scores the home page at least 90 for performance and 95 for accessibility', async () => {
  const data = tempDir('strada-e2e-lighthouse-');
  const server = await startServer(data);
  try {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await auditWithRetry(server.url + '/');
      runs.push(run);
      console.log(`lighthouse run ${i + 1}: performance ${Math.round(run.performance * 100)}, `
        + `accessibility ${Math.round(run.accessibility * 100)}, best practices ${Math.round(run.best_practices * 100)}; `
        + `FCP ${run.fcp_ms} ms, LCP ${run.lcp_ms} ms, TBT ${run.tbt_ms} ms, TTI ${run.tti_ms} ms, `
        + `SI ${run.speed_index_ms} ms, CLS ${run.cls}, WASM ${run.wasm_transfer_bytes} bytes`);
    }
    const summary = { lighthouse: '12.2.3', profile: 'mobile, simulated throttling', url: '/', runs: RUNS, median: {} };
    for (const key of ['performance', 'accessibility', 'best_practices', ...Object.keys(METRICS)]) {
      summary.median[key] = median(runs.map((r) => r[key]));
    }
    summary.spread = {
      performance: [Math.min(...runs.map((r) => r.performance)), Math.max(...runs.map((r) => r.performance))],
      tbt_ms: [Math.min(...runs.map((r) => r.tbt_ms)), Math.max(...runs.map((r) => r.tbt_ms))],
    };
    summary.each = runs;
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify(summary, null, 2) + '\n');
    console.log(`lighthouse median: performance ${Math.round(summary.median.performance * 100)}, `
      + `accessibility ${Math.round(summary.median.accessibility * 100)} (written to ${OUT})`);

    assert.ok(summary.median.performance >= MIN_PERFORMANCE,
      `median performance ${summary.median.performance} < ${MIN_PERFORMANCE}`);
    assert.ok(summary.median.accessibility >= MIN_ACCESSIBILITY,
      `median accessibility ${summary.median.accessibility} < ${MIN_ACCESSIBILITY}; failed audits: `
      + [...new Set(runs.flatMap((r) => r.failed_a11y_audits))].join(', '));
  } finally {
    await stopServer(server.proc);
    removeDir(data);
  }
});
