// The central office's workspace (issue 11 §1) on a desktop screen, over the demo: the
// PUA's persons, contacts and referrals read from the server's records. A person is found
// by the name in their own script, opened beside the list with every alias, the timeline
// across teams and the places met on the map; the contacts are filtered by sector and
// period, the referrals by status, rows are walked with the keyboard, the CSV downloads
// with pseudonymous columns only, and a field worker never sees the workspace.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  apiGet, apiLogin, axeViolations, fillDemo, launchBrowser, removeDir, signIn, startServer,
  stopServer, tempDir, unlock,
} from './helpers.mjs';

test('the central office finds, filters, opens and exports the PUA\'s records', async () => {
  const data = tempDir('strada-e2e-workspace-');
  const accounts = fillDemo(data, ['--seed', '3', '--contacts', '600']);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const central = accounts.centrale.password;
    const token = await apiLogin(server.url, 'centrale', central);
    // A person with a name in a non-Latin script (the demo writes some in their own).
    const all = await apiGet(server.url, token, '/api/persons?limit=200');
    assert.ok(all.total > 10, `the demo has persons (${all.total})`);
    const nonLatin = /[\u0600-\u06FF\u0980-\u09FF\u0A00-\u0A7F\u0400-\u04FF]/;
    const target = all.items.find((r) => r.contacts > 0 && r.person.aliases.some((a) => nonLatin.test(a))
      && nonLatin.test(r.person.aliases[0]) === false);
    assert.ok(target, 'a person with a Latin and a native-script alias');
    const native = target.person.aliases.find((a) => nonLatin.test(a));
    const latin = target.person.aliases[0];

    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 }, locale: 'it-IT', timezoneId: 'Europe/Rome', acceptDownloads: true,
    });
    const page = await context.newPage();
    // Every address the page asks for: a searched name never travels in one (a proxy's
    // access log would keep it).
    const addresses = [];
    page.on('request', (r) => addresses.push(decodeURIComponent(r.url())));
    await page.goto(server.url + '/#/centrale');
    await signIn(page, 'centrale', central);
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });
    await page.getByTestId('central-row').first().waitFor({ timeout: 30000 });

    // Persons: found by the name in their own script.
    await page.getByTestId('ws-tab-persons').click();
    await page.getByTestId('ws-person-row').first().waitFor();
    // The search box takes at most what the server searches (200 characters): a longer
    // paste is cut there, not refused with a message about dates (a new user's walk).
    await page.getByTestId('ws-q').fill('a'.repeat(540));
    assert.equal((await page.getByTestId('ws-q').inputValue()).length, 200);
    await page.getByTestId('ws-q').fill(native);
    await page.getByTestId('ws-apply').click();
    const row = page.locator(`[data-testid="ws-person-row"][data-id="${target.person.id}"]`);
    await row.waitFor({ timeout: 10000 });
    assert.match(await row.innerText(), new RegExp(latin.split(' ')[0]));
    const leaked = addresses.filter((a) => a.includes(native));
    assert.deepEqual(leaked, [], 'the searched name is in no address');
    // Found with a slip of the keyboard too (a new user's walk: "Imram" found no Imran):
    // one letter of a long word changed to one no transliteration reads for it.
    const slipTarget = all.items.find((r) => r.person.aliases[0].split(' ').some((w) => /^[A-Za-z]{6,}$/.test(w)));
    assert.ok(slipTarget, 'a person with a long Latin word in their name');
    const words = slipTarget.person.aliases[0].split(' ');
    const long = words.findIndex((w) => /^[A-Za-z]{6,}$/.test(w));
    const at = [...words[long]].findIndex((ch, i) => i >= 2 && !/[xkscqzh]/i.test(ch));
    words[long] = words[long].slice(0, at) + 'x' + words[long].slice(at + 1);
    const slipped = words.join(' ');
    const bySlip = await apiGet(server.url, token, `/api/persons?q=${encodeURIComponent(slipped)}&limit=200`);
    assert.ok(bySlip.items.some((r) => r.person.id === slipTarget.person.id), `${slipped} finds the person`);
    await page.getByTestId('ws-q').fill(slipped);
    await page.getByTestId('ws-apply').click();
    await page.locator(`[data-testid="ws-person-row"][data-id="${slipTarget.person.id}"]`).waitFor({ timeout: 10000 });
    // The words typed apply once the typing pauses, without Enter (a new user's walk:
    // the list stayed as it was).
    const slipRows = await page.getByTestId('ws-person-row').evaluateAll((rs) => rs.map((r) => r.dataset.id).join());
    await page.getByTestId('ws-q').fill(native);
    await row.waitFor({ timeout: 10000 });
    await page.waitForFunction((before) => [...document.querySelectorAll('[data-testid="ws-person-row"]')]
      .map((r) => r.dataset.id).join() !== before, slipRows, { timeout: 10000 });
    // Opened beside the list (side by side at this width): every alias, the timeline,
    // the map of the places met.
    await row.click();
    const record = page.getByTestId('ws-record');
    await record.getByTestId('ws-person-name').waitFor();
    for (const alias of target.person.aliases) {
      await record.getByText(alias, { exact: false }).first().waitFor();
    }
    assert.equal(await record.getByTestId('ws-timeline-contact').count(), target.contacts);
    // The timeline's entries read from the start of the line, like the list they are (a
    // new user's walk: each link centred, wrapped lines ragged on both sides).
    const aligns = await record.locator('.ws-timeline button.link').evaluateAll(
      (bs) => bs.map((b) => getComputedStyle(b).textAlign));
    assert.ok(aligns.length > 0 && aligns.every((a) => a === 'start' || a === 'left'), `timeline links: ${aligns}`);
    // Languages by their Italian names, not their own (a new user's walk: "العربية",
    // "English" on an Italian page).
    const italian = {
      it: 'Italiano', en: 'Inglese', fr: 'Francese', ar: 'Arabo', bn: 'Bengalese', pa: 'Punjabi',
      ur: 'Urdu', hi: 'Hindi', wo: 'Wolof', ff: 'Fula', bm: 'Bambara', ro: 'Rumeno', sq: 'Albanese',
      tw: 'Twi', uk: 'Ucraino', ru: 'Russo',
    };
    const spoken = (target.person.languages || []).filter((l) => italian[l]);
    assert.ok(spoken.length > 0, `the person speaks a language (${target.person.languages})`);
    const recordText = await record.innerText();
    for (const l of spoken) assert.ok(recordText.includes(italian[l]), `${l} as ${italian[l]}`);
    assert.ok(!/العربية|English|Français|Română|ਪੰਜਾਬੀ|বাংলা/.test(recordText), 'no language by its own name');
    const listBox = await page.locator('.ws-list').boundingBox();
    const detailBox = await page.locator('.ws-detail').boundingBox();
    assert.ok(detailBox.x > listBox.x + listBox.width - 1, 'the record is beside the list');
    assert.ok(Math.abs(detailBox.y - listBox.y) < 50, 'at the same height');
    if (await record.getByTestId('ws-map').count()) {
      assert.ok(await record.locator('.ws-map-point').count() >= 1);
    }
    // From the timeline to one of their contacts, with every field.
    await record.getByTestId('ws-timeline-contact').first().locator('button').click();
    await record.getByTestId('ws-contact-fields').waitFor();
    // Who recorded it, by name (a new user's walk: the contact did not say).
    assert.match(await record.getByTestId('ws-contact-fields').innerText(), /Registrato da\s+\S+/);
    assert.deepEqual(await axeViolations(page), [], 'workspace with a contact open');

    // Contacts: filtered by sector, then also by a period with nothing in it.
    await page.getByTestId('ws-tab-contacts').click();
    await page.getByTestId('ws-q').fill('');
    await page.locator('#ws-sector').selectOption('agriculture');
    await page.getByTestId('ws-apply').click();
    const agri = await apiGet(server.url, token, '/api/contacts?sector=agriculture&limit=1');
    await page.getByTestId('ws-total').filter({ hasText: `${agri.total} risultat` }).waitFor();
    const rows = page.getByTestId('central-row');
    assert.ok(await rows.count() > 0);
    for (const text of await rows.allInnerTexts()) assert.match(text, /Agricoltura/);
    // The count says what narrows the list (a new user's walk: filters set here
    // narrowed a search on Persone to one person, with no word of them).
    await page.getByTestId('ws-narrowed').filter({ hasText: 'filtrati per: Settore' }).waitFor();
    // The search too, which the tabs share (a new user's walk: a name searched on
    // Persone narrowed Contatti, and the line named only the team).
    await page.getByTestId('ws-q').fill('zzzz');
    await page.getByTestId('ws-narrowed').filter({ hasText: 'filtrati per: Nome, Settore' }).waitFor();
    await page.getByTestId('ws-q').fill('');
    await page.getByTestId('ws-narrowed').filter({ hasText: /filtrati per: Settore$/ }).waitFor();
    await page.getByTestId('ws-tab-persons').click();
    await page.getByTestId('ws-narrowed').filter({ hasText: 'Settore' }).waitFor();
    await page.getByTestId('ws-clear-filters').click();
    await page.getByTestId('ws-total').waitFor();
    assert.equal(await page.getByTestId('ws-narrowed').count(), 0, 'no filter left');
    assert.equal(await page.locator('#ws-sector').inputValue(), '');
    await page.getByTestId('ws-tab-contacts').click();
    await page.locator('#ws-sector').selectOption('agriculture');
    await page.getByTestId('ws-total').filter({ hasText: `${agri.total} risultat` }).waitFor();
    await page.locator('#ws-from').fill('2021-01-01');
    await page.locator('#ws-to').fill('2021-01-31');
    await page.getByTestId('ws-empty').waitFor();

    // Referrals by status; walked with the keyboard: ↓ then Enter opens the second row.
    await page.getByRole('button', { name: 'Azzera i filtri' }).click();
    await page.getByTestId('ws-tab-referrals').click();
    // A choice in a list applies at once, without "Filtra" (a new user's walk: nothing
    // changed until the button).
    await page.locator('#ws-status').selectOption('sent');
    const sent = await apiGet(server.url, token, '/api/referrals?status=sent&limit=1');
    await page.getByTestId('ws-total').filter({ hasText: `${sent.total} risultat` }).waitFor();
    if (sent.total >= 2) {
      const refRows = page.getByTestId('ws-referral-row');
      await refRows.first().focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const second = await refRows.nth(1).getAttribute('data-id');
      await page.locator(`[data-testid="ws-referral-row"][data-id="${second}"][aria-selected="true"]`).waitFor();
      await record.getByText('Storia dell\'invio').waitFor();
    }
    // Each referral names the person it is for, as the server's record does (a new
    // user's walk: the list said for whom nowhere).
    const refRows = page.getByTestId('ws-referral-row');
    const shown = Math.min(await refRows.count(), 5);
    assert.ok(shown > 0, 'referrals sent');
    for (let i = 0; i < shown; i++) {
      const id = await refRows.nth(i).getAttribute('data-id');
      const one = await apiGet(server.url, token, `/api/referrals/${id}`);
      const group = one.group_people ? `Gruppo di ${one.group_people} person${one.group_people === 1 ? 'a' : 'e'}` : null;
      assert.equal(await refRows.nth(i).getByTestId('ws-referral-person').innerText(), one.person_name ?? group ?? 'Anonimo');
    }
    assert.ok((await page.getByTestId('ws-referral-person').allInnerTexts()).some((n) => n !== 'Anonimo'), 'someone named');
    // The partner filter finds the organisation the list shows, once the typing pauses
    // (a new user's walk: «Cooperativa Esempio Filo Rosso» found nothing, and the field
    // waited for «Filtra»).
    const firstRef = await apiGet(server.url, token, `/api/referrals/${await refRows.first().getAttribute('data-id')}`);
    const org = firstRef.organisation ?? firstRef.partner;
    const byOrg = await apiGet(server.url, token, `/api/referrals?status=sent&partner=${encodeURIComponent(org)}&limit=1`);
    assert.ok(byOrg.total >= 1, org);
    await page.locator('#ws-partner').fill(org);
    await page.getByTestId('ws-total').filter({ hasText: `${byOrg.total} risultat` }).waitFor();
    await page.locator('#ws-partner').fill('');
    await page.getByTestId('ws-total').filter({ hasText: `${sent.total} risultat` }).waitFor();

    // The CSV of the filtered list: one row per referral sent, no names, no notes.
    const download = page.waitForEvent('download');
    await page.getByTestId('ws-csv').click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines.length, sent.total + 1);
    assert.match(lines[0], /^id,team,author,created_at,contact,person_id,need/);
    for (const alias of target.person.aliases) assert.ok(!csv.includes(alias));

    // For Excel set to Italian (a new user's walk: every column landed in the first):
    // the same rows with ';' between fields and a byte order mark; the choice is kept.
    await page.getByTestId('ws-csv-excel').check();
    const excelDownload = page.waitForEvent('download');
    await page.getByTestId('ws-csv').click();
    const excel = readFileSync(await (await excelDownload).path(), 'utf8');
    assert.ok(excel.startsWith('\uFEFF'), 'a byte order mark first');
    const excelLines = excel.slice(1).trim().split(/\r?\n/);
    assert.equal(excelLines.length, lines.length);
    assert.equal(excelLines[0], lines[0].replaceAll(',', ';'));
    assert.equal(excelLines[1].split(';').length, lines[0].split(',').length);
    // Times as Excel reads them, on the browser's clock (the walk: `…Z` stayed text).
    assert.match(excelLines[1], /;\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2};/);
    assert.doesNotMatch(excelLines[1], /\d{4}-\d{2}-\d{2}T/);
    const someone = (await page.getByTestId('ws-referral-person').allInnerTexts()).find((n) => n !== 'Anonimo' && !n.startsWith('Gruppo'));
    await page.locator('#ws-q').fill(someone);
    await page.locator('#ws-q').press('Enter');
    await page.getByTestId('ws-narrowed').filter({ hasText: 'Nome' }).waitFor();
    await page.reload();
    await unlock(page, accounts.centrale.password);
    await page.getByTestId('ws-tab-referrals').waitFor({ timeout: 30000 });
    await page.getByTestId('ws-tab-referrals').click();
    assert.equal(await page.getByTestId('ws-csv-excel').isChecked(), true, 'the choice is kept in this browser');
    // The filters are kept across a reload of the tab (a new user's walk: lost), the
    // search never (it may be a name).
    assert.equal(await page.locator('#ws-status').inputValue(), 'sent', 'the status filter kept');
    await page.getByTestId('ws-total').filter({ hasText: `${sent.total} risultat` }).waitFor();
    const keptFilters = JSON.parse(await page.evaluate(() => sessionStorage.getItem('strada-ws-filters')));
    assert.equal(keptFilters[1].status, 'sent');
    assert.equal(keptFilters[1].q, '', 'no search kept');
    assert.equal(await page.locator('#ws-q').inputValue(), '');
    // A referral made in a group's contact is for the group, in the list and on its page
    // (a verification found «Anonimo» there: the issue's «a group of five shows as one
    // "Anonimo" row»).
    const allRefs = await apiGet(server.url, token, '/api/referrals?limit=200');
    const groupRef = allRefs.items.find((r) => r.group_people > 1);
    assert.ok(groupRef, 'a group was referred in the demo');
    await page.evaluate((id) => { location.hash = `#/centrale/invii/invio/${id}`; }, groupRef.id);
    await record.getByText(`Gruppo di ${groupRef.group_people} persone`).waitFor();
    // A record open beside one list closes on another list (a new user's walk: a
    // referral stayed open beside the persons).
    await page.getByTestId('ws-referral-row').first().click();
    await page.getByTestId('ws-record').getByText('Storia dell\'invio').waitFor();
    await page.getByTestId('ws-tab-persons').click();
    await page.getByTestId('ws-person-row').first().waitFor();
    await page.getByTestId('ws-record').waitFor({ state: 'detached', timeout: 5000 });

    // A field worker has no workspace and no access to the records.
    const worker = Object.entries(accounts).find(([, a]) => a.role === 'field_worker')[0];
    const wtoken = await apiLogin(server.url, worker, accounts[worker].password);
    const res = await fetch(server.url + '/api/persons', { headers: { authorization: `Bearer ${wtoken}` } });
    assert.equal(res.status, 403);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
