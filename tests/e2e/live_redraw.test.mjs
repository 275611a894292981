// What a pull changes is redrawn wherever it shows, at once: two phones of one team and
// the central office, all online. Marta completes a person (the editor closes, no panic)
// and then records that consent was withdrawn (uploaded at once): on Ahmed's phone,
// which stays on its contact list, and on the central records, which nobody refreshes,
// the alias goes away by itself. And after a server restart each phone's live stream
// comes back with a new ticket, never retrying a spent one (no 401).
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  SERVER_DOWN, addUser, launchBrowser, logContact, phoneContext, removeDir, signIn, startServer,
  stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-redraw';
const ALIAS = 'Persona sintetica R';

async function signedIn(browser, url, user, route = '/') {
  const context = user === 'centrale'
    ? await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'it-IT' })
    : await phoneContext(browser);
  const page = await context.newPage();
  await page.goto(url + route);
  await signIn(page, user, PW);
  return page;
}

async function openPerson(page) {
  await page.getByTestId('tab-persons').click();
  await page.getByTestId('person-search').fill('Persona sintetica');
  await page.getByTestId('person-row').filter({ hasText: ALIAS }).locator('button.pick').click();
  await page.getByTestId('person-editor').waitFor();
}

test('a withdrawal on one phone erases the alias on a teammate\'s open list and on the central records by itself', async () => {
  const data = tempDir('strada-e2e-redraw-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'ahmed', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const marta = await signedIn(browser, server.url, 'marta');
    await logContact(marta, ALIAS, ['food'], 'nota sintetica');
    await marta.locator('[data-testid="contact-row"][data-status="synced"]').waitFor({ timeout: 20000 });

    const ahmed = await signedIn(browser, server.url, 'ahmed');
    const onAhmed = ahmed.getByTestId('contact-list').filter({ hasText: ALIAS });
    await onAhmed.waitFor({ timeout: 20000 });
    // A contact open on Ahmed's phone stays open while its row changes.
    await ahmed.getByTestId('open-contact').first().click();
    await ahmed.getByTestId('contact-detail').filter({ hasText: 'Cibo' }).waitFor();
    const central = await signedIn(browser, server.url, 'centrale', '/#/centrale');
    await central.getByTestId('central-table').filter({ hasText: ALIAS }).waitFor({ timeout: 20000 });

    // Completing the person: an alias more, saved; the editor closes, the row follows.
    await openPerson(marta);
    const aliases = marta.locator('#p-aliases');
    await aliases.fill(`${ALIAS}\n${ALIAS} bis`);
    await marta.getByTestId('save-person').click();
    await marta.getByTestId('person-editor').waitFor({ state: 'detached', timeout: 5000 });
    await marta.getByTestId('person-row').filter({ hasText: `${ALIAS} bis` }).waitFor();

    // The withdrawal goes to the server at once, like any edit (not at the next poll).
    await openPerson(marta);
    marta.once('dialog', (d) => d.accept());
    const pushed = marta.waitForRequest((r) => r.url().endsWith('/api/sync/push'), { timeout: 3000 });
    await marta.getByTestId('withdraw-consent').click();
    await pushed;
    await marta.getByTestId('person-editor').waitFor({ state: 'detached', timeout: 5000 });

    // Nobody navigates: the teammate's list, its open contact and the central records
    // lose the alias by themselves.
    await ahmed.waitForFunction(
      (alias) => !document.querySelector('[data-testid="contact-list"]').innerText.includes(alias),
      ALIAS, { timeout: 30000 });
    assert.match(await ahmed.getByTestId('contact-row').first().innerText(), /Anonimo/);
    assert.equal(await ahmed.getByTestId('contact-detail').count(), 1, 'the open contact stays open');
    await central.waitForFunction(
      (alias) => {
        const t = document.querySelector('[data-testid="central-table"]');
        return t && !t.innerText.includes(alias);
      },
      ALIAS, { timeout: 30000 });
    assert.equal(await central.getByTestId('central-row').count(), 1);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('after a server restart the live stream comes back with a new ticket, without a 401', async () => {
  const data = tempDir('strada-e2e-restart-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  let server = await startServer(data);
  const port = new URL(server.url).port;
  // The restart cuts the stream and refuses requests while the server is down; a spent
  // ticket answered 401 is *not* expected.
  const browser = await launchBrowser({ allow: SERVER_DOWN });
  try {
    const marta = await signedIn(browser, server.url, 'marta');
    const streams = [];
    marta.on('response', (r) => {
      if (r.url().includes('/api/sync/events?')) streams.push(r.status());
    });
    const firstStream = marta.waitForResponse((r) => r.url().includes('/api/sync/events?'), { timeout: 20000 });
    // The stream opens after the first sync (or is already open).
    await marta.getByTestId('sync-now').click();
    await firstStream.catch(() => {});
    const ticketsBefore = streams.length;

    await stopServer(server.proc);
    server = await startServer(data, `127.0.0.1:${port}`);
    // The next sync opens a new stream with a new ticket.
    const deadline = Date.now() + 30000;
    while (!streams.slice(ticketsBefore).includes(200) && Date.now() < deadline) {
      await marta.waitForTimeout(250);
    }
    assert.ok(streams.slice(ticketsBefore).includes(200), `a new stream opened after the restart: ${streams}`);
    assert.ok(!streams.includes(401), `no spent ticket retried: ${streams}`);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
