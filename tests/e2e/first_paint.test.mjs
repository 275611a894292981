// The home page paints before the WASM arrives: index.html carries a static shell (the
// sign-in header and "loading") that shows at once, and the app takes its place in one
// step when it has started — same texts at the same place, no duplicate landmark. The
// WASM is compiled on a worker (app/wasm-compile.js), so the page's main thread is free
// while it arrives.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, removeDir, startServer, stopServer, tempDir } from './helpers.mjs';

const header = (page) => page.evaluate(() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round); };
  const h1 = document.querySelector('main h1');
  const tagline = document.querySelector('main header p');
  return { h1: h1.textContent, tagline: tagline.textContent, h1Box: box(h1), taglineBox: box(tagline) };
});

test('a static shell paints before the WASM and gives way to the sign-in page', async () => {
  const data = tempDir('strada-e2e-shell-');
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const page = await (await phoneContext(browser)).newPage();
    // Hold the WASM until the shell has been checked.
    let release;
    const held = new Promise((r) => { release = r; });
    let wasmRequested;
    const requested = new Promise((r) => { wasmRequested = r; });
    await page.route('**/*_bg.wasm', async (route) => { wasmRequested(); await held; await route.continue(); });
    // The WASM is compiled on a worker, not on the page's main thread.
    const workers = [];
    page.on('worker', (w) => workers.push(new URL(w.url()).pathname));

    await page.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
    await requested;
    await page.locator('#shell').getByText('Caricamento…').waitFor();
    const shell = await header(page);
    assert.equal(shell.h1, 'Strada');
    assert.equal(shell.tagline, 'Contatti di strada, anche senza rete');
    assert.equal(await page.locator('main').count(), 1);

    release();
    await page.locator('#username').waitFor();
    assert.equal(await page.locator('#shell').count(), 0, 'the app removed the shell');
    assert.deepEqual(workers, ['/wasm-compile.js'], 'the WASM was compiled on a worker');
    assert.equal(await page.locator('main').count(), 1, 'one main landmark');
    assert.equal(await page.locator('h1').count(), 1, 'one level-one heading');
    assert.equal(await page.getByText('Caricamento…').count(), 0);
    // The sign-in header shows the same texts exactly where the shell painted them.
    assert.deepEqual(await header(page), shell);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
