// Signing out without a network: the phone is wiped at once and says that the session is
// still open on the server; at the phone's next contact with the server the session
// ends. A phone that never comes back: the central office ends its sessions.
import { test, statusDetails } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, SERVER_DOWN, addUser, apiLogin, dumpStorage, launchBrowser, openAdmin, phoneContext, removeDir, signIn, startServer,
  stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-signout';

/** Signs in on a new phone and returns the page with the session token it received. */
async function phoneWithToken(browser, url, user) {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  let token;
  page.on('response', async (r) => {
    if (r.url().endsWith('/api/auth/login') && r.status() === 200) token = (await r.json()).token;
  });
  await page.goto(url + '/');
  await signIn(page, user, PW);
  for (let i = 0; !token && i < 50; i++) await page.waitForTimeout(100);
  assert.ok(token, 'the sign-in answered a session');
  return { context, page, token };
}

async function me(url, token) {
  return (await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status;
}

test('a sign-out made offline wipes the phone at once and ends the session at the next contact', async () => {
  const data = tempDir('strada-e2e-signout-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  let server = await startServer(data);
  const port = new URL(server.url).port;
  const browser = await launchBrowser({ allow: [...OFFLINE, ...SERVER_DOWN] });
  try {
    const { context, page, token } = await phoneWithToken(browser, server.url, 'marta');
    assert.equal(await me(server.url, token), 200);

    // No network: the phone signs out all the same, and says what is left to do.
    await context.setOffline(true);
    await stopServer(server.proc);
    page.once('dialog', (d) => d.accept());
    await statusDetails(page);
    await page.getByTestId('sign-out').click();
    const banner = page.getByTestId('signout-pending');
    await banner.waitFor();
    assert.match(await banner.innerText(), /prossima connessione/);
    // Nothing of Marta's is left on the phone but the key that ends her session.
    const { stores } = await dumpStorage(page);
    for (const s of stores.filter((x) => x.db === 'strada' && x.store !== 'kv')) {
      assert.equal(s.count, 0, `${s.store} is empty`);
    }
    const kv = stores.find((x) => x.db === 'strada' && x.store === 'kv');
    assert.deepEqual(kv.keys, ['signout_pending']);

    // The server is back but the phone is still offline: the session is still open.
    server = await startServer(data, `127.0.0.1:${port}`);
    assert.equal(await me(server.url, token), 200);

    // The phone's next contact ends it.
    await context.setOffline(false);
    await banner.waitFor({ state: 'detached', timeout: 20000 });
    assert.equal(await me(server.url, token), 401);
    const after = await dumpStorage(page);
    assert.deepEqual(after.stores.find((x) => x.db === 'strada' && x.store === 'kv').keys, []);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('the central office ends the sessions of a phone that signed out offline and never came back', async () => {
  const data = tempDir('strada-e2e-endsessions-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  let server = await startServer(data);
  const port = new URL(server.url).port;
  const browser = await launchBrowser({ allow: [...OFFLINE, ...SERVER_DOWN] });
  try {
    const { context, page, token } = await phoneWithToken(browser, server.url, 'marta');
    // Offline for the phone, and the server down as well: with the emulated offline
    // network alone, CI once found the session ended right after this sign-out (401
    // below; another run read 0 sessions on the desk). Not reproduced: a probe of page
    // requests under emulation, service worker in control, reached nothing. With the
    // server down no request can end the session, so a 401 below is the product's own.
    await context.setOffline(true);
    await stopServer(server.proc);
    page.once('dialog', (d) => d.accept());
    await statusDetails(page);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signout-pending').waitFor();
    await context.close();
    server = await startServer(data, `127.0.0.1:${port}`);
    assert.equal(await me(server.url, token), 200);

    const desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'it-IT' })).newPage();
    await desk.goto(server.url + '/#/centrale');
    await signIn(desk, 'centrale', PW);
    await openAdmin(desk);
    const device = desk.locator('[data-testid="device-row"][data-user="marta"]');
    await device.waitFor({ timeout: 20000 });
    const shown = await device.getByTestId('device-sessions').innerText();
    // This once read '0' in CI (a flake not reproduced since): on a mismatch, say what
    // the server holds, so the next occurrence is a diagnosis.
    if (shown !== '1') {
      const central = await apiLogin(server.url, 'centrale', PW);
      const held = await (await fetch(`${server.url}/api/devices`, {
        headers: { authorization: `Bearer ${central}` },
      })).text();
      assert.fail(`marta's device shows ${shown} sessions; me: ${await me(server.url, token)}; devices: ${held}`);
    }
    desk.once('dialog', (d) => d.accept());
    await device.getByTestId('end-sessions').click();
    await desk.locator('[data-testid="device-row"][data-user="marta"] [data-testid="device-sessions"]')
      .filter({ hasText: '0' }).waitFor();
    assert.equal(await me(server.url, token), 401);
    // Ended, not revoked: the phone may sign in again.
    assert.doesNotMatch(await device.innerText(), /Revocato/);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
