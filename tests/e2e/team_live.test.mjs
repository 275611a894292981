// Two phones of the same team, both online: a contact logged on one appears on the
// other by itself (live notification, polling as fallback), synced; a phone of another
// team never receives it.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  addUser, launchBrowser, logContact, phoneContext, removeDir, signIn, startServer, stopServer, tempDir,
} from './helpers.mjs';

test('a contact logged on one phone reaches a teammate and no other team', async () => {
  const data = tempDir('strada-e2e-live-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', 'synthetic-marta-pw');
  addUser(data, 'ahmed', 'field_worker', 'bergamo-1', 'synthetic-ahmed-pw');
  addUser(data, 'luca', 'field_worker', 'cremona-2', 'synthetic-luca-pw');
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const pages = {};
    for (const [name, pw] of [['marta', 'synthetic-marta-pw'], ['ahmed', 'synthetic-ahmed-pw'], ['luca', 'synthetic-luca-pw']]) {
      const page = await (await phoneContext(browser)).newPage();
      await page.goto(server.url + '/');
      await signIn(page, name, pw);
      pages[name] = page;
    }
    await logContact(pages.marta, 'Persona sintetica Q', ['hygiene'], 'nota sintetica');
    await pages.marta.locator('[data-testid="contact-row"][data-status="synced"]').waitFor({ timeout: 20000 });

    const onAhmed = pages.ahmed.getByTestId('contact-row').filter({ hasText: 'Persona sintetica Q' });
    await onAhmed.waitFor({ timeout: 20000 });
    assert.equal(await onAhmed.getAttribute('data-status'), 'synced');

    // Luca's phone completes a sync after Marta's contact was stored, and has nothing.
    const before = Number(await pages.luca.getByTestId('last-sync').getAttribute('data-ms'));
    await pages.luca.getByTestId('sync-now').click();
    await pages.luca.waitForFunction(
      (b) => Number(document.querySelector('[data-testid="last-sync"]').dataset.ms) > b, before, { timeout: 15000 });
    assert.equal(await pages.luca.getByTestId('contact-row').count(), 0);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
