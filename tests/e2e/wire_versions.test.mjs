// The app meets servers of older releases: one that speaks versions 1 and 2 of the
// binary sync encoding (the previous release), and one that speaks only version 1. Its
// first request in the newest version is refused (415), it falls back one version at a
// time, and the contact it logged offline reaches the server — nothing pending is lost,
// nothing is refused. Its first sync still comes as one stream where the server has it.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, apiLogin, launchBrowser, logContact, phoneContext, removeDir, signIn, startServer,
  stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-wire';
const TYPE = 'application/x-strada-sync';

for (const [newest, expected] of [['2', `${TYPE}; v=2`], ['1', TYPE]]) {
test(`the app syncs with a server that speaks wire versions up to ${newest} only`, async () => {
  const data = tempDir('strada-e2e-wire-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  process.env.STRADA_WIRE_VERSIONS = newest;
  const server = await startServer(data);
  delete process.env.STRADA_WIRE_VERSIONS;
  // The older server's refusal of the newer encoding is what the test provokes.
  const browser = await launchBrowser({
    allow: [...OFFLINE, /^http 415: POST .*\/api\/sync\/(push|pull|pull-stream)$/, /status of 415/],
  });
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const versions = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/sync/')) versions.push(r.headers()['content-type']);
    });
    await page.goto(server.url + '/');
    await signIn(page, 'marta', PW);
    await context.setOffline(true);
    await logContact(page, 'Persona sintetica V', ['food'], 'nota sintetica');
    await context.setOffline(false);
    await page.getByTestId('sync-now').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pending-count"]').innerText === '0', null, { timeout: 30000 });
    assert.equal(await page.locator('[data-testid="contact-row"][data-status="refused"]').count(), 0);
    // It tried the newest version, then the ones before it, and kept the server's.
    assert.ok(versions.includes(`${TYPE}; v=3`), versions.join(' | '));
    const binary = versions.filter((v) => v && v.startsWith(TYPE));
    assert.equal(binary[binary.length - 1], expected, versions.join(' | '));
    const token = await apiLogin(server.url, 'centrale', PW);
    const records = (await (await fetch(`${server.url}/api/contacts?limit=200`, { headers: { authorization: `Bearer ${token}` } })).json()).items;
    assert.equal(records.filter((r) => r.person.alias === 'Persona sintetica V').length, 1);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
}
