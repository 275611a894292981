// A contact corrected after it was saved (a new user's walk found no way to change a
// sector or an indicator once logged): two phones of one team, both offline, correct
// the same contact. Back online, the sectors written apart wait in «Da rivedere» with
// both values; the indicators, needs and notes each wrote merge.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, apiLogin, launchBrowser, logContact, removeDir, signedInPhone, startServer,
  stopServer, tempDir, until,
} from './helpers.mjs';

const PW = 'synthetic-pw-contact-edit';
const ALIAS = 'Persona sintetica E';

const phone = (browser, url, user) => signedInPhone(browser, url, user, PW);

/** Opens the contact's detail and its editor. */
async function openEditor(page) {
  const row = page.getByTestId('contact-row').filter({ hasText: ALIAS });
  if (!(await row.getByTestId('contact-detail').count())) await row.getByTestId('open-contact').click();
  await row.getByTestId('contact-edit').click();
  const form = row.getByTestId('contact-editor');
  await form.waitFor();
  return { row, form };
}

test('two phones correct one contact apart: the sector waits for review, the rest merges', async () => {
  const data = tempDir('strada-e2e-contact-edit-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'ahmed', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: [...OFFLINE] });
  try {
    const marta = await phone(browser, server.url, 'marta');
    await logContact(marta.page, ALIAS, ['food'], 'nota sintetica');
    await marta.page.locator('[data-testid="contact-row"][data-status="synced"]').waitFor({ timeout: 20000 });
    const ahmed = await phone(browser, server.url, 'ahmed');
    await ahmed.page.getByTestId('contact-row').filter({ hasText: ALIAS }).waitFor({ timeout: 20000 });

    await marta.context.setOffline(true);
    await ahmed.context.setOffline(true);
    // Marta: agriculture, isolation with a note, shelter.
    {
      const { row, form } = await openEditor(marta.page);
      await form.getByTestId('edit-sector').selectOption('agriculture');
      await form.getByTestId('edit-indicator-isolation').check();
      await form.getByTestId('edit-indicator-note-isolation').fill('nota sintetica M');
      await form.getByTestId('edit-need-shelter').check();
      await form.getByTestId('contact-edit-save').click();
      await form.waitFor({ state: 'detached', timeout: 5000 });
      // The detail shows what was saved.
      await row.getByTestId('contact-detail').filter({ hasText: 'Agricoltura' })
        .filter({ hasText: 'nota sintetica M' }).waitFor({ timeout: 5000 });
    }
    // Ahmed: logistics, deception, a workplace.
    {
      const { form } = await openEditor(ahmed.page);
      await form.getByTestId('edit-sector').selectOption('logistics');
      await form.getByTestId('edit-indicator-deception').check();
      // Pasted with a right-to-left override (the nineteenth probe's): saved without it,
      // and the server takes it (it refuses the override).
      await form.getByTestId('edit-workplace').fill('magazzino \u202Esintetico\u202C');
      await form.getByTestId('contact-edit-save').click();
      await form.waitFor({ state: 'detached', timeout: 5000 });
    }
    // A need cannot be taken away to none.
    {
      const { form } = await openEditor(ahmed.page);
      await form.getByTestId('edit-need-food').uncheck();
      await form.getByTestId('contact-edit-save').click();
      await form.getByRole('alert').waitFor({ timeout: 5000 });
      await form.getByRole('button', { name: 'Annulla' }).click();
    }
    await marta.context.setOffline(false);
    await ahmed.context.setOffline(false);

    const token = await apiLogin(server.url, 'centrale', PW);
    const get = async (path) => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
    const items = await until(async () => {
      const list = await get('/api/conflicts');
      return list.length === 1 && list[0].conflicts.some((c) => c.field === 'sector' && c.values.length === 2) ? list : null;
    }, 'the sector conflict on the server');
    const values = items[0].conflicts.find((c) => c.field === 'sector').values.map((v) => v.value).sort();
    assert.deepEqual(values, ['"agriculture"', '"logistics"']);
    // Everything else each phone wrote is there.
    const contact = await until(async () => {
      const c = await get(`/api/contacts/${items[0].id}`);
      return c.workplace === 'magazzino sintetico' && c.indicators.length === 2 ? c : null;
    }, 'both phones\' edits on the server');
    assert.deepEqual(contact.needs.sort(), ['food', 'shelter']);
    assert.ok(JSON.stringify(contact.indicators).includes('nota sintetica M'), JSON.stringify(contact.indicators));
    // Both phones show the same merged contact.
    for (const p of [marta.page, ahmed.page]) {
      const row = p.getByTestId('contact-row').filter({ hasText: ALIAS });
      await until(async () => {
        if (!(await row.getByTestId('contact-detail').count())) await row.getByTestId('open-contact').click();
        const text = await row.getByTestId('contact-detail').innerText();
        return /magazzino sintetico/.test(text) && /nota sintetica M/.test(text);
      }, 'the merged contact on each phone');
    }
    // Each phone says the sector waits for the review, and what it wrote (a walk: a
    // contact under review showed nothing of it).
    for (const [p, mine] of [[marta.page, 'Agricoltura'], [ahmed.page, 'Logistica']]) {
      const row = p.getByTestId('contact-row').filter({ hasText: ALIAS });
      await row.getByTestId('contact-in-review').filter({ hasText: 'settore' }).waitFor({ timeout: 15000 });
      assert.match(await row.getByTestId('contact-in-review-mine').innerText(), new RegExp(`settore: ${mine}`));
    }
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
