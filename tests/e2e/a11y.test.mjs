// Quality gates on the main pages: axe-core finds no accessibility violation, and
// Chromium reports no installability error for the PWA.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import {
  CHROMIUM, addUser, axeViolations, launchBrowser, openAdmin, phoneContext, removeDir, signIn, startServer, stopServer, tempDir,
} from './helpers.mjs';

test('the main pages have no accessibility violations', async () => {
  const data = tempDir('strada-e2e-a11y-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', 'synthetic-marta-pw');
  addUser(data, 'centrale', 'central_office', 'pua', 'synthetic-central-pw');
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const page = await (await phoneContext(browser)).newPage();
    await page.goto(server.url + '/');
    await page.getByLabel('Nome utente').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'sign-in page');

    await signIn(page, 'marta', 'synthetic-marta-pw');
    await page.getByTestId('contact-form').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'field page');

    await page.reload();
    await page.getByTestId('unlock-form').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'unlock page');

    const central = await (await phoneContext(browser)).newPage();
    await central.goto(server.url + '/#/centrale');
    await signIn(central, 'centrale', 'synthetic-central-pw');
    await central.getByTestId('ws-total').waitFor();
    assert.deepEqual(await axeViolations(central), [], 'central records page');
    await openAdmin(central);
    await central.getByTestId('device-row').first().waitFor();
    assert.deepEqual(await axeViolations(central), [], 'central administration page, with devices');
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('Chromium finds the app installable', async () => {
  const data = tempDir('strada-e2e-install-');
  const profile = tempDir('strada-e2e-profile-');
  const server = await startServer(data);
  // Installability needs a persistent profile (an incognito context never is).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await page.getByLabel('Nome utente').waitFor();
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null,
      null, { timeout: 20000 });
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
  } finally {
    await context.close();
    await stopServer(server.proc);
    removeDir(data);
    removeDir(profile);
  }
});
