// A phone's session ends while it holds changes made offline (it expired, or the central
// office ended it): the phone asks for the password again and sends everything once the
// worker has signed in — no pending change is lost, nothing is wiped.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, apiLogin, launchBrowser, logContact, phoneContext, removeDir, signIn, startServer,
  stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-expiry';
const ALIAS = 'Persona sintetica S';

test('an ended session asks for the password again and loses no pending change', async () => {
  const data = tempDir('strada-e2e-expiry-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  // The server's 401 to the ended session is the point of the test.
  const browser = await launchBrowser({
    allow: [...OFFLINE, /^http 401: POST .*\/api\/sync\/(push|pull|pull-stream)$/, /status of 401/],
  });
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await signIn(page, 'marta', PW);
    await context.setOffline(true);
    await logContact(page, ALIAS, ['food'], 'nota sintetica');
    assert.equal(await page.getByTestId('pending-count').innerText(), '2');

    // Meanwhile the session ends on the server.
    const admin = await apiLogin(server.url, 'centrale', PW);
    const auth = { authorization: `Bearer ${admin}` };
    const devices = await (await fetch(`${server.url}/api/devices`, { headers: auth })).json();
    const phone = devices.find((d) => d.username === 'marta');
    const ended = await fetch(`${server.url}/api/devices/${phone.id}/end-sessions`, { method: 'POST', headers: auth });
    assert.equal(ended.status, 200);

    // A stranger guesses her password naming her phone's actor (no secret: every change
    // the phone writes carries it). The account locks for other devices; her phone,
    // showing the key its last sign-in gave it, still signs in (an attacker's probe
    // locked the phone itself this way).
    for (let i = 0; i < 6; i += 1) {
      const guess = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'marta', password: `guess-${i}`, device_actor: phone.id }),
      });
      assert.equal(guess.status, 401);
    }
    const stranger = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'marta', password: PW, device_actor: phone.id }),
    });
    assert.equal(stranger.status, 429);

    // Back online: the phone learns its session is over and asks for the password.
    await context.setOffline(false);
    await page.getByTestId('sync-now').click();
    const banner = page.getByRole('alert').filter({ hasText: 'Sessione scaduta' });
    await banner.waitFor({ timeout: 20000 });
    assert.equal(await page.getByTestId('pending-count').innerText(), '2', 'nothing dropped');
    await banner.getByRole('button', { name: 'Accedi' }).click();
    assert.equal(await page.getByLabel('Nome utente').inputValue(), 'marta');
    await page.getByLabel('Password').fill(PW);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByTestId('net-status').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pending-count"]').innerText === '0', null, { timeout: 30000 });
    const records = (await (await fetch(`${server.url}/api/contacts?limit=200`, { headers: auth })).json()).items;
    assert.equal(records.filter((r) => r.person.kind === 'alias' && r.person.alias === ALIAS).length, 1);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
