// Services nearby, offline: the directory is fetched once online, kept on the device,
// and ranked with no network after a reload — by need, distance from a fixed position,
// "open now" against a fixed clock, and the person's documents. axe-core checks the
// Servizi page and a service's details.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, axeViolations, launchBrowser, removeDir, startServer, stopServer, unlock, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-directory-pw-1';
// Bergamo (synthetic position), Monday 30 November 2026, 12:30 in Italy.
const HERE = { latitude: 45.6983, longitude: 9.6773, accuracy: 15 };
const MONDAY_LUNCH = new Date('2026-11-30T12:30:00+01:00');

/** Signs in if the sign-in form shows, unlocks if the unlock page shows (after a
 * reload the device is locked), then waits for the app. */
async function signInAndWait(page, username, password) {
  const user = page.getByLabel('Nome utente');
  const unlockPage = page.getByTestId('unlock-form');
  const status = page.getByTestId('net-status');
  await Promise.race([
    user.waitFor({ timeout: 20000 }), unlockPage.waitFor({ timeout: 20000 }), status.waitFor({ timeout: 20000 }),
  ]);
  if (await unlockPage.isVisible()) {
    await unlock(page, password);
  } else if (await user.isVisible()) {
    await user.fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Accedi' }).click();
  }
  await status.waitFor({ timeout: 20000 });
}

async function rows(page) {
  return page.getByTestId('service-row').evaluateAll((els) => els.map((e) => ({
    id: e.dataset.serviceId,
    distance: e.dataset.distanceM === '' ? null : Number(e.dataset.distanceM),
    open: e.dataset.open,
    score: Number(e.dataset.score),
    text: e.innerText,
  })));
}

test('services are ranked offline by need, distance, open now and documents', async () => {
  const data = tempDir('strada-e2e-dir-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      geolocation: HERE,
      permissions: ['geolocation'],
      locale: 'it-IT',
      timezoneId: 'Europe/Rome',
      serviceWorkers: 'allow',
    });
    const page = await context.newPage();
    await page.clock.setFixedTime(MONDAY_LUNCH);
    let directoryRequests = 0;
    page.on('request', (r) => { if (r.url().endsWith('/api/directory')) directoryRequests += 1; });
    await page.goto(server.url + '/');
    await signInAndWait(page, 'marta', PW);

    // Online: the directory arrives after the first sync and is kept on the device.
    await page.getByTestId('nav-services').click();
    await page.getByTestId('service-row').first().waitFor({ timeout: 20000 });
    assert.ok(directoryRequests >= 1);
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null,
      null, { timeout: 20000 });

    // The network goes away and the server stops; the app reloads offline.
    await context.setOffline(true);
    await stopServer(server.proc);
    await page.reload();
    await signInAndWait(page, 'marta', PW);
    await page.getByTestId('net-status').filter({ hasText: 'Senza rete' }).waitFor({ timeout: 20000 });
    assert.equal(new URL(page.url()).hash, '#/servizi');
    await page.getByTestId('service-row').first().waitFor({ timeout: 20000 });

    // Food, from the fixed position: the nearest first, distances shown in Italian.
    await page.getByTestId('svc-need-food').click();
    await page.getByTestId('svc-position').filter({ hasText: 'Distanze dalla tua posizione' }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="service-row"]')]
      .every((e) => e.innerText.includes('Mensa') || e.innerText.includes('pacchi') || e.innerText.includes('Pacchi')));
    let food = await rows(page);
    assert.ok(food.length >= 10, `${food.length} food services`);
    assert.ok(food.every((r) => r.distance !== null));
    const nearest = Math.min(...food.map((r) => r.distance));
    assert.equal(food[0].distance, nearest, 'the nearest food service comes first');
    assert.equal(food[0].id, 'svc-ponte-mensa');
    assert.equal(food[0].open, 'open', 'Monday 12:30: the lunch canteen is open');
    for (let i = 1; i < food.length; i += 1) assert.ok(food[i - 1].score <= food[i].score, 'ordered by score');
    const firstDistance = await page.getByTestId('service-distance').first().innerText();
    assert.match(firstDistance, /^\d+ m$/);
    const far = await page.getByTestId('service-distance').allInnerTexts();
    assert.ok(far.some((d) => /^\d+,\d km$/.test(d) || /^\d+ km$/.test(d)), far.join(' | '));

    // "Aperto ora" keeps only what is open on Monday at 12:30 (evening canteens and
    // Tuesday/Friday food parcels drop out).
    const closedIds = food.filter((r) => r.open !== 'open').map((r) => r.id);
    assert.ok(closedIds.length > 0, 'some food services are closed at lunchtime on Monday');
    await page.getByTestId('svc-open-now').check();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="service-row"]').length < n, food.length);
    const openFood = await rows(page);
    assert.ok(openFood.length > 0);
    assert.ok(openFood.every((r) => r.open === 'open'));
    assert.deepEqual(openFood.map((r) => r.id).sort(), food.filter((r) => r.open === 'open').map((r) => r.id).sort());
    await page.getByTestId('svc-open-now').uncheck();

    // A person with no document looking for a bed: the night shelter needs an identity
    // document, flagged as not met.
    await page.getByLabel('Documenti della persona').selectOption('none');
    await page.getByTestId('svc-need-shelter').click();
    const flag = page.locator('[data-testid="flag-unmet"][data-req="identity_document"]').first();
    await flag.waitFor();
    assert.match(await flag.innerText(), /Serve un documento d'identità — non soddisfatto/);
    // With a permit the same requirement is no longer flagged.
    await page.getByLabel('Documenti della persona').selectOption('permit');
    await page.locator('[data-testid="flag-met"][data-req="identity_document"]').first().waitFor();
    assert.equal(await page.locator('[data-testid="flag-unmet"][data-req="identity_document"]').count(), 0);

    // The person's language: services that speak it are marked; with none chosen, none
    // is (a new user's walk: every service «spoke the person's language» when it was
    // not known).
    assert.equal(await page.getByTestId('service-row').filter({ hasText: 'Parla la lingua della persona' }).count(), 0);
    await page.getByLabel('Lingua della persona').selectOption('ar');
    const speaks = page.getByTestId('service-row').filter({ hasText: 'Parla la lingua della persona' }).first();
    await speaks.waitFor();
    // Its languages by their Italian names, not their own (as in the workspace).
    const spoken = await speaks.innerText();
    assert.match(spoken, /Arabo/);
    assert.ok(!/العربية|English|Français/.test(spoken), spoken);

    assert.deepEqual(await axeViolations(page), [], 'Servizi page');

    // Details: address, hours per day, a tel: link, capacity.
    const top = (await rows(page))[0];
    await page.getByTestId('service-row').first().click();
    await page.getByTestId('service-details').waitFor();
    assert.equal(new URL(page.url()).hash, `#/servizi/${top.id}`);
    const details = await page.getByTestId('service-details').innerText();
    assert.match(details, /Lunedì/);
    assert.match(details, /Domenica/);
    assert.match(details, /Indirizzo: .+\(BG\)/);
    assert.match(await page.getByTestId('svc-phone').getAttribute('href'), /^tel:\+39000/);
    assert.deepEqual(await axeViolations(page), [], 'service details');
    await page.getByRole('link', { name: /Torna all'elenco/ }).click();
    await page.getByTestId('service-list').waitFor();
    // The filters are kept.
    assert.equal(await page.getByTestId('svc-need-shelter').getAttribute('aria-pressed'), 'true');
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
