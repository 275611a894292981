// The central office contains a compromised account from its workspace: it creates an
// account (a one-time password shown once), the worker signs in on a phone with it; the
// office disables the account — the phone's next sync is refused and the password no
// longer signs in, with the reason; enabled again with a new one-time password, the
// phone signs in and sends what it logged meanwhile.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  addUser, launchBrowser, openAdmin, logContact, phoneContext, removeDir, signIn, startServer, stopServer,
  tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-accounts';

test('the central office creates, disables and re-enables an account; the phone follows', async () => {
  const data = tempDir('strada-e2e-accounts-');
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  // The refusals are the point: 401 to the disabled account's sync and sign-in.
  const browser = await launchBrowser({
    allow: [/^http 401: POST .*\/api\/(sync\/(push|pull|pull-stream)|auth\/login)$/, /status of 401/],
  });
  try {
    const desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'it-IT' })).newPage();
    await desk.goto(server.url + '/#/centrale');
    await signIn(desk, 'centrale', PW);
    await openAdmin(desk);
    const accounts = desk.getByTestId('accounts');
    await accounts.getByTestId('account-row').first().waitFor({ timeout: 20000 });

    // A new account: its one-time password is shown once.
    await accounts.getByTestId('new-username').fill('nuova.operatrice');
    await accounts.getByTestId('new-team').fill('bergamo-1');
    await accounts.getByRole('button', { name: 'Crea account' }).click();
    const shown = accounts.getByTestId('one-time-password');
    await shown.waitFor();
    const password = (await shown.getByTestId('password-value').innerText()).trim();
    assert.ok(password.length >= 12);
    await shown.getByRole('button', { name: 'Fatto' }).click();
    await shown.waitFor({ state: 'detached' });
    const row = accounts.locator('[data-testid="account-row"][data-user="nuova.operatrice"]');
    await row.waitFor();

    // The worker signs in on a phone with it and logs a contact.
    const phoneCtx = await phoneContext(browser);
    const phone = await phoneCtx.newPage();
    await phone.goto(server.url + '/');
    await signIn(phone, 'nuova.operatrice', password);
    await logContact(phone, 'Persona sintetica A', ['food'], 'nota sintetica');
    await phone.locator('[data-testid="contact-row"][data-status="synced"]').waitFor({ timeout: 20000 });

    // Disabled from the workspace: the phone is refused at its next sync.
    desk.once('dialog', (d) => d.accept());
    await row.getByTestId('account-disable').click();
    await row.getByTestId('account-state').filter({ hasText: 'Disattivato' }).waitFor();
    await logContact(phone, 'Persona sintetica B', ['shelter'], 'nota sintetica');
    await phone.getByTestId('sync-now').click();
    const banner = phone.getByRole('alert').filter({ hasText: 'Sessione scaduta' });
    await banner.waitFor({ timeout: 20000 });
    await banner.getByRole('button', { name: 'Accedi' }).click();
    await phone.getByLabel('Password').fill(password);
    await phone.getByRole('button', { name: 'Accedi' }).click();
    await phone.getByRole('alert').filter({ hasText: 'disattivato' }).waitFor();

    // Enabled again with a new one-time password: the phone signs in and sends the
    // contact it kept.
    await row.getByTestId('account-enable').click();
    await row.getByTestId('account-disable').waitFor();
    desk.once('dialog', (d) => d.accept());
    await row.getByTestId('account-reset').click();
    await shown.waitFor();
    const second = (await shown.getByTestId('password-value').innerText()).trim();
    assert.notEqual(second, password);
    await phone.getByLabel('Password').fill(second);
    await phone.getByRole('button', { name: 'Accedi' }).click();
    await phone.getByTestId('net-status').waitFor();
    await phone.waitForFunction(
      () => document.querySelector('[data-testid="pending-count"]').innerText === '0', null, { timeout: 30000 });
    assert.equal(await phone.getByTestId('contact-row').count(), 2);

    // The director sees the accounts and administers none (an attacker's probe: a field
    // worker's account the director made could withdraw a person's consent).
    addUser(data, 'direzione', 'director', 'pua', PW);
    const director = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'it-IT' })).newPage();
    await director.goto(server.url + '/#/centrale');
    await signIn(director, 'direzione', PW);
    await openAdmin(director);
    const seen = director.getByTestId('accounts');
    await seen.locator('[data-testid="account-row"][data-user="nuova.operatrice"]').waitFor({ timeout: 20000 });
    await seen.getByTestId('accounts-read-only').waitFor();
    assert.equal(await seen.getByTestId('new-account').count(), 0, 'no account to create');
    assert.equal(await seen.getByTestId('account-reset').count(), 0, 'no password to reset');
    assert.equal(await seen.getByTestId('account-disable').count(), 0, 'no account to disable');
    // Nor a device to revoke (it would wipe what the device holds).
    const devices = director.getByTestId('devices');
    await devices.getByTestId('device-row').first().waitFor({ timeout: 20000 });
    assert.equal(await devices.getByTestId('revoke').count(), 0, 'no device to revoke');
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
