// Conflicts a person should see (issue 11 §3): two phones of one team, both offline,
// write a person's phone number differently. Back online both sync without refusal; the
// central office's "Da rivedere" list shows both values with who wrote each, the reviewer
// keeps one, and the phones receive it like any change.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, apiLogin, launchBrowser, logContact, removeDir, signIn, signedInPhone,
  startServer, stopServer, tempDir, until,
} from './helpers.mjs';

const PW = 'synthetic-pw-review';
const ALIAS = 'Persona sintetica D';

const phone = (browser, url, user) => signedInPhone(browser, url, user, PW);

async function openPerson(page) {
  await page.getByTestId('tab-persons').click();
  await page.getByTestId('person-search').fill(ALIAS);
  await page.getByTestId('person-row').filter({ hasText: ALIAS }).locator('button.pick').click();
  await page.getByTestId('person-editor').waitFor();
}

async function setPhone(page, number) {
  await openPerson(page);
  await page.locator('#p-phone').fill(number);
  await page.getByTestId('save-person').click();
  await page.getByTestId('person-editor').waitFor({ state: 'detached', timeout: 5000 });
}

/** Marta and Ahmed (one team) and the central office on a fresh server, in a browser. */
async function withTeam(prefix, body) {
  const data = tempDir(prefix);
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'ahmed', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: [...OFFLINE] });
  try {
    await body(server, browser);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
}

/** Marta logs a contact for a new person; Ahmed's phone, of the same team, receives it. */
async function twoPhonesOnePerson(browser, url) {
  const marta = await phone(browser, url, 'marta');
  await logContact(marta.page, ALIAS, ['food'], 'nota sintetica');
  await marta.page.locator('[data-testid="contact-row"][data-status="synced"]').waitFor({ timeout: 20000 });
  const ahmed = await phone(browser, url, 'ahmed');
  await ahmed.page.getByTestId('contact-row').filter({ hasText: ALIAS }).waitFor({ timeout: 20000 });
  return { marta, ahmed };
}


test('two phones writing a person\'s phone apart: the central office keeps one and the phones follow', () => withTeam('strada-e2e-review-', async (server, browser) => {
    const { marta, ahmed } = await twoPhonesOnePerson(browser, server.url);

    // Both offline, each writes another number.
    await marta.context.setOffline(true);
    await ahmed.context.setOffline(true);
    await setPhone(marta.page, '+39 333 1111111');
    await setPhone(ahmed.page, '+39 333 2222222');
    await marta.context.setOffline(false);
    await ahmed.context.setOffline(false);

    // Both sync without refusal; the server sees two values.
    const token = await apiLogin(server.url, 'centrale', PW);
    const items = await until(async () => {
      const res = await fetch(`${server.url}/api/conflicts`, { headers: { authorization: `Bearer ${token}` } });
      const list = await res.json();
      return list.length === 1 && list[0].conflicts[0].values.length === 2 ? list : null;
    }, 'the conflict on the server');
    assert.equal(items[0].conflicts[0].field, 'phone');
    // The phones say which field waits for the central office (a new user's walk: the
    // worker whose value lost was never told).
    await marta.page.getByTestId('tab-persons').click();
    await marta.page.getByTestId('person-search').fill(ALIAS);
    const inReview = marta.page.getByTestId('person-row').filter({ hasText: ALIAS }).getByTestId('person-in-review');
    await inReview.filter({ hasText: 'in revisione in centrale: telefono' }).waitFor({ timeout: 30000 });
    // Each phone shows the value it wrote, whichever the row shows (a new user's walk:
    // the worker's own value was nowhere on the phone).
    const mine = marta.page.getByTestId('person-row').filter({ hasText: ALIAS }).getByTestId('person-in-review-mine');
    await mine.filter({ hasText: 'Scritto su questo dispositivo, telefono: +39 333 1111111' }).waitFor({ timeout: 10000 });
    assert.equal(await mine.count(), 1);
    await ahmed.page.getByTestId('tab-persons').click();
    await ahmed.page.getByTestId('person-search').fill(ALIAS);
    await ahmed.page.getByTestId('person-row').filter({ hasText: ALIAS }).getByTestId('person-in-review-mine')
      .filter({ hasText: 'telefono: +39 333 2222222' }).waitFor({ timeout: 30000 });

    // The reviewer sees both values, who wrote each, and keeps Ahmed's.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'it-IT' });
    const central = await context.newPage();
    await central.goto(server.url + '/#/centrale');
    await signIn(central, 'centrale', PW);
    await central.getByTestId('ws-tab-review').click();
    const field = central.locator('[data-testid="ws-conflict-field"][data-field="phone"]');
    await field.waitFor({ timeout: 15000 });
    const text = await field.innerText();
    assert.match(text, /\+39 333 1111111 · marta/);
    assert.match(text, /\+39 333 2222222 · ahmed/);
    // Which of the two the lists show now, said once — beside the value the record
    // shows (a new user's walk: it stood beside the other one).
    assert.equal(await field.getByTestId('ws-conflict-shown').count(), 1);
    const record = await (await fetch(`${server.url}/api/persons/${items[0].id}`,
      { headers: { authorization: `Bearer ${token}` } })).json();
    const shownValue = await field.locator('li', { has: central.getByTestId('ws-conflict-shown') })
      .getByTestId('ws-conflict-value').innerText();
    assert.equal(shownValue, record.person.phone);
    // A second desk has the same list open.
    const deskB = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'it-IT' })).newPage();
    await deskB.goto(server.url + '/#/centrale');
    await signIn(deskB, 'centrale', PW);
    await deskB.getByTestId('ws-tab-review').click();
    await deskB.locator('[data-testid="ws-conflict-field"][data-field="phone"]').waitFor({ timeout: 15000 });
    await field.locator('li', { hasText: '2222222' }).getByTestId('ws-keep').click();
    await central.getByTestId('ws-review-empty').waitFor({ timeout: 10000 });
    // The second desk's "Aggiorna" reads the list again: nothing left to review there
    // either (the list stayed as first read).
    await deskB.getByTestId('workspace').getByRole('button', { name: 'Aggiorna' }).click();
    await deskB.getByTestId('ws-review-empty').waitFor({ timeout: 10000 });

    // Marta's phone receives the choice (her editor reads the document when it opens).
    const pick = marta.page.getByTestId('person-row').filter({ hasText: ALIAS }).locator('button.pick');
    await until(async () => {
      await pick.click();
      await marta.page.getByTestId('person-editor').waitFor();
      const v = await marta.page.locator('#p-phone').inputValue();
      await pick.click();
      await marta.page.getByTestId('person-editor').waitFor({ state: 'detached' });
      return v === '+39 333 2222222';
    }, 'the kept value on Marta\'s phone', 40000);
    // Reviewed: nothing waits any more.
    await inReview.waitFor({ state: 'detached', timeout: 30000 });
    assert.equal(await mine.count(), 0);
}));

// A new user's walk: an editor left open on one phone, saved without a change after
// another phone's edit arrived, wrote back the old value (and nothing reached "Da
// rivedere"). The editor now writes only what its user changed.
test('an editor left open writes only what its user changed, not the values it showed', () => withTeam('strada-e2e-stale-editor-', async (server, browser) => {
    const { marta, ahmed } = await twoPhonesOnePerson(browser, server.url);

    // Ahmed opens the person's editor and leaves it open.
    await openPerson(ahmed.page);
    // Marta sets the birth year; Ahmed's list shows it, his open form does not.
    await openPerson(marta.page);
    await marta.page.locator('#p-birth').fill('1998');
    await marta.page.getByTestId('save-person').click();
    await marta.page.getByTestId('person-editor').waitFor({ state: 'detached', timeout: 5000 });
    await ahmed.page.getByTestId('person-row').filter({ hasText: ALIAS })
      .getByTestId('person-born').filter({ hasText: '1998' }).waitFor({ timeout: 30000 });
    // Ahmed changes the usual place only, and saves.
    await ahmed.page.locator('#p-place').fill('campi sintetici');
    await ahmed.page.getByTestId('save-person').click();
    await ahmed.page.getByTestId('person-editor').waitFor({ state: 'detached', timeout: 5000 });

    // The server holds both: Marta's year, Ahmed's place; nothing to review.
    const token = await apiLogin(server.url, 'centrale', PW);
    const person = await until(async () => {
      const res = await fetch(`${server.url}/api/persons?q=${encodeURIComponent(ALIAS)}`,
        { headers: { authorization: `Bearer ${token}` } });
      const row = (await res.json()).items[0];
      const whole = await (await fetch(`${server.url}/api/persons/${row.person.id}`,
        { headers: { authorization: `Bearer ${token}` } })).json();
      return whole.person.usual_place === 'campi sintetici' ? whole.person : null;
    }, 'Ahmed\'s place on the server');
    assert.equal(person.birth_year, 1998, 'Marta\'s year stays');
    const conflicts = await (await fetch(`${server.url}/api/conflicts`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.deepEqual(conflicts, []);
    // Marta's phone shows both too.
    await marta.page.getByTestId('person-row').filter({ hasText: ALIAS })
      .getByTestId('person-born').filter({ hasText: '1998' }).waitFor({ timeout: 5000 });
}));
