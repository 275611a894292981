// The workspace's address follows its tab and the record open beside a list: Back and
// Forward move between them (found by a new user's walk: Back left the application), and
// an address reloaded opens the same record once the device is unlocked.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  addUser, demoWithCrossTeamPair, fillDemo, launchBrowser, removeDir, setPlainSetting, signIn, startServer, stopServer, tempDir, unlock,
} from './helpers.mjs';

const hash = (page) => page.evaluate(() => location.hash);

async function waitHash(page, expected) {
  await page.waitForFunction((h) => location.hash === h, expected, { timeout: 15000 })
    .catch(async () => assert.fail(`the address is ${await hash(page)}, not ${expected}`));
}

test('Back and Forward move between the tabs and records of the workspace; a reload opens the record', async () => {
  const data = tempDir('strada-e2e-wsaddr-');
  const accounts = fillDemo(data, ['--seed', '5', '--contacts', '300']);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const password = accounts.centrale.password;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'it-IT' });
    const page = await context.newPage();
    await page.goto(server.url + '/#/centrale');
    await signIn(page, 'centrale', password);
    await page.getByTestId('central-row').first().waitFor({ timeout: 30000 });
    // The bare address takes the name of the tab shown, in place (no extra step).
    await waitHash(page, '#/centrale/contatti');

    await page.getByTestId('ws-tab-persons').click();
    await waitHash(page, '#/centrale/persone');
    const row = page.getByTestId('ws-person-row').first();
    await row.waitFor({ timeout: 30000 });
    const id = await row.getAttribute('data-id');
    // Namesakes are told apart in the list: birth year and country beside the name.
    assert.equal(await page.getByTestId('ws-persons').locator('thead th').evaluateAll((ths) => ths.map((t) => t.textContent).slice(0, 3).join('|')),
      'Nome|Anno di nascita|Paese di origine');
    await row.click();
    const record = page.getByTestId('ws-record').getByTestId('ws-person-name');
    await record.waitFor({ timeout: 15000 });
    const name = await record.textContent();
    await waitHash(page, `#/centrale/persone/persona/${id}`);

    await page.getByTestId('ws-tab-duplicates').click();
    await waitHash(page, '#/centrale/doppioni');

    // Back: the persons list with the same record open beside it.
    await page.goBack();
    await page.locator('[data-testid="ws-tab-persons"][aria-selected="true"]').waitFor({ timeout: 15000 });
    await record.waitFor({ timeout: 15000 });
    assert.equal(await record.textContent(), name);
    assert.equal(await page.locator(`[data-testid="ws-person-row"][data-id="${id}"]`).getAttribute('aria-selected'), 'true');
    // Back: the list with nothing open; then the contacts.
    await page.goBack();
    await waitHash(page, '#/centrale/persone');
    await page.locator('.ws-detail .hint').waitFor({ timeout: 15000 });
    assert.equal(await record.count(), 0, 'no record open');
    // The focus on the row the record was open for (a new user's walk: it went to the
    // pane's hint, 25 Tabs from the list).
    await page.waitForFunction((rid) => document.activeElement?.dataset?.id === rid, id, { timeout: 5000 });
    await page.goBack();
    await page.locator('[data-testid="ws-tab-contacts"][aria-selected="true"]').waitFor({ timeout: 15000 });
    assert.equal(await page.getByTestId('workspace').count(), 1, 'still in the workspace');
    // Forward twice: the record again.
    await page.goForward();
    await page.goForward();
    await record.waitFor({ timeout: 15000 });
    assert.equal(await record.textContent(), name);

    // The address reloaded (the device locks on a reload, by design): unlocked, the same
    // record is open beside the persons list.
    await page.reload();
    await unlock(page, password);
    await page.locator('[data-testid="ws-tab-persons"][aria-selected="true"]').waitFor({ timeout: 30000 });
    await record.waitFor({ timeout: 30000 });
    assert.equal(await record.textContent(), name);
    await waitHash(page, `#/centrale/persone/persona/${id}`);

    // The cases have their own record beside their list: Back closes it, then goes
    // back to the person.
    await page.getByTestId('ws-tab-cases').click();
    await waitHash(page, '#/centrale/casi');
    const caseRow = page.getByTestId('case-row').first();
    await caseRow.waitFor({ timeout: 30000 });
    const caseId = await caseRow.getAttribute('data-id');
    await caseRow.click();
    await page.locator(`[data-testid="case-view"][data-id="${caseId}"]`).waitFor({ timeout: 15000 });
    await waitHash(page, `#/centrale/casi/caso/${caseId}`);
    await page.goBack();
    await waitHash(page, '#/centrale/casi');
    await page.getByTestId('case-view').waitFor({ state: 'detached', timeout: 15000 });
    await page.goBack();
    await record.waitFor({ timeout: 15000 });
    await waitHash(page, `#/centrale/persone/persona/${id}`);
    // Another list closes the record (a new user's walk: it stayed open beside rows it
    // had nothing to do with); Back opens it again.
    await page.getByTestId('ws-tab-contacts').click();
    await waitHash(page, '#/centrale/contatti');
    await record.waitFor({ state: 'detached', timeout: 15000 });
    await page.goBack();
    await waitHash(page, `#/centrale/persone/persona/${id}`);
    await record.waitFor({ timeout: 15000 });

    // An address naming nothing keeps what is shown, and says it.
    await page.evaluate(() => { location.hash = '#/centrale/nowhere'; });
    await waitHash(page, `#/centrale/persone/persona/${id}`);
    await record.waitFor();

    // «Gestione» (exchange files, devices, accounts) is a page of its own and a step of
    // the history; Back finds the records as they were, the record still open.
    await page.getByTestId('nav-admin').click();
    await waitHash(page, '#/centrale/gestione');
    await page.getByTestId('admin-page').getByTestId('nav-records').waitFor();
    await page.getByTestId('devices').waitFor();
    assert.equal(await record.isVisible(), false, 'the records hidden');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H2', 'the page heading focused');
    await page.goBack();
    await waitHash(page, `#/centrale/persone/persona/${id}`);
    await record.waitFor();
    assert.equal(await page.getByTestId('admin-page').isVisible(), false);
    // Its link back leads to the records too.
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('nav-records').click();
    await waitHash(page, `#/centrale/persone/persona/${id}`);
    await record.waitFor();
    // A phone that signs in meanwhile is listed when «Gestione» opens again (the list
    // stayed as first read until «Aggiorna»).
    const worker = 'telefono.nuovo';
    addUser(data, worker, 'field_worker', 'bergamo-1', 'synthetic-phone-pw-1');
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: worker, password: 'synthetic-phone-pw-1', device_actor: 'ab'.repeat(16) }),
    });
    assert.equal(login.status, 200);
    const phoneRow = page.locator(`[data-testid="device-row"][data-user="${worker}"]`);
    assert.equal(await phoneRow.count(), 0, 'not listed before');
    await page.getByTestId('nav-admin').click();
    await phoneRow.waitFor({ timeout: 10000 });
    await page.getByTestId('nav-records').click();
    await record.waitFor();

    // The filters applied survive the automatic lock (a new user's walk: the working
    // list was lost each time the desk was left). A short idle time, for the test's sake.
    await setPlainSetting(page, 'idle_lock_s', '5');
    await page.reload();
    await unlock(page, password);
    await page.getByTestId('ws-person-row').first().waitFor({ timeout: 30000 });
    const all = await page.getByTestId('ws-total').textContent();
    const team = await page.locator('#ws-team option').nth(1).getAttribute('value');
    await page.getByTestId('ws-team').selectOption(team);
    await page.getByTestId('ws-apply').click();
    await page.waitForFunction((before) => document.querySelector('[data-testid="ws-total"]')?.textContent !== before, all);
    const filtered = await page.getByTestId('ws-total').textContent();
    await page.getByTestId('unlock-form').waitFor({ timeout: 20000 });
    await unlock(page, password);
    await page.getByTestId('ws-person-row').first().waitFor({ timeout: 30000 });
    assert.equal(await page.getByTestId('ws-team').inputValue(), team);
    assert.equal(await page.getByTestId('ws-total').textContent(), filtered);

    await context.close();
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('the pair open in "Doppioni" is in the address: Back closes it, Forward and a reload open it', async () => {
  const { data, accounts, server, pair } = await demoWithCrossTeamPair('strada-e2e-wspair-');
  const browser = await launchBrowser();
  try {
    const password = accounts.centrale.password;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'it-IT' });
    const page = await context.newPage();
    await page.goto(server.url + '/#/centrale/doppioni');
    await signIn(page, 'centrale', password);
    await waitHash(page, '#/centrale/doppioni');
    // Found by a new user's walk: a reload while reviewing a pair lost it.
    const pairRow = page.locator(`[data-testid="dup-pair"][data-a="${pair.a.id}"][data-b="${pair.b.id}"]`);
    await pairRow.waitFor({ timeout: 30000 });
    await pairRow.click();
    await page.getByTestId('dup-review').waitFor({ timeout: 15000 });
    await waitHash(page, `#/centrale/doppioni/coppia/${pair.a.id}/${pair.b.id}`);
    await page.goBack();
    await waitHash(page, '#/centrale/doppioni');
    await page.getByTestId('dup-review').waitFor({ state: 'detached', timeout: 15000 });
    await page.goForward();
    await page.getByTestId('dup-review').waitFor({ timeout: 15000 });
    await page.reload();
    await unlock(page, password);
    await page.locator(`[data-testid="dup-pair"][data-a="${pair.a.id}"][data-b="${pair.b.id}"][aria-selected="true"]`)
      .waitFor({ timeout: 30000 });
    await page.getByTestId('dup-review').waitFor({ timeout: 15000 });
    await waitHash(page, `#/centrale/doppioni/coppia/${pair.a.id}/${pair.b.id}`);
    // Another tab and Back: the same pair open.
    await page.getByTestId('ws-tab-persons').click();
    await waitHash(page, '#/centrale/persone');
    await page.goBack();
    await page.getByTestId('dup-review').waitFor({ timeout: 15000 });
    await waitHash(page, `#/centrale/doppioni/coppia/${pair.a.id}/${pair.b.id}`);
    await context.close();
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
