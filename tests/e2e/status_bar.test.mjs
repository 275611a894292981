// On a phone the status area is one line (state, changes waiting, a sync button), so the
// contact form starts at the top of the screen; sync details, the account, the language,
// the automatic lock and sign-out are one tap away.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, launchBrowser, logContact, phoneContext, removeDir, signIn, startServer, stopServer,
  tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-status';

test('the status area is one line on a phone and the rest is one tap away', async () => {
  const data = tempDir('strada-e2e-status-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, 'marta', PW);
    const header = page.locator('header.status');
    const form = page.getByTestId('contact-form');
    await form.waitFor();
    const h = (await header.boundingBox()).height;
    const top = (await form.boundingBox()).y;
    // One line of 40-px touch targets, not a third of an 844-px screen.
    assert.ok(h <= 64, `status area ${h}px high`);
    assert.ok(top <= 100, `the form starts ${top}px down`);
    // Sign-out and the automatic lock are hidden until asked for.
    assert.equal(await page.getByTestId('sign-out').isVisible(), false);
    const more = page.getByTestId('status-more');
    assert.equal(await more.getAttribute('aria-expanded'), 'false');
    await more.click();
    assert.equal(await more.getAttribute('aria-expanded'), 'true');
    await page.getByTestId('sign-out').waitFor();
    assert.ok(await page.getByTestId('idle-lock').isVisible());
    assert.match(await page.locator('#status-details').innerText(), /Collegato come marta \(bergamo-1\)/);
    await more.click();
    await page.getByTestId('sign-out').waitFor({ state: 'hidden' });

    // The line says what waits (the new person and the contact) and syncs it.
    await context.setOffline(true);
    await logContact(page, 'Sana sintetica', ['food'], '');
    await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]').textContent === '2');
    // On a 360 px phone the offline line («Senza rete», what waits, ⟳, ▾) stays on the
    // screen, its buttons 44 px (a new user's check: it ran 16 px past), and so do the
    // tabs, the referrals' count a badge on the label's line.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.waitForTimeout(200);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 360, `the page is ${wide}px wide at 360`);
    for (const id of ['sync-now', 'status-more']) {
      const box = await page.getByTestId(id).boundingBox();
      // Sub-pixel layout may report 43.99997 for 44 px: compare to half a pixel.
      assert.ok(box.x + box.width <= 360.5 && box.width >= 43.5 && box.height >= 43.5, `${id}: ${JSON.stringify(box)}`);
    }
    for (const tab of await page.locator('.tabs a').all()) {
      assert.ok((await tab.boundingBox()).height <= 60, 'a tab label on one line');
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await context.setOffline(false);
    await page.getByTestId('sync-now').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]').textContent === '0', null, { timeout: 20000 });
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('a contact saved while a sync runs goes out as soon as that sync ends, not at the next timer', async () => {
  const data = tempDir('strada-e2e-status-again-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, 'marta', PW);
    await page.getByTestId('contact-form').waitFor();
    await logContact(page, 'Nadia sintetica', ['food'], '');
    await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]').textContent === '0', null, { timeout: 20000 });

    // A sync whose pull the network holds: it runs while the next contact is saved.
    let release;
    const gate = new Promise((r) => { release = r; });
    let pulling;
    const held = new Promise((r) => { pulling = r; });
    await page.route('**/api/sync/pull*', async (route) => {
      pulling();
      await gate;
      await route.continue();
    }, { times: 1 });
    await page.getByTestId('sync-now').click();
    await held;
    await logContact(page, 'Lina sintetica', ['hygiene'], '');
    await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]').textContent === '2');

    // The timer syncs every 8 s; the contact goes out right after the running sync.
    const pushed = page.waitForRequest((r) => r.url().endsWith('/api/sync/push'), { timeout: 1500 });
    release();
    await pushed;
    await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]').textContent === '0', null, { timeout: 20000 });
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
