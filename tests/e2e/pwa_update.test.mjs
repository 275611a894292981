// The PWA updates itself without losing what the worker is typing: when a new version of
// the app is published, the open page is told ("update available") but not reloaded, so a
// half-filled form stays as it is; only the banner's button makes the new service worker
// take over (and then the page reloads into the new version).
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DIST_DIR, addUser, launchBrowser, phoneContext, removeDir, signIn, startServer, stopServer, tempDir, unlock,
} from './helpers.mjs';

const PW = 'synthetic-update-pw-1';

/** Publishes a new release in `dist`: a service worker whose version differs. */
function publishNewVersion(dist) {
  const path = join(dist, 'sw.js');
  const sw = readFileSync(path, 'utf8');
  const m = sw.match(/const VERSION = '([0-9a-f]+)';/);
  assert.ok(m, 'sw.js carries its build version');
  const next = m[1].split('').reverse().join('') + 'ff';
  writeFileSync(path, sw.replace(m[0], `const VERSION = '${next}';`));
  // The server prefers the precompressed copies: drop them so the new file is served.
  rmSync(path + '.br', { force: true });
  rmSync(path + '.gz', { force: true });
  return { old: m[1], next };
}

const cacheNames = (page) => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('strada-shell-')).sort());

test('a new version is offered without reloading an open form, and taken on request', async () => {
  const data = tempDir('strada-e2e-update-');
  const dist = tempDir('strada-e2e-dist-');
  cpSync(DIST_DIR, dist, { recursive: true });
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data, '127.0.0.1:0', dist);
  const browser = await launchBrowser();
  try {
    const page = await (await phoneContext(browser)).newPage();
    await page.goto(server.url + '/');
    await signIn(page, 'marta', PW);
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null,
      null, { timeout: 20000 });
    const before = await cacheNames(page);
    assert.equal(before.length, 1);

    // A half-filled contact form, and a marker that a reload would wipe.
    await page.getByLabel('Alias o soprannome').fill('Amina sintetica');
    await page.getByLabel('Nota').fill('Nota sintetica non ancora salvata');
    await page.evaluate(() => { window.__notReloaded = true; });

    // A new release is published; the app looks for it when it comes back to the front.
    const { next } = publishNewVersion(dist);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    const banner = page.locator('.banner.update');
    await banner.filter({ hasText: 'È disponibile una nuova versione.' }).waitFor({ timeout: 20000 });

    // Nothing was reloaded: the form still holds what was typed, the old worker still serves.
    assert.equal(await page.evaluate(() => window.__notReloaded), true);
    assert.equal(await page.getByLabel('Alias o soprannome').inputValue(), 'Amina sintetica');
    assert.equal(await page.getByLabel('Nota').inputValue(), 'Nota sintetica non ancora salvata');
    assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).waiting !== null), true);
    assert.deepEqual(await cacheNames(page), before.concat([`strada-shell-${next}`]).sort());

    // The worker chooses to update: the new service worker takes over and the page reloads.
    await Promise.all([
      page.waitForEvent('load', { timeout: 20000 }),
      banner.getByRole('button', { name: "Aggiorna l'app" }).click(),
    ]);
    // After the reload the device is locked, as after any restart.
    await unlock(page, PW);
    assert.equal(await page.evaluate(() => window.__notReloaded), undefined);
    const state = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return { waiting: reg.waiting, active: reg.active && reg.active.state, controlled: navigator.serviceWorker.controller !== null };
    });
    assert.deepEqual(state, { waiting: null, active: 'activated', controlled: true });
    // The new worker activated: only its cache is left.
    assert.deepEqual(await cacheNames(page), [`strada-shell-${next}`]);
    assert.equal(await page.locator('.banner.update').count(), 0);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
    removeDir(dist);
  }
});
