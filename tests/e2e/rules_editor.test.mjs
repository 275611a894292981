// The PUA's rules editor in the central workspace: its fields are in the page only with
// the rules in them, so nothing typed before the rules arrive (a slow network) is
// overwritten by them; an added criterion is published as a new version and shown when
// the editor opens again. (The fields used to be drawn empty while the rules were asked
// of the server, and filled when they came.) A second desk that drew the editor before
// that publication publishes nothing over it: it is told which version came meanwhile,
// and publishes once it has seen it (two desks used to make two "version 3", the later
// one's lists written over the other's).
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import { addUser, launchBrowser, removeDir, signIn, startServer, stopServer, tempDir } from './helpers.mjs';

const PW = 'synthetic-pw-rules';

test('the rules editor shows its fields only with the rules in them, publishes an added criterion, and never over a colleague\'s version', async () => {
  const data = tempDir('strada-e2e-rules-');
  addUser(data, 'ufficio', 'central_office', 'centrale', PW);
  addUser(data, 'ufficio2', 'central_office', 'centrale', PW);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 }, locale: 'it-IT', timezoneId: 'Europe/Rome',
    });
    const page = await context.newPage();
    await page.goto(server.url + '/#/centrale');
    await signIn(page, 'ufficio', PW);
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });

    // The server answers the rules two seconds late.
    await context.route('**/api/rules', async (route) => {
      await new Promise((r) => setTimeout(r, 2000));
      await route.continue();
    });
    // What the criteria field holds when it enters the page.
    await page.evaluate(() => {
      new MutationObserver((_, observer) => {
        const field = document.querySelector('[data-testid="rules-criteria"]');
        if (field) {
          window.criteriaWhenShown = field.value;
          observer.disconnect();
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.getByTestId('ws-tab-rules').click();
    const criteria = page.getByTestId('rules-criteria');
    await criteria.waitFor({ timeout: 30000 });
    const shown = await page.evaluate(() => window.criteriaWhenShown);
    assert.ok(shown.trim().length > 0, 'the criteria field entered the page empty');
    assert.equal(shown, await criteria.inputValue());
    const version = await page.getByTestId('rules-version').innerText();

    // A second desk draws the editor now, before the first publishes.
    const other = await (await browser.newContext({
      viewport: { width: 1280, height: 800 }, locale: 'it-IT', timezoneId: 'Europe/Rome',
    })).newPage();
    await other.goto(server.url + '/#/centrale');
    await signIn(other, 'ufficio2', PW);
    await other.getByTestId('workspace').waitFor({ timeout: 30000 });
    await other.getByTestId('ws-tab-rules').click();
    await other.getByTestId('rules-criteria').waitFor({ timeout: 30000 });
    assert.equal(await other.getByTestId('rules-version').innerText(), version);

    // A line without its label is named, list and line, and nothing is published (a
    // new user's walk: one message for four lists).
    const lines = shown.split('\n').length;
    await criteria.fill(`${shown}\nriga senza barra verticale`);
    await page.getByTestId('rules-publish').click();
    const problem = page.getByTestId('rules-problem');
    await problem.waitFor({ timeout: 5000 });
    assert.match(await problem.innerText(), new RegExp(`Criteri di ammissibilità», riga ${lines + 1}`));
    assert.equal(await page.getByTestId('rules-version').innerText(), version);
    // An added criterion is published as the next version.
    await criteria.fill(`${shown}\nsintetico_e2e | Criterio sintetico e2e`);
    await page.getByTestId('rules-publish').click();
    await page.getByTestId('rules-saved').waitFor({ timeout: 20000 });
    await context.unroute('**/api/rules');
    await page.getByTestId('ws-tab-persons').click();
    await page.getByTestId('ws-tab-rules').click();
    await criteria.waitFor({ timeout: 30000 });
    assert.match(await criteria.inputValue(), /\nsintetico_e2e \| Criterio sintetico e2e/);
    const published = await page.getByTestId('rules-version').innerText();
    assert.notEqual(published, version);

    // The second desk is told a version came, without redrawing what it shows.
    const number = published.match(/\d+/)[0];
    const newer = other.getByTestId('rules-newer');
    await newer.waitFor({ timeout: 30000 });
    assert.match(await newer.innerText(), new RegExp(`versione ${number}:`));
    assert.equal(await other.getByTestId('rules-version').innerText(), version);

    // It publishes from what it drew all the same: nothing is published, it is told.
    const otherCriteria = other.getByTestId('rules-criteria');
    await otherCriteria.fill(`${shown}\naltro_e2e | Altro criterio sintetico`);
    await other.getByTestId('rules-publish').click();
    const superseded = other.getByTestId('rules-superseded');
    await superseded.waitFor({ timeout: 20000 });
    assert.match(await superseded.innerText(), new RegExp(`versione ${number}:`));
    assert.equal(await other.getByTestId('rules-saved').count(), 0);
    assert.match(await otherCriteria.inputValue(), /altro_e2e/, 'what it typed stays');
    // It reloads, sees the colleague's criterion, adds its own and publishes.
    await other.getByTestId('rules-reload').click();
    await other.getByTestId('rules-version').filter({ hasText: published }).waitFor({ timeout: 20000 });
    assert.match(await otherCriteria.inputValue(), /sintetico_e2e \| Criterio sintetico e2e/);
    await otherCriteria.fill(`${await otherCriteria.inputValue()}\naltro_e2e | Altro criterio sintetico`);
    await other.getByTestId('rules-publish').click();
    await other.getByTestId('rules-saved').waitFor({ timeout: 20000 });
    await other.getByTestId('rules-version').filter({ hasText: String(Number(number) + 1) }).waitFor({ timeout: 20000 });
    assert.match(await otherCriteria.inputValue(), /sintetico_e2e[^]*altro_e2e/);
    assert.deepEqual(browser.problems(), []);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
