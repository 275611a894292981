// Helpers for the browser tests: a real strada-server child process over a temporary
// data folder, and Debian's Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as nodeTest } from 'node:test';
import { chromium } from 'playwright-core';

export const SERVER_BIN = process.env.STRADA_SERVER_BIN;
export const DIST_DIR = process.env.STRADA_DIST_DIR;
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
/** The last day of the demo year the browser tests write (see [`fillDemo`]). */
export const DEMO_DAY = '2026-12-01';

if (!SERVER_BIN || !DIST_DIR) {
  throw new Error('run through `cargo xtask test` (STRADA_SERVER_BIN and STRADA_DIST_DIR are needed)');
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** Creates a user with the CLI (the server must be stopped: sled locks its folder). */
export function addUser(dataDir, username, role, team, password) {
  const r = spawnSync(SERVER_BIN, ['user', 'add', username, '--role', role, '--team', team, '--password-stdin'], {
    env: { ...process.env, STRADA_DATA_DIR: dataDir },
    input: password + '\n',
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`user add failed: ${r.stderr}`);
}

/** Starts the server; resolves with {proc, url} once it prints its address. */
export function startServer(dataDir, listen = '127.0.0.1:0', distDir = DIST_DIR) {
  return new Promise((resolve, reject) => {
    const proc = spawn(SERVER_BIN, ['serve'], {
      env: { ...process.env, STRADA_DATA_DIR: dataDir, STRADA_DIST_DIR: distDir, STRADA_LISTEN: listen },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(proc);
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/running at (http:\/\/[^\s/]+)\//);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
}

/** Stops the server and waits for it to exit (the data folder is then unlocked). */
export function stopServer(proc) {
  return new Promise((resolve) => {
    // Exited already (by itself, or killed by a signal: then `exitCode` stays null).
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const force = setTimeout(() => proc.kill('SIGKILL'), 10000);
    proc.once('exit', () => { clearTimeout(force); resolve(); });
    proc.kill('SIGINT');
  });
}

/**
 * Requests a page makes and that fail without the app being at fault: a reload or a
 * closed page aborts what was in flight.
 */
const ALWAYS_ALLOWED = [/^requestfailed: .* net::ERR_ABORTED$/];

/** Patterns for what a test provokes on purpose, to pass to `launchBrowser({ allow })`. */
export const OFFLINE = [
  // The browser's network cut (context.setOffline): requests fail, Chromium says so.
  /ERR_INTERNET_DISCONNECTED/,
];
export const SERVER_DOWN = [
  // The server process stopped: connections are refused, streams cut.
  /ERR_CONNECTION_REFUSED/, /ERR_EMPTY_RESPONSE/, /ERR_INCOMPLETE_CHUNKED_ENCODING/,
  /ERR_CONNECTION_RESET/,
];

/** Browsers launched by the running test, checked when it ends (see [`test`]). */
const launched = [];
/** Servers started by the running test, stopped when it ends if it left them running. */
const started = [];

/**
 * `node:test`'s `test`, failing the test when a browser it launched saw something it did
 * not expect (see [`launchBrowser`]). Checked after the body and its `finally` blocks ran,
 * so servers are stopped either way; an error of the body itself is reported first.
 */
export function test(name, fn) {
  return nodeTest(name, async (t) => {
    const from = launched.length;
    let failure;
    try {
      await fn(t);
    } catch (e) {
      failure = e;
    }
    const browsers = launched.splice(from);
    const problems = browsers.flatMap((b) => b.problems());
    // What a failing test left running (a setup that threw before its `try`) is closed
    // here: a browser or a server left behind keeps the test file's process alive, and
    // the whole run waited for it until CI's time ran out.
    await Promise.all(browsers.filter((b) => b.isConnected()).map((b) => b.close().catch(() => {})));
    await Promise.all(started.splice(0).map((proc) => stopServer(proc)));
    if (problems.length) {
      console.error(`the browser reported ${problems.length} unexpected error(s):\n  ${problems.join('\n  ')}`);
    }
    if (failure) throw failure;
    if (problems.length) {
      throw new Error(`the browser reported ${problems.length} unexpected error(s):\n  ${problems.join('\n  ')}`);
    }
  });
}

/**
 * Debian's Chromium, headless. Every page of every context is watched: a console error
 * (or a warning about the server's security headers), an uncaught exception (a Rust
 * panic), a failed request or an HTTP error answer fails the test (use [`test`] from
 * here), unless it matches one of `allow` (the test provokes it: the network cut, a wrong
 * password...). Each entry reads
 * `console: <text>` / `pageerror: <message>` / `requestfailed: <METHOD> <url> <error>` /
 * `http <status>: <METHOD> <url>`.
 */
export async function launchBrowser({ allow = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const seen = [];
  const watch = (page) => {
    page.on('console', (m) => {
      // Warnings about the server's own headers count too: a header the browser does not
      // understand is one that protects nothing.
      const header = /Permissions-Policy|Content-Security-Policy/.test(m.text());
      if (m.type() === 'error' || (m.type() === 'warning' && header)) seen.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => seen.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) seen.push(`http ${r.status()}: ${r.request().method()} ${r.url()}`);
    });
  };
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('page', watch);
    return context;
  };
  const allowed = [...ALWAYS_ALLOWED, ...allow];
  /** What went wrong so far that the test did not expect. */
  browser.problems = () => seen.filter((p) => !allowed.some((re) => re.test(p)));
  /** Expect more from now on (e.g. once a test cuts the network). */
  browser.allow = (...res) => allowed.push(...res);
  launched.push(browser);
  return browser;
}

/** A phone-sized context at a synthetic position in Bergamo's countryside. */
export async function phoneContext(browser) {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    geolocation: { latitude: 45.6983, longitude: 9.6773, accuracy: 15 },
    permissions: ['geolocation'],
    locale: 'it-IT',
    serviceWorkers: 'allow',
  });
}

export async function apiLogin(url, username, password) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return (await res.json()).token;
}

/** `GET path` with a session's token: the JSON answered, or an error naming the path
 * and the status when it is not 200. */
export async function apiGet(url, token, path) {
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}

/** Signs in through the app's form and waits for the status bar. */
/**
 * A central-office desk: a desktop browser context (1440 × 900 unless `viewport` says,
 * Italian, Rome's clock, any other context `options`), signed in as `user` on the
 * workspace. `prepare(context)` runs before the page opens (a fixed clock).
 */
export async function openDesk(browser, url, user, password, { viewport, options, prepare } = {}) {
  const context = await browser.newContext({
    viewport: viewport ?? { width: 1440, height: 900 }, locale: 'it-IT', timezoneId: 'Europe/Rome', ...options,
  });
  if (prepare) await prepare(context);
  const page = await context.newPage();
  await page.goto(url + '/#/centrale');
  await signIn(page, user, password);
  await page.getByTestId('workspace').waitFor({ timeout: 30000 });
  return { context, page };
}

export async function signIn(page, username, password) {
  await page.getByLabel('Nome utente').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByTestId('net-status').waitFor();
}

/** Unlocks the app on the unlock page (works offline) and waits for the status bar. */
export async function unlock(page, password) {
  await page.getByTestId('unlock-form').waitFor({ timeout: 20000 });
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sblocca' }).click();
  await page.getByTestId('net-status').waitFor({ timeout: 20000 });
}

/** Writes a plain setting straight into the app's IndexedDB (only plain keys make sense). */
/** Opens the status bar's details (last sync, account, automatic lock, sign-out) if closed. */
export async function statusDetails(page) {
  const more = page.getByTestId('status-more');
  if ((await more.getAttribute('aria-expanded')) !== 'true') await more.click();
}

export async function setPlainSetting(page, key, value) {
  await page.evaluate(([k, v]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('strada');
    open.onsuccess = () => {
      const tx = open.result.transaction('kv', 'readwrite');
      tx.objectStore('kv').put(v, k);
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  }), [key, value]);
}

/** The names of the origin's IndexedDB databases. */
export async function databaseNames(page) {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
}

/**
 * Every IndexedDB database and object store of the page's origin, read from the page:
 * keys and values, walked recursively; byte arrays are decoded as UTF-8 into the text and
 * kept raw so a caller can search them as bytes. Also localStorage and sessionStorage.
 */
export async function dumpStorage(page) {
  const dump = await page.evaluate(async () => {
    const req = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const texts = [];
    const blobs = [];
    const walk = (v, seen = new Set()) => {
      if (v === null || v === undefined) return;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
        texts.push(String(v));
      } else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
        const bytes = v instanceof ArrayBuffer ? new Uint8Array(v)
          : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        texts.push(new TextDecoder('utf-8', { fatal: false }).decode(bytes));
        blobs.push(Array.from(bytes));
      } else if (typeof v === 'object') {
        if (seen.has(v)) return;
        seen.add(v);
        for (const [k, x] of Object.entries(v)) { texts.push(k); walk(x, seen); }
        if (v instanceof Map) for (const [k, x] of v) { walk(k, seen); walk(x, seen); }
        if (v instanceof Set) for (const x of v) walk(x, seen);
      }
    };
    const stores = [];
    for (const info of await indexedDB.databases()) {
      const db = await req(indexedDB.open(info.name));
      for (const name of db.objectStoreNames) {
        const store = db.transaction(name, 'readonly').objectStore(name);
        const keys = await req(store.getAllKeys());
        const values = await req(store.getAll());
        stores.push({ db: info.name, store: name, keys: keys.map(String), count: values.length });
        keys.forEach((k) => walk(k));
        values.forEach((v) => walk(v));
      }
      db.close();
    }
    for (const s of [localStorage, sessionStorage]) {
      for (let i = 0; i < s.length; i++) { texts.push(s.key(i)); texts.push(s.getItem(s.key(i))); }
    }
    return { stores, text: texts.join('\n'), blobs };
  });
  return dump;
}

/** Whether `needle` occurs in the dump, as text or as raw bytes (UTF-8). */
export function dumpContains(dump, needle) {
  if (dump.text.includes(needle)) return true;
  const n = Buffer.from(needle, 'utf8');
  return dump.blobs.some((b) => Buffer.from(b).includes(n));
}

/** Logs a contact through the form. */
export async function logContact(page, alias, needs, note) {
  await page.getByLabel('Alias o soprannome').fill(alias);
  await page.getByTestId('consent-given').check();
  for (const n of needs) await page.getByTestId(`need-${n}`).check();
  await page.getByLabel('Nota').fill(note);
  await page.getByTestId('save-contact').click();
  await page.getByTestId('contact-row').filter({ hasText: alias }).waitFor();
}

/**
 * Opens «Gestione» from the central records (the exchange files, the offline subset,
 * the devices and the accounts: a page of their own, not under every tab).
 */
export async function openAdmin(page) {
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('admin-page').waitFor({ timeout: 20000 });
}

/** axe-core's violations on the page as it is now (id, help, count, targets). */
export async function axeViolations(page) {
  const { createRequire } = await import('node:module');
  const { readFileSync } = await import('node:fs');
  const require = createRequire(import.meta.url);
  // Evaluated by the browser driver: an injected <script> would be refused by the
  // server's Content-Security-Policy (inline scripts run only with their hash).
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.map((n) => n.target).join(' ')}`);
  });
}

/**
 * Fills a fresh data folder with `strada-server demo` (extra arguments: `--seed`,
 * `--contacts`) and returns the accounts' one-time passwords by username, with each
 * account's role.
 */
/**
 * Writes the demo into `dataDir`. Its last day is fixed (`--today 2026-12-01` unless
 * `args` name another): the demo's data follow the day they are written for, and a CI run
 * across noon (UTC) found another day's data (no record in two pairs; a pair's person with
 * a case open already).
 */
export function fillDemo(dataDir, args = []) {
  const day = args.includes('--today') ? [] : ['--today', DEMO_DAY];
  const r = spawnSync(SERVER_BIN, ['demo', ...args, ...day], {
    env: { ...process.env, STRADA_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`demo failed: ${r.stderr}`);
  process.stdout.write(r.stdout.split('Accounts')[0]);
  const accounts = {};
  for (const m of r.stdout.matchAll(/^\s+(\S+)\s+(field_worker|central_office|social_expert|labour_expert|director)\s+team \S+\s+password: (\S+)$/gm)) {
    accounts[m[1]] = { role: m[2], password: m[3] };
  }
  return accounts;
}

/**
 * A demo of 600 contacts whose candidate duplicates include a pair that two teams
 * recorded, both met (contacts) and named: the planted kind the central office
 * reconciles. The demo's year ends at the last noon UTC, so which persons one seed
 * records again, and how they are written, changes from one day to the next (seed 3 had
 * such a pair on some days and not on others); seeds from 3 are tried in turn.
 * Returns the data folder, the accounts, the running server, the central office's token
 * and the pair.
 */
export async function demoWithCrossTeamPair(prefix, { withoutOpenCase = false } = {}) {
  for (let seed = 3; seed < 15; seed++) {
    const data = tempDir(prefix);
    const accounts = fillDemo(data, ['--seed', String(seed), '--contacts', '600']);
    const server = await startServer(data);
    const token = await apiLogin(server.url, 'centrale', accounts.centrale.password);
    const res = await fetch(`${server.url}/api/persons/duplicates?limit=100`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) throw new Error(`duplicates: ${res.status}`);
    const found = await res.json();
    const pairs = Array.isArray(found) ? found : found.items;
    const candidates = pairs.filter((p) => p.a.team !== p.b.team && p.a.contacts > 0 && p.b.contacts > 0
      && p.a.aliases.length > 0 && p.b.aliases.length > 0);
    // The demo is written as of today: which pair a seed plants, and whether its persons
    // already have an open case, changes with the date (a run found its pair with one,
    // and "open a case" was not offered).
    const openCase = async (id) => {
      const r = await fetch(`${server.url}/api/cases?status=all&person=${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (r.status !== 200) throw new Error(`cases: ${r.status}`);
      return (await r.json()).some((row) => !row.case.closed_at);
    };
    for (const pair of candidates) {
      if (withoutOpenCase && (await openCase(pair.a.id) || await openCase(pair.b.id))) continue;
      return { data, accounts, server, token, pair };
    }
    await stopServer(server.proc);
    removeDir(data);
  }
  throw new Error('no demo seed from 3 to 14 planted a cross-team pair the engine proposes');
}

/** Polls `fn` until it returns something truthy (that value), failing after `timeout`. */
export async function until(fn, what, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A phone-sized page signed in as `user`, once its service worker controls it. */
export async function signedInPhone(browser, url, user, password) {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await page.goto(url + '/');
  await signIn(page, user, password);
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null,
    null, { timeout: 20000 });
  return { context, page };
}
