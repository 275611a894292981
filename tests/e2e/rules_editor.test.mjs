// The PUA's rules editor in the central workspace: its fields are in the page only with
// the rules in them, so nothing typed before the rules arrive (a slow network) is
// overwritten by them; an added criterion is published as a new version and shown when
// the editor opens again. (The fields used to be drawn empty while the rules were asked
// of the server, and filled when they came.)
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import { addUser, launchBrowser, removeDir, signIn, startServer, stopServer, tempDir } from './helpers.mjs';

const PW = 'synthetic-pw-rules';

test('the rules editor shows its fields only with the rules in them, and publishes an added criterion', async () => {
  const data = tempDir('strada-e2e-rules-');
  addUser(data, 'ufficio', 'central_office', 'centrale', PW);
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

    // An added criterion is published as the next version.
    await criteria.fill(`${shown}\nsintetico_e2e | Criterio sintetico e2e`);
    await page.getByTestId('rules-publish').click();
    await page.getByTestId('rules-saved').waitFor({ timeout: 20000 });
    await context.unroute('**/api/rules');
    await page.getByTestId('ws-tab-persons').click();
    await page.getByTestId('ws-tab-rules').click();
    await criteria.waitFor({ timeout: 30000 });
    assert.match(await criteria.inputValue(), /\nsintetico_e2e \| Criterio sintetico e2e/);
    assert.notEqual(await page.getByTestId('rules-version').innerText(), version);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
