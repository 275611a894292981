// Two bundles and an engine: a phone downloads the field bundle only (sign-in, contacts,
// persons, referrals, services); the central workspace comes in its own bundle, fetched
// at #/centrale and kept by the service worker for a central laptop that goes offline.
// The field bundle's document engine (automerge, the sync loop) is a third module, that
// the page imports once a password is typed.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, launchBrowser, logContact, phoneContext, removeDir, setPlainSetting, signIn, startServer,
  stopServer, tempDir, unlock,
} from './helpers.mjs';

const PW = 'synthetic-pw-bundles';

/** The field bundle's WASM. Trunk names it by a hash written in hex without leading
 * zeros: one build in sixteen has fewer than 16 digits. */
const FIELD_WASM = /^\/strada-app-[0-9a-f]{1,16}_bg\.wasm$/;

/** Paths of the requests made in a context: its pages' and, apart, its service worker's. */
function requests(context) {
  const paths = { page: [], worker: [] };
  context.on('request', (r) => (r.serviceWorker() ? paths.worker : paths.page).push(new URL(r.url()).pathname));
  return paths;
}

async function serviceWorkerReady(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
    }
  });
}

test('a phone never downloads the central bundle; the central office gets it at #/centrale, offline too', async () => {
  const data = tempDir('strada-e2e-bundles-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    // A field worker's phone, service worker installed with everything it precaches.
    const phone = await phoneContext(browser);
    const phoneRequests = requests(phone);
    const page = await phone.newPage();
    await page.goto(server.url + '/');
    await signIn(page, 'marta', PW);
    await serviceWorkerReady(page);
    await page.reload();
    await unlock(page, PW);
    const all = [...phoneRequests.page, ...phoneRequests.worker];
    assert.ok(all.some((p) => FIELD_WASM.test(p)), all.join());
    assert.deepEqual(all.filter((p) => p.startsWith('/strada-central')), [], 'no central bundle on a phone');
    // The central records' address typed on the phone: the worker's own pages, and a
    // word saying why (a new user's walk: the contact form came without one).
    await page.evaluate(() => { location.hash = '#/centrale/persone'; });
    await page.getByTestId('central-refused').waitFor({ timeout: 15000 });
    await page.evaluate(() => { location.hash = '#/'; });
    await page.getByTestId('central-refused').waitFor({ state: 'detached', timeout: 15000 });
    assert.deepEqual([...phoneRequests.page, ...phoneRequests.worker].filter((p) => p.startsWith('/strada-central')), [],
      'still no central bundle');

    // The central office's desk at its address: the central bundle, not the field one.
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'it-IT', serviceWorkers: 'allow' });
    const deskRequests = requests(desk);
    const central = await desk.newPage();
    await central.goto(server.url + '/#/centrale');
    await signIn(central, 'centrale', PW);
    await central.getByTestId('workspace').waitFor({ timeout: 20000 });
    // The page starts the central WASM only (the service worker precaches the field
    // bundle besides, in the background, as on any browser).
    assert.ok(deskRequests.page.includes('/strada-central_bg.wasm'), deskRequests.page.join());
    assert.ok(!deskRequests.page.some((p) => /^\/strada-app-.*\.wasm$/.test(p)), deskRequests.page.join());

    // Kept by the service worker once fetched through it: the workspace opens offline.
    await serviceWorkerReady(central);
    await central.reload();
    await unlock(central, PW);
    await central.getByTestId('workspace').waitFor({ timeout: 20000 });
    await desk.setOffline(true);
    await central.reload();
    await unlock(central, PW);
    await central.getByTestId('workspace').waitFor({ timeout: 20000 });
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('a central office desk starts on the workspace at the bare address, with no reload and no second password', async () => {
  const data = tempDir('strada-e2e-bundles-desk-');
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    // A desk (found by a new user's walk: signed in at the bare address, the workspace
    // from the menu reloaded the page into the central bundle and asked for the password
    // again).
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'it-IT' });
    const deskRequests = requests(desk);
    const page = await desk.newPage();
    let loads = 0;
    page.on('load', () => { loads += 1; });
    await page.goto(server.url + '/');
    await signIn(page, 'centrale', PW);
    await page.getByTestId('workspace').waitFor({ timeout: 20000 });
    assert.equal(loads, 1, 'the page was not loaded again');
    assert.ok(deskRequests.page.includes('/strada-central_bg.wasm'), deskRequests.page.join());
    // The field app's contact form is one link away, in the same page.
    await page.goto(server.url + '/#/');
    await page.getByLabel('Alias o soprannome').waitFor();
    assert.equal(loads, 1, 'still the same page');

    // A tablet held upright starts the central bundle, as a desk does: a central role
    // lands on the workspace (a new user's walk at 768 px landed on the field app's
    // contact form, and the workspace was a reload and a second password away).
    const tablet = await browser.newContext({ viewport: { width: 768, height: 1024 }, locale: 'it-IT' });
    const tabletRequests = requests(tablet);
    const t = await tablet.newPage();
    let tabletLoads = 0;
    t.on('load', () => { tabletLoads += 1; });
    await t.goto(server.url + '/');
    await signIn(t, 'centrale', PW);
    await t.getByTestId('workspace').waitFor({ timeout: 20000 });
    assert.equal(tabletLoads, 1, 'the page was not loaded again');
    assert.ok(tabletRequests.page.includes('/strada-central_bg.wasm'), tabletRequests.page.join());
    await tablet.close();

    // A phone turned sideways (wide, low) starts on the field bundle; once a central
    // role signed in, the browser starts the central bundle at any address.
    const sideways = await browser.newContext({ viewport: { width: 915, height: 412 }, locale: 'it-IT' });
    const sidewaysRequests = requests(sideways);
    const s = await sideways.newPage();
    await s.goto(server.url + '/');
    await signIn(s, 'centrale', PW);
    assert.ok(!sidewaysRequests.page.some((p) => p.startsWith('/strada-central')), sidewaysRequests.page.join());
    await s.reload();
    await unlock(s, PW);
    await s.getByTestId('workspace').waitFor({ timeout: 20000 });
    assert.ok(sidewaysRequests.page.includes('/strada-central_bg.wasm'), sidewaysRequests.page.join());
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('when the central bundle cannot be fetched the field bundle starts and says so', async () => {
  const data = tempDir('strada-e2e-bundles-gone-');
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  // The aborted fetches are the point of the test.
  const browser = await launchBrowser({ allow: [/strada-central/, /ERR_FAILED/, /dynamically imported module/] });
  try {
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'it-IT' });
    await desk.route('**/strada-central*', (route) => route.abort());
    const page = await desk.newPage();
    await page.goto(server.url + '/#/centrale');
    // The field bundle: sign in, one reload to try the central bundle again, unlock.
    await page.getByLabel('Nome utente').fill('centrale');
    await page.getByLabel('Password').fill(PW);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await unlock(page, PW);
    await page.getByRole('alert').filter({ hasText: "L'archivio centrale non si è caricato" }).waitFor();
    assert.equal(await page.getByTestId('workspace').count(), 0);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

/** The engine bundle's answer to a read of nothing, asked directly with no key. */
async function engineReadsWithoutKey(page) {
  return page.evaluate(async () => {
    const m = await window.stradaEngine(() => {});
    return JSON.parse(await m.engine_call(undefined, JSON.stringify({ Read: [] }))).answer;
  });
}

test('a phone starts without the document engine, loads it at the password and drops its key at the lock', async () => {
  const data = tempDir('strada-e2e-engine-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    const phone = await phoneContext(browser);
    const phoneRequests = requests(phone);
    const page = await phone.newPage();
    await page.goto(server.url + '/');
    await page.getByLabel('Nome utente').waitFor();
    // The sign-in page runs on the field bundle alone: the page has not asked for the
    // engine (its service worker may precache it, in the background).
    assert.ok(phoneRequests.page.some((p) => FIELD_WASM.test(p)), phoneRequests.page.join());
    assert.deepEqual(phoneRequests.page.filter((p) => p.startsWith('/strada-engine')), []);
    await signIn(page, 'marta', PW);
    assert.ok(phoneRequests.page.includes('/strada-engine_bg.wasm'), phoneRequests.page.join());

    // Documents are written and read by the engine: a contact saved, opened, synced.
    await logContact(page, 'Amina sintetica', ['food'], 'Nota sintetica del motore');
    await page.getByTestId('contact-row').filter({ hasText: 'Amina sintetica' }).getByTestId('open-contact').click();
    await page.getByTestId('contact-detail').filter({ hasText: 'Nota sintetica del motore' }).waitFor();
    await page.locator('[data-testid="contact-row"][data-status="synced"]').waitFor({ timeout: 30000 });

    // While unlocked the engine keeps its copy of the key; the lock takes it away.
    assert.ok('Read' in (await engineReadsWithoutKey(page)) && 'Ok' in (await engineReadsWithoutKey(page)).Read);
    await setPlainSetting(page, 'idle_lock_s', '2');
    await page.reload();
    await unlock(page, PW);
    await page.getByTestId('contact-row').filter({ hasText: 'Amina sintetica' }).waitFor({ timeout: 20000 });
    await page.locator('#unlock-password').waitFor({ timeout: 20000 });
    let answer;
    for (let i = 0; i < 50; i++) {
      answer = await engineReadsWithoutKey(page);
      if (answer.Read?.Err === 'Locked') break;
      await page.waitForTimeout(100);
    }
    assert.deepEqual(answer, { Read: { Err: 'Locked' } });
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
