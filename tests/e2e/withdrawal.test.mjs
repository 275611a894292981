// Consent withdrawn on one phone while a teammate's phone, offline, still holds the person
// and edits it: the server erases the history of the person and of its contacts, refuses
// the teammate's edit to the erased history, and the teammate's phone takes the server's
// version at its next sync — nobody is named any more, on either phone or on the server,
// not even in the note that mentioned the person (the confirmation says so).
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, apiLogin, launchBrowser, logContact, phoneContext, removeDir, signIn, startServer,
  stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-0';
const ALIAS = 'Persona sintetica W';

async function phone(browser, url, user) {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await page.goto(url + '/');
  await signIn(page, user, PW);
  return { context, page };
}

async function openPerson(page) {
  await page.getByTestId('tab-persons').click();
  await page.getByTestId('person-search').fill('Persona sintetica');
  await page.getByTestId('person-row').filter({ hasText: ALIAS }).locator('button.pick').click();
  await page.getByTestId('person-editor').waitFor();
}

const pendingZero = (page) => page.waitForFunction(
  () => document.querySelector('[data-testid="pending-count"]').innerText === '0', null, { timeout: 30000 });

test('a withdrawal erases the person everywhere, even against an offline edit on another phone', async () => {
  const data = tempDir('strada-e2e-withdrawal-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'ahmed', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    const marta = await phone(browser, server.url, 'marta');
    await logContact(marta.page, ALIAS, ['food'], `nota: ${ALIAS} dorme in serra, tel. 333 765 4321`);
    await marta.page.locator('[data-testid="contact-row"][data-status="synced"]').waitFor({ timeout: 20000 });
    // His phone number, in his record as in the note but written otherwise.
    await openPerson(marta.page);
    await marta.page.getByLabel('Telefono (facoltativo)').fill('+39 3337654321');
    await marta.page.getByTestId('save-person').click();
    await marta.page.getByTestId('person-editor').waitFor({ state: 'detached' });

    // Ahmed's phone pulls the person, then loses the network and edits it.
    const ahmed = await phone(browser, server.url, 'ahmed');
    await ahmed.page.getByTestId('contact-row').filter({ hasText: ALIAS }).waitFor({ timeout: 20000 });
    await ahmed.context.setOffline(true);
    await openPerson(ahmed.page);
    await ahmed.page.getByLabel('Telefono (facoltativo)').fill('+39 000 0000000');
    await ahmed.page.getByTestId('save-person').click();
    await ahmed.page.getByTestId('person-editor').waitFor({ state: 'detached' });

    // Meanwhile Marta records the withdrawal; it syncs.
    let asked = '';
    marta.page.once('dialog', (d) => { asked = d.message(); d.accept(); });
    await openPerson(marta.page);
    await marta.page.getByTestId('withdraw-consent').click();
    await marta.page.getByTestId('person-editor').waitFor({ state: 'detached' });
    assert.ok(asked.includes('note dei contatti'), asked);
    await marta.page.getByTestId('sync-now').click();
    await pendingZero(marta.page);

    // Ahmed back online: his edit belonged to the erased history; his phone takes the
    // server's version and has nothing left to send.
    await ahmed.context.setOffline(false);
    await ahmed.page.getByTestId('sync-now').click();
    await pendingZero(ahmed.page);
    for (const p of [marta.page, ahmed.page]) {
      await p.getByTestId('tab-contacts').click();
      await p.getByTestId('contact-row').first().waitFor();
      assert.equal(await p.getByTestId('contact-list').filter({ hasText: 'Persona sintetica' }).count(), 0);
      await p.getByTestId('tab-persons').click();
      await p.getByTestId('person-search').fill('Persona sintetica');
      assert.equal(await p.getByTestId('person-row').count(), 0);
    }
    const token = await apiLogin(server.url, 'centrale', PW);
    const res = await fetch(`${server.url}/api/contacts?limit=200`, { headers: { authorization: `Bearer ${token}` } });
    const records = (await res.json()).items;
    assert.equal(records.length, 1);
    assert.equal(records[0].person.kind, 'anonymous');
    assert.ok(!JSON.stringify(records).includes('Persona sintetica'));
    assert.equal(records[0].note, 'nota: […] dorme in serra, tel. […]');
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
