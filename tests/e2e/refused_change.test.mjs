// A change the server refuses stays on the phone, visible with its reason, until a
// person discards it. Scenario: Marta logs a contact offline, her session ends, and when
// she signs in again the server binds the new session to another device actor than the
// one that authored the change (the test rewrites the actor in the sign-in request, as a
// device that lost its actor would send); the server refuses the change. A phone is no
// longer shared between accounts: another account wipes it first (encryption.test.mjs).
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, SERVER_DOWN, addUser, launchBrowser, logContact, phoneContext, removeDir, signIn, startServer, stopServer, tempDir,
} from './helpers.mjs';

test('a refused change is shown with its reason and can be discarded', async () => {
  const data = tempDir('strada-e2e-refused-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', 'synthetic-marta-pw');
  let server = await startServer(data);
  const listen = server.url.replace('http://', '');
  // The server is stopped while the phone is offline: a live stream opened just before
  // the cut may meet the stopped server (CI: ERR_CONNECTION_REFUSED on /api/sync/events).
  const browser = await launchBrowser({ allow: [...OFFLINE, ...SERVER_DOWN] });
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    page.on('dialog', (d) => d.accept());
    await page.goto(server.url + '/');
    await signIn(page, 'marta', 'synthetic-marta-pw');
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null,
      null, { timeout: 20000 });

    await context.setOffline(true);
    await stopServer(server.proc);
    // A contact dated ahead is refused in words under «Quando», before it is saved (a
    // new user's walk: one dated 2027 was saved, refused by the server, and could only
    // be discarded).
    await page.getByLabel('Alias o soprannome').fill('Contatto futuro');
    await page.getByTestId('need-food').check();
    await page.locator('#when').fill('2099-01-15T10:00');
    await page.getByTestId('save-contact').click();
    await page.getByTestId('when-error').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'when');
    assert.equal(await page.locator('#when').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByTestId('contact-row').filter({ hasText: 'Contatto futuro' }).count(), 0);
    const now = await page.evaluate(() => {
      const d = new Date(Date.now() - 60000);
      const p = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    });
    await page.locator('#when').fill(now);
    assert.equal(await page.getByTestId('when-error').count(), 0);
    await logContact(page, 'Contatto di Marta', ['food'], 'nota sintetica');

    // Marta's session ends on this phone (as when it expires).
    await page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('strada');
      open.onsuccess = () => {
        const tx = open.result.transaction('kv', 'readwrite');
        tx.objectStore('kv').delete('session');
        tx.oncomplete = () => { open.result.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
    }));
    await page.reload();
    await page.getByTestId('unlock-form').waitFor({ timeout: 20000 });
    await page.getByLabel('Password').fill('synthetic-marta-pw');
    await page.getByRole('button', { name: 'Sblocca' }).click();
    // Unlocked without a session: only the device's owner may sign in again.
    const username = page.getByLabel('Nome utente');
    await username.waitFor();
    assert.equal(await username.inputValue(), 'marta');
    assert.equal(await username.getAttribute('readonly'), '');
    server = await startServer(data, listen);
    await context.setOffline(false);
    await page.route('**/api/auth/login', (route) => {
      const body = JSON.parse(route.request().postData());
      body.device_actor = 'ab'.repeat(16);
      route.continue({ postData: JSON.stringify(body) });
    });
    await page.getByLabel('Password').fill('synthetic-marta-pw');
    await page.getByRole('button', { name: 'Accedi' }).click();

    const row = page.locator('[data-testid="contact-row"][data-status="refused"]');
    await row.waitFor({ timeout: 20000 });
    assert.match(await row.innerText(), /Rifiutato dal server: la modifica è stata fatta su un altro dispositivo/);
    // The contact and the person it introduced were both refused: said apart, not
    // «in attesa» (a new user's walk: a refused contact was counted as waiting).
    assert.equal(await page.getByTestId('pending-count').innerText(), '0');
    assert.match(await page.getByTestId('refused-count').innerText(), /^2 modifiche rifiutate dal server/);

    await row.getByTestId('discard-change').click();
    await page.getByTestId('contact-row').first().waitFor({ state: 'detached', timeout: 10000 });
    assert.match(await page.getByTestId('refused-count').innerText(), /^1 modifica rifiutata dal server/);

    // The person is listed with the same reason, and can be discarded too.
    await page.getByTestId('tab-persons').click();
    const person = page.locator('[data-testid="person-row"][data-status="refused"]');
    assert.match(await person.innerText(), /la modifica è stata fatta su un altro dispositivo/);
    await person.getByTestId('discard-change').click();
    await person.waitFor({ state: 'detached', timeout: 10000 });
    assert.equal(await page.getByTestId('pending-count').innerText(), '0');
    assert.equal(await page.getByTestId('refused-count').count(), 0);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
