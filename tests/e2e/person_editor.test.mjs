// A person's editor: what the worker types as soon as the editor opens is what is saved,
// on a phone whose CPU is slowed twenty times; and opened again, its aliases field holds
// the saved aliases from the moment it is in the page. (The form used to open empty and
// read the document in the background: a document arriving after the typing overwrote
// it, and the save kept the old aliases.)
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  launchBrowser, logContact, phoneContext, removeDir, signIn, startServer, stopServer, tempDir, addUser,
} from './helpers.mjs';

const PW = 'synthetic-pw-editor';
const ALIAS = 'Persona sintetica E';

test('on a slow phone, an alias typed as soon as the person editor opens is saved', async () => {
  const data = tempDir('strada-e2e-editor-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await signIn(page, 'marta', PW);
    await logContact(page, ALIAS, ['food'], 'nota sintetica');
    await page.getByTestId('tab-persons').click();
    const row = page.getByTestId('person-row').filter({ hasText: ALIAS });
    await row.waitFor({ timeout: 20000 });

    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
    await row.locator('button.pick').click();
    // Typed the moment the field can take it.
    await page.locator('#p-aliases').fill(`${ALIAS}\n${ALIAS} bis`);
    await page.getByTestId('save-person').click();
    await page.getByTestId('person-editor').waitFor({ state: 'detached', timeout: 30000 });
    await page.getByTestId('person-row').filter({ hasText: `${ALIAS} bis` }).waitFor({ timeout: 30000 });

    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

    // Opened again: the aliases field holds the saved aliases from the moment it is in
    // the page (never empty, waiting for the document).
    await page.evaluate(() => {
      new MutationObserver((_, observer) => {
        const field = document.querySelector('#p-aliases');
        if (field) {
          window.aliasesWhenShown = field.value;
          observer.disconnect();
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    await row.locator('button.pick').click();
    await page.getByTestId('person-editor').waitFor();
    assert.equal(await page.evaluate(() => window.aliasesWhenShown), `${ALIAS}\n${ALIAS} bis`);
    // The country is chosen from a list of every country, named in the page's language,
    // and recorded as its code (which the exchange format carries).
    await page.getByTestId('p-country').selectOption('SN');
    await page.getByTestId('save-person').click();
    await page.getByTestId('person-editor').waitFor({ state: 'detached', timeout: 30000 });
    await page.getByTestId('person-row').filter({ hasText: 'Senegal' }).waitFor();
    // An age typed as the birth year: the list shows the year it gives, as a guess (a
    // new user's walk: namesakes' rows read the same, with no year).
    await row.locator('button.pick').click();
    await page.getByTestId('person-editor').waitFor();
    await page.locator('#p-birth').fill('30');
    await page.getByTestId('save-person').click();
    await page.getByTestId('person-editor').waitFor({ state: 'detached', timeout: 30000 });
    const year = new Date().getFullYear() - 30;
    await row.getByTestId('person-born').filter({ hasText: `anno di nascita ${year} (stimato)` }).waitFor();
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
