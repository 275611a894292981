// A central browser does not download every team's documents (issue 11 §1): the
// workspace reads the records from the server, and the device keeps offline only what
// its user chose — a team, for a laptop in a mobile unit — synced by the same engine.
// Unchosen again, the team's documents leave the device.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, apiGet, apiLogin, fillDemo, launchBrowser, removeDir, signIn, startServer, stopServer,
  tempDir, unlock,
} from './helpers.mjs';

/** How many documents the page's device holds (encrypted: only their number is read). */
async function docsOnDevice(page) {
  return page.evaluate(async () => {
    const req = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const db = await req(indexedDB.open('strada'));
    if (!db.objectStoreNames.contains('docs')) { db.close(); return 0; }
    const n = await req(db.transaction('docs', 'readonly').objectStore('docs').count());
    db.close();
    return n;
  });
}

async function waitForCount(page, ok, what) {
  const deadline = Date.now() + 30000;
  let n = -1;
  while (Date.now() < deadline) {
    n = await docsOnDevice(page);
    if (ok(n)) return n;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: the device holds ${n} documents`);
}

test('a central device keeps offline only the team it chose', async () => {
  const data = tempDir('strada-e2e-scope-');
  const accounts = fillDemo(data, ['--seed', '5', '--contacts', '300']);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    const pw = accounts.centrale.password;
    const token = await apiLogin(server.url, 'centrale', pw);
    const all = await apiGet(server.url, token, '/api/contacts?limit=1');
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 }, locale: 'it-IT', timezoneId: 'Europe/Rome',
    });
    const page = await context.newPage();
    await page.goto(server.url + '/#/centrale');
    await signIn(page, 'centrale', pw);
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });
    // The workspace shows the PUA's records, the device holds none of them.
    await page.getByTestId('central-row').first().waitFor({ timeout: 30000 });
    const scope = page.getByTestId('offline-scope');
    await scope.waitFor();
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await docsOnDevice(page), 0, 'nothing downloaded before a choice');

    // Keep one team offline: its documents arrive, the other teams' do not.
    const box = scope.locator('input[type="checkbox"]').first();
    const testid = await box.getAttribute('data-testid');
    const team = testid.replace('scope-team-', '');
    const ofTeam = await apiGet(server.url, token, `/api/contacts?team=${team}&limit=1`);
    assert.ok(ofTeam.total > 0 && ofTeam.total < all.total, `${team}: ${ofTeam.total} of ${all.total}`);
    await box.check();
    await page.getByTestId('scope-save').click();
    await page.getByTestId('scope-status').filter({ hasText: 'Salvato' }).waitFor({ timeout: 15000 });
    const kept = await waitForCount(page, (n) => n >= ofTeam.total, 'after keeping a team');
    assert.ok(kept < all.total, `only one team's documents (${kept}, PUA ${all.total} contacts)`);
    // A contact recorded on this device with one of the kept team's persons is that
    // team's, and reaches the server (a new user's walk: filed under the central team,
    // it was refused as naming another team's record, and retried for ever).
    await page.evaluate(() => { window.location.hash = '#/'; });
    const pick = page.getByTestId('pick-person').first();
    await pick.waitFor({ timeout: 15000 });
    const pickedId = await pick.getAttribute('data-id');
    // The row says who it is beyond the name: country, birth year, last meeting (a new
    // user's walk: four «Kwame» rows differed only by their last meeting).
    const person = await apiGet(server.url, token, `/api/persons/${pickedId}`);
    const facts = await pick.getByTestId('pick-person-facts').innerText();
    if (person.person.birth_year) assert.match(facts, new RegExp(`anno di nascita ${person.person.birth_year}`), facts);
    assert.match(facts, /ultimo incontro/, facts);
    await pick.click();
    await page.getByTestId('picked-person').waitFor();
    await page.getByTestId('need-food').check();
    await page.getByTestId('save-contact').click();
    const deadline = Date.now() + 30000;
    for (;;) {
      const now = await apiGet(server.url, token, `/api/contacts?team=${team}&limit=1`);
      if (now.total === ofTeam.total + 1) break;
      assert.ok(Date.now() < deadline, `the contact reached the server (${now.total} of ${team})`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await page.evaluate(() => { window.location.hash = '#/centrale'; });
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });
    // The section shows the choice saved before it is changed again.
    await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`)?.checked === true,
      testid, { timeout: 15000 });
    // The choice belongs to this device: a session without one has no such setting.
    const other = await fetch(server.url + '/api/devices/me/scope', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(other.status, 400);
    assert.equal((await other.json()).error, 'no_device');

    // Unchosen: the team's documents leave the device.
    await box.uncheck();
    await page.getByTestId('scope-save').click();
    // What this device wrote stays: its author's (the contact above).
    await waitForCount(page, (n) => n === 1, 'after dropping the team');

    // One person kept offline from their page: the person, their contacts and referrals.
    const persons = await apiGet(server.url, token, '/api/persons?limit=50');
    const target = persons.items.find((r) => r.contacts > 0 && r.person.aliases.length > 0);
    const whole = await apiGet(server.url, token, `/api/persons/${target.person.id}`);
    const own = target.person.id === pickedId ? 0 : 1;
    const expected = 1 + whole.contacts.length + whole.referrals.length + own;
    await page.getByTestId('ws-tab-persons').click();
    await page.getByTestId('ws-q').fill(target.person.aliases[0]);
    await page.getByTestId('ws-apply').click();
    await page.locator(`[data-testid="ws-person-row"][data-id="${target.person.id}"]`).click();
    const keep = page.getByTestId('ws-keep-offline');
    await keep.filter({ hasText: 'Tieni offline' }).waitFor({ timeout: 10000 });
    await keep.click();
    await keep.filter({ hasText: 'Non tenere più offline' }).waitFor({ timeout: 15000 });
    await waitForCount(page, (n) => n === expected, `after keeping one person (${expected} documents)`);
    // The section below counts the person at once, and saving a team there keeps them
    // (a new user's walk: the section sent the persons list it had read before, and the
    // person was dropped).
    await page.getByTestId('scope-persons').filter({ hasText: '1 persona' }).waitFor({ timeout: 10000 });
    // Named, as this device holds them (a new user's walk read only a number).
    await page.getByTestId('scope-person').filter({ hasText: target.person.aliases[0] }).waitFor({ timeout: 15000 });
    await box.check();
    await page.getByTestId('scope-save').click();
    await page.getByTestId('scope-status').filter({ hasText: 'Salvato' }).waitFor({ timeout: 15000 });
    // What the server answered: the person still kept, with the team.
    await page.getByTestId('scope-persons').filter({ hasText: '1 persona' }).waitFor({ timeout: 5000 });
    await waitForCount(page, (n) => n > expected, 'after keeping the person and a team');

    // A second tab of the same browser keeps another person from their page while this
    // tab's section still shows one: unticking the team here keeps both persons (the
    // section saved the list it had read, and the second person was dropped).
    const second = persons.items.find((r) => r.person.id !== target.person.id && r.person.aliases.length > 0);
    const tab = await context.newPage();
    await tab.goto(server.url + '/#/centrale');
    await unlock(tab, pw);
    await tab.getByTestId('workspace').waitFor({ timeout: 30000 });
    await tab.getByTestId('ws-tab-persons').click();
    await tab.getByTestId('ws-q').fill(second.person.aliases[0]);
    await tab.getByTestId('ws-apply').click();
    await tab.locator(`[data-testid="ws-person-row"][data-id="${second.person.id}"]`).click();
    const keepSecond = tab.getByTestId('ws-keep-offline');
    await keepSecond.filter({ hasText: 'Tieni offline' }).waitFor({ timeout: 10000 });
    await keepSecond.click();
    await keepSecond.filter({ hasText: 'Non tenere più offline' }).waitFor({ timeout: 15000 });
    await tab.close();
    await page.getByTestId('scope-persons').filter({ hasText: '1 persona' }).waitFor({ timeout: 5000 });
    // The team dropped while syncs fail (a new user's walk: the device was emptied of all
    // but its pending work until a sync went through): nothing leaves the device until a
    // whole pull says what it keeps.
    const held = await docsOnDevice(page);
    browser.allow(/status of 503/, /http 503: POST .*\/api\/sync\/pull/);
    const failing = (route) => route.fulfill({
      status: 503, contentType: 'application/json',
      body: JSON.stringify({ error: 'unavailable', message: 'test: the sync fails' }),
    });
    await page.route('**/api/sync/pull*', failing);
    await box.uncheck();
    await page.getByTestId('scope-save').click();
    await page.getByTestId('scope-status').filter({ hasText: 'Salvato' }).waitFor({ timeout: 15000 });
    // What the server answered: both persons kept, the team no longer.
    await page.getByTestId('scope-persons').filter({ hasText: '2 persone' }).waitFor({ timeout: 5000 });
    await page.waitForTimeout(3000);
    const during = await docsOnDevice(page);
    assert.ok(during >= held, `kept while the sync fails: ${during} of ${held} documents`);
    await page.unroute('**/api/sync/pull*', failing);
    // Once a pull goes through, the team's documents leave; both persons' stay.
    await waitForCount(page, (n) => n < held && n >= expected, 'after the team dropped');
    // One taken off by name: the other stays.
    await page.getByTestId('scope-person').filter({ hasText: second.person.aliases[0] })
      .getByTestId('scope-person-remove').click({ timeout: 20000 });
    await page.getByTestId('scope-save').click();
    await page.getByTestId('scope-status').filter({ hasText: 'Salvato' }).waitFor({ timeout: 15000 });
    await page.getByTestId('scope-persons').filter({ hasText: '1 persona' }).waitFor({ timeout: 5000 });
    await page.getByTestId('scope-person').filter({ hasText: target.person.aliases[0] }).waitFor({ timeout: 5000 });
    // Offline, the workspace's lists say where the kept records are (a new user's walk
    // looked for them there).
    await context.setOffline(true);
    await page.getByTestId('ws-tab-contacts').click();
    await page.getByTestId('ws-apply').click();
    await page.getByRole('alert').filter({ hasText: '«Registrazione contatti»' }).first().waitFor({ timeout: 15000 });
    // With a link there (it was only in the menu).
    await page.getByTestId('open-field-app').first().click();
    await page.getByTestId('save-contact').waitFor({ timeout: 15000 });
    await context.setOffline(false);
    await context.close();
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

// A new user's walk: a central laptop reloaded without a network could not open the
// central records (the central bundle, fetched before the service worker controlled the
// page, was never kept), and its first unlock seemed to fail (the field bundle reloaded
// the page, which locked it again).
test('a central laptop reloaded offline opens the workspace at the first unlock', async () => {
  const data = tempDir('strada-e2e-scope-reload-');
  const accounts = fillDemo(data, ['--seed', '6', '--contacts', '120']);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    const pw = accounts.centrale.password;
    const context = await browser.newContext({
      viewport: { width: 1366, height: 768 }, locale: 'it-IT', timezoneId: 'Europe/Rome',
    });
    const page = await context.newPage();
    await page.goto(server.url + '/#/centrale');
    await signIn(page, 'centrale', pw);
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });
    await page.getByTestId('central-row').first().waitFor({ timeout: 30000 });
    // The service worker keeps the central bundle once the page has started it.
    await page.waitForFunction(async () => {
      const keys = await caches.keys();
      for (const k of keys) {
        const c = await caches.open(k);
        if (await c.match('/strada-central_bg.wasm') && await c.match('/strada-central.js')) return true;
      }
      return false;
    }, null, { timeout: 30000, polling: 500 });

    await context.setOffline(true);
    await page.reload();
    await unlock(page, pw);
    // The workspace at once, from the cache: no second unlock, no error.
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });
    assert.equal(await page.getByTestId('central-unavailable').count(), 0);
    // The offline section says the choice cannot be read rather than showing none.
    await page.getByTestId('scope-unread').waitFor({ timeout: 15000 });
    assert.equal(await page.getByTestId('scope-save').isDisabled(), true);
    // In the field part, a name not on the device: the central records may hold it.
    await page.evaluate(() => { window.location.hash = '#/persone'; });
    await page.getByTestId('person-search').fill('Nessunnome Sintetico');
    await page.getByTestId('persons-only-kept').waitFor({ timeout: 10000 });

    // Back online: the section reads the choice again.
    await context.setOffline(false);
    await page.evaluate(() => { window.location.hash = '#/centrale'; });
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });
    await page.getByTestId('scope-save').waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="scope-save"]').disabled,
      null, { timeout: 15000 });
    assert.equal(await page.getByTestId('scope-unread').count(), 0);

    // A browser that never kept the bundle (emptied here), offline: one unlock, then the
    // page says the central records need the network, with the way to the field part.
    browser.allow(/strada-central/, /Failed to load resource: net::ERR_FAILED/);
    await page.evaluate(async () => {
      for (const k of await caches.keys()) {
        const c = await caches.open(k);
        await c.delete('/strada-central.js');
        await c.delete('/strada-central_bg.wasm');
      }
    });
    await context.setOffline(true);
    await page.reload();
    await unlock(page, pw);
    await page.getByTestId('central-unavailable').filter({ hasText: 'non si è caricato' }).waitFor({ timeout: 15000 });
    await page.getByTestId('central-unavailable-field').click();
    await page.getByTestId('save-contact').waitFor({ timeout: 15000 });
    await context.setOffline(false);
    await context.close();
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
