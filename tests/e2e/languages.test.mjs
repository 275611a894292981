// Languages: the picker lists the catalogue's languages; Arabic turns the page right to
// left without breaking the sign-in page, the form or the tab bar (axe-core clean), and
// is remembered on the device; counts take their plural form ("C'è 1 modifica").
import { test, statusDetails } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, axeViolations, launchBrowser, openDesk, phoneContext, removeDir, startServer,
  stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-marta-pw';

const dir = (page) => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);

/** Nothing sticks out sideways: no horizontal scrolling on a phone. */
const fitsWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('Arabic lays the app out right to left and is remembered', async () => {
  const data = tempDir('strada-e2e-lang-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const page = await (await phoneContext(browser)).newPage();
    await page.goto(server.url + '/');
    await page.getByLabel('Nome utente').waitFor();
    assert.deepEqual(await dir(page), ['it', 'ltr']);
    const picker = page.getByTestId('lang');
    assert.deepEqual(await picker.locator('option').evaluateAll((os) => os.map((o) => o.value)), ['it', 'en', 'ar']);
    assert.deepEqual(await picker.locator('option').allInnerTexts(), ['Italiano', 'English', 'العربية']);

    await picker.selectOption('ar');
    await page.getByLabel('اسم المستخدم').waitFor();
    assert.deepEqual(await dir(page), ['ar', 'rtl']);
    assert.ok(await fitsWidth(page), 'sign-in page fits the width');
    assert.deepEqual(await axeViolations(page), [], 'sign-in page in Arabic');

    await page.getByLabel('اسم المستخدم').fill('marta');
    await page.getByLabel('كلمة المرور').fill(PW);
    await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await page.getByTestId('contact-form').waitFor();
    await page.getByTestId('net-status').filter({ hasText: /^متصل$/ }).waitFor();
    // The tab bar runs right to left: the first tab (contacts) at the right edge.
    const tabs = await page.locator('nav.tabs a').evaluateAll((as) => as.map((a) => {
      const r = a.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top };
    }));
    assert.equal(tabs.length, 4);
    for (let i = 1; i < tabs.length; i++) {
      assert.ok(tabs[i].right <= tabs[i - 1].left + 1, `tab ${i} is left of tab ${i - 1}`);
      assert.equal(tabs[i].top, tabs[0].top, 'one row of tabs');
    }
    assert.ok(tabs[0].right > 380 && tabs[3].left >= 0, 'the tabs span the screen');
    assert.equal(await page.getByTestId('nav-services').innerText(), 'الخدمات');
    assert.ok(await fitsWidth(page), 'field page fits the width');
    assert.deepEqual(await axeViolations(page), [], 'field page in Arabic');

    // The choice is kept on the device: the unlock page comes back in Arabic.
    await page.reload();
    await page.getByTestId('unlock-form').waitFor({ timeout: 20000 });
    assert.deepEqual(await dir(page), ['ar', 'rtl']);
    await page.getByLabel('كلمة المرور').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'unlock page in Arabic');

    // And back to Italian.
    await page.getByTestId('lang').selectOption('it');
    await page.getByLabel('Password').waitFor();
    assert.deepEqual(await dir(page), ['it', 'ltr']);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('a language that does not cover the workspace leaves it left to right', async () => {
  // Arabic covers the field app only: the workspace's text is Italian, and a new
  // user's walk saw it laid out right to left.
  const data = tempDir('strada-e2e-lang-desk-');
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const { page } = await openDesk(browser, server.url, 'centrale', PW);
    const desk = page.locator('.desk-lang');
    const direction = () => page.getByTestId('workspace').evaluate((el) => getComputedStyle(el).direction);
    assert.equal(await direction(), 'ltr');
    await statusDetails(page);
    await page.getByTestId('lang').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.deepEqual([await desk.getAttribute('lang'), await desk.getAttribute('dir')], ['it', 'ltr']);
    assert.equal(await direction(), 'ltr');
    await page.getByTestId('lang').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    assert.deepEqual([await desk.getAttribute('lang'), await desk.getAttribute('dir')], ['en', 'ltr']);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('signing out with one change pending says so in the singular', async () => {
  const data = tempDir('strada-e2e-plural-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await page.getByLabel('Nome utente').fill('marta');
    await page.getByLabel('Password').fill(PW);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByTestId('contact-form').waitFor();
    await context.setOffline(true);
    // An anonymous contact: one document, one change waiting.
    await page.getByTestId('person-anonymous').check();
    await page.getByTestId('need-food').check();
    await page.getByTestId('save-contact').click();
    await page.getByTestId('form-saved').waitFor();
    assert.equal(await page.getByTestId('pending-count').innerText(), '1');

    const asked = new Promise((resolve) => {
      page.once('dialog', async (d) => { resolve(d.message()); await d.dismiss(); });
    });
    await statusDetails(page);
    await page.getByTestId('sign-out').click();
    assert.match(await asked, /^C'è 1 modifica non ancora sincronizzata: uscendo andrà persa\./);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
