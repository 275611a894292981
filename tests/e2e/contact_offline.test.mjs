// The walking skeleton, as a field worker lives it: sign in online once, lose the
// network, log a contact, reload the app offline, get the network back, and find the
// contact in the central records — in Debian's Chromium, with the network really cut
// (browser offline emulation and the server process stopped).
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, SERVER_DOWN, addUser, apiLogin, launchBrowser, phoneContext, removeDir, startServer, stopServer, tempDir, unlock,
} from './helpers.mjs';

const FIELD_PW = 'synthetic-field-pw-1';
const CENTRAL_PW = 'synthetic-central-pw-1';

test('a contact logged offline reaches the central records after an offline reload', async () => {
  const data = tempDir('strada-e2e-data-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', FIELD_PW);
  addUser(data, 'centrale', 'central_office', 'pua', CENTRAL_PW);
  let server = await startServer(data);
  const url = server.url;
  const listen = url.replace('http://', '');
  const browser = await launchBrowser({ allow: [...OFFLINE, ...SERVER_DOWN] });
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(url + '/');

    // Sign in (online, once).
    await page.getByLabel('Nome utente').fill('marta');
    await page.getByLabel('Password').fill(FIELD_PW);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByTestId('net-status').waitFor();
    // The service worker controls the page before the network goes away.
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null,
      null, { timeout: 20000 });

    // The network goes away: the browser is offline and the server is down.
    await context.setOffline(true);
    await stopServer(server.proc);
    await page.getByTestId('net-status').filter({ hasText: 'Senza rete' }).waitFor();

    // Log a contact. The place fills itself from the Geolocation API.
    await page.getByTestId('place-status').filter({ hasText: '±' }).waitFor();
    assert.match(await page.locator('#lat').inputValue(), /^45\.698/);
    await page.getByLabel('Alias o soprannome').fill('Kwame sintetico');
    await page.getByTestId('consent-given').check();
    await page.getByTestId('need-food').check();
    await page.getByTestId('need-shelter').check();
    await page.getByLabel('Nota').fill('Nota sintetica di prova e2e');
    await page.getByTestId('save-contact').click();

    // Listed at once, waiting to sync.
    const row = page.getByTestId('contact-row').filter({ hasText: 'Kwame sintetico' });
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'pending');
    assert.match(await row.innerText(), /In attesa di sincronizzazione/);
    // Two documents wait: the contact and the person it introduced.
    assert.equal(await page.getByTestId('pending-count').innerText(), '2');

    // Reload while still offline: the service worker serves the app, the password unlocks
    // the device (no network needed), IndexedDB gives back the contact.
    await page.reload();
    await unlock(page, FIELD_PW);
    const rowAfterReload = page.getByTestId('contact-row').filter({ hasText: 'Kwame sintetico' });
    await rowAfterReload.waitFor({ timeout: 20000 });
    assert.equal(await rowAfterReload.getAttribute('data-status'), 'pending');

    // The network comes back: the app syncs by itself.
    server = await startServer(data, listen);
    await context.setOffline(false);
    await page.locator('[data-testid="contact-row"][data-status="synced"]').waitFor({ timeout: 30000 });
    assert.equal(await page.getByTestId('pending-count').innerText(), '0');

    // The contact is in the central records.
    const token = await apiLogin(url, 'centrale', CENTRAL_PW);
    const res = await fetch(`${url}/api/contacts?limit=200`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const records = (await res.json()).items;
    assert.equal(records.length, 1);
    const rec = records[0];
    assert.deepEqual(rec.person, { kind: 'alias', alias: 'Kwame sintetico' });
    assert.deepEqual(rec.needs, ['food', 'shelter']);
    assert.equal(rec.note, 'Nota sintetica di prova e2e');
    assert.equal(rec.team, 'bergamo-1');
    assert.ok(Math.abs(rec.place.lat - 45.6983) < 1e-4 && Math.abs(rec.place.lon - 9.6773) < 1e-4);

    // And on the central office's page.
    const central = await (await phoneContext(browser)).newPage();
    await central.goto(url + '/#/centrale');
    await central.getByLabel('Nome utente').fill('centrale');
    await central.getByLabel('Password').fill(CENTRAL_PW);
    await central.getByRole('button', { name: 'Accedi' }).click();
    await central.getByTestId('central-row').filter({ hasText: 'Kwame sintetico' }).waitFor({ timeout: 15000 });
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
