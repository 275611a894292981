// Import and export in the workspace (issue 11 §4), as a PUA moving from spreadsheets
// would: a file with an invalid line is checked (every bad line by number and field,
// never its content; nothing stored), corrected, imported; the records are in the
// workspace; the whole PUA downloads in the same format.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addUser, apiLogin, launchBrowser, openAdmin, removeDir, signIn, startServer, stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-exchange';
const SECRET = 'Nome segreto sintetico';

const lines = (extra) => [
  { type: 'team', id: 'bergamo-1', name: 'Unità di strada Bergamo', area: 'Bassa bergamasca' },
  { type: 'person', id: 'P-1', team: 'bergamo-1', aliases: ['Karim sintetico', 'كريم'], birth_year: 1990,
    gender: 'man', country: 'MA', languages: ['ar', 'hu'], consent: { status: 'given', at: '2025-05-30T10:00:00+02:00' },
    created_at: '2025-05-30T10:00:00+02:00', ...extra },
  { type: 'contact', id: 'C-1', team: 'bergamo-1', occurred_at: '2025-06-01T09:00:00+02:00', who: 'person',
    person: 'P-1', channel: 'street', sector: 'agriculture', needs: ['food'] },
].map((l) => JSON.stringify(l)).join('\n') + '\n';

test('the central office checks, imports and exports an exchange file in the workspace', async () => {
  const data = tempDir('strada-e2e-exchange-');
  addUser(data, 'centrale', 'central_office', 'pua', PW);
  const server = await startServer(data);
  // The invalid file is answered 422 on purpose.
  const browser = await launchBrowser({ allow: [/http 422: POST .*\/api\/exchange\/import/, /status of 422/] });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'it-IT', acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(server.url + '/#/centrale');
    await signIn(page, 'centrale', PW);
    // Under «Gestione», not under every tab of the records (a new user's walk).
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });
    assert.equal(await page.getByTestId('exchange-files').isVisible(), false, 'not beside the records');
    await openAdmin(page);
    await page.getByTestId('exchange-files').waitFor({ timeout: 30000 });
    assert.equal(await page.getByTestId('workspace').isVisible(), false, 'the records hidden meanwhile');

    // Nothing chosen, then an empty file: said so, nothing sent.
    await page.getByTestId('xf-check').click();
    await page.getByTestId('xf-notice').filter({ hasText: 'Scegli prima un file' }).waitFor();
    const empty = join(data, 'empty.jsonl');
    writeFileSync(empty, '\n');
    await page.getByTestId('xf-file').setInputFiles(empty);
    await page.getByTestId('xf-check').click();
    await page.getByTestId('xf-notice').filter({ hasText: 'Il file è vuoto' }).waitFor();

    // A file with a field the format does not have, holding a name.
    const bad = join(data, 'bad.jsonl');
    writeFileSync(bad, lines({ nickname: SECRET }));
    await page.getByTestId('xf-file').setInputFiles(bad);
    await page.getByTestId('xf-check').click();
    await page.getByTestId('xf-invalid').waitFor();
    const report = await page.getByTestId('xf-errors').innerText();
    assert.match(report, /Riga 2/);
    assert.match(report, /nickname/);
    // The reason in the page's language (the server writes it in English).
    assert.match(report, /campo sconosciuto/);
    assert.ok(!report.includes('unknown field'), report);
    assert.ok(!report.includes(SECRET), 'the report never quotes a value');
    // An unknown code: the report names the codes the field allows.
    writeFileSync(bad, lines({ gender: 'male' }));
    await page.getByTestId('xf-file').setInputFiles(bad);
    await page.getByTestId('xf-check').click();
    await page.getByTestId('xf-errors').filter({ hasText: 'gender' }).waitFor();
    const codes = await page.getByTestId('xf-errors').innerText();
    assert.match(codes, /non è un codice previsto \(uno di: unknown, woman, man, non_binary\)/);
    // A spreadsheet's column wrong on every row: the report says it once, with the
    // lines, and keeps every line one click away.
    const many = [lines({}).trim().split('\n')[0]];
    for (let i = 1; i <= 30; i += 1) {
      many.push(JSON.stringify({ type: 'person', id: `P-${i}`, team: 'bergamo-1', aliases: [`Sintetico ${i}`],
        gender: 'M', consent: { status: 'given', at: '2025-05-30T10:00:00+02:00' }, created_at: '2025-05-30T10:00:00+02:00' }));
    }
    many.push(JSON.stringify({ type: 'persona', id: 'X' }));
    writeFileSync(bad, many.join('\n') + '\n');
    await page.getByTestId('xf-file').setInputFiles(bad);
    await page.getByTestId('xf-check').click();
    await page.getByTestId('xf-invalid').filter({ hasText: '31 righe non valide' }).waitFor();
    const groups = (await page.getByTestId('xf-error-groups').locator('li').allInnerTexts());
    assert.equal(groups.length, 2, groups.join('\n'));
    assert.match(groups[0], /^gender · non è un codice previsto .* — 30 righe: 2, 3, 4, 5, 6, 7, 8, 9 …$/);
    assert.match(groups[1], /^type · .* — 1 riga: 32$/);
    const all = page.getByTestId('xf-all-errors');
    assert.equal(await all.getAttribute('open'), null, 'the 31 lines folded');
    await all.locator('summary').filter({ hasText: 'Tutte le 31 righe non valide' }).click();
    await page.getByTestId('xf-errors').filter({ hasText: 'Riga 31' }).waitFor();
    const token = await apiLogin(server.url, 'centrale', PW);
    const persons = async () => (await (await fetch(`${server.url}/api/persons`, { headers: { authorization: `Bearer ${token}` } })).json()).total;
    assert.equal(await persons(), 0, 'nothing stored');

    // Corrected: checked, then imported.
    const good = join(data, 'good.jsonl');
    writeFileSync(good, lines({}));
    await page.getByTestId('xf-file').setInputFiles(good);
    await page.getByTestId('xf-check').click();
    await page.getByTestId('xf-ok').filter({ hasText: 'nulla è stato salvato' }).waitFor();
    assert.equal(await persons(), 0, 'a check stores nothing');
    await page.getByTestId('xf-import').click();
    await page.getByTestId('xf-ok').filter({ hasText: 'Importazione completata' }).waitFor();
    // Counted by the records' names, the kinds with none left out.
    const done = await page.getByTestId('xf-ok').innerText();
    assert.match(done, /Nuovi: contatti: 1, persone: 1, équipe: 1 · aggiornati: nessuno · invariati: nessuno/);
    assert.equal(await persons(), 1);
    // In the workspace, by the name in its own script (back with the browser's Back).
    await page.goBack();
    await page.getByTestId('workspace').waitFor();
    assert.equal(await page.getByTestId('exchange-files').isVisible(), false);
    // The imported team may be kept offline at once (a new user's walk: listed only
    // after a reload).
    await page.getByTestId('scope-team-bergamo-1').waitFor({ timeout: 10000 });
    await page.getByTestId('ws-tab-persons').click();
    await page.getByTestId('ws-q').fill('كريم');
    await page.getByTestId('ws-apply').click();
    // The team by the name the file gave it, not its id (found by a new user's walk).
    await page.getByTestId('ws-person-row').filter({ hasText: 'Karim sintetico' })
      .filter({ hasText: 'Unità di strada Bergamo' }).click();
    // The country, a code in the file, by its name (found by a new user's walk: "SN").
    await page.getByTestId('ws-record').getByText('Marocco').waitFor();
    // A language the app does not list, by the browser's name for it (a new user's
    // check read «hu»).
    await page.getByTestId('ws-record').getByText(/Arabo, Ungherese/).waitFor();
    await page.getByTestId('ws-record').getByText('Unità di strada Bergamo').first().waitFor();
    assert.ok(await page.locator('#ws-team option').filter({ hasText: 'Unità di strada Bergamo' }).count() === 1,
      'the team filter names the team');
    // The same file again changes nothing (the file chosen is still there).
    await openAdmin(page);
    await page.getByTestId('xf-import').click();
    await page.getByTestId('xf-ok').filter({ hasText: /invariati: .*contatti: 1, .*persone: 1/ }).waitFor();

    // A file that withdraws the person's consent: the check says so before anything
    // is erased (and stores nothing).
    const withdraw = join(data, 'withdraw.jsonl');
    writeFileSync(withdraw, [
      { type: 'person', id: 'P-1', team: 'bergamo-1', aliases: [],
        consent: { status: 'withdrawn', at: '2025-07-01T10:00:00+02:00' }, created_at: '2025-05-30T10:00:00+02:00' },
    ].map((l) => JSON.stringify(l)).join('\n') + '\n');
    await page.getByTestId('xf-file').setInputFiles(withdraw);
    await page.getByTestId('xf-check').click();
    await page.getByTestId('xf-withdrawals').filter({ hasText: '1 persona ritira il consenso' }).waitFor();
    assert.equal(await persons(), 1);

    // The whole PUA downloads in the same format.
    const download = page.waitForEvent('download');
    await page.getByTestId('xf-export').click();
    const saved = await download;
    const file = readFileSync(await saved.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Named as the API names it, dated (a new user's check found the two apart), and
    // said so.
    assert.match(saved.suggestedFilename(), /^strada-export-\d{4}-\d{2}-\d{2}\.jsonl$/);
    assert.equal(await page.getByTestId('xf-exported').innerText(),
      `Esportati: ${file.length} record in ${saved.suggestedFilename()} (nei download del browser).`);
    const person = file.find((l) => l.type === 'person');
    assert.equal(person.id, 'P-1');
    assert.deepEqual(person.aliases, ['Karim sintetico', 'كريم']);
    assert.ok(file.some((l) => l.type === 'contact' && l.id === 'C-1' && l.person === 'P-1'));
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
