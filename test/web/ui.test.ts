import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../src/server/index.js';
import { eventList, execEvent, getEvent, post, start, tempDir } from '../server/fixtures.js';

const chromiumPath = '/usr/bin/chromium';
const skip = existsSync(chromiumPath) ? false : `no browser at ${chromiumPath} (apt-get install chromium)`;

describe('web UI in headless Chromium', { skip }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const tmp = tempDir();

  before(async () => {
    server = await start(tmp.dir);
    const items = [
      execEvent(1, 'eve@contoso.com'),
      execEvent(2, 'eve@contoso.com', 1),
      getEvent(3, 'bob@contoso.com'),
    ];
    const r = await post(`${server.url}/audit/webhook`, eventList(items));
    assert.equal(r.status, 200);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    tmp.cleanup();
  });

  it('runs a hunt, shows rows and a chart, and pivots from a user cell to the timeline', async () => {
    await page.goto(`${server.url}/#hunt`);
    await page.waitForSelector('#kql');
    // completion from /api/schema: RawEventData paths
    await page.fill('#kql', '');
    await page.type('#kql', 'CloudAuditEvents | extend U = tostring(RawEventData.ObjectRef.su');
    await page.waitForSelector('#completions li');
    assert.match((await page.textContent('#completions')) ?? '', /RawEventData\.ObjectRef\.subresource/);
    await page.keyboard.press('Escape');

    const query = [
      'CloudAuditEvents',
      '| extend User = tostring(RawEventData.User.username)',
      '| summarize Requests = count() by User',
      '| order by Requests desc',
      '| render columnchart',
    ].join('\n');
    await page.fill('#kql', query);
    await page.click('#run');
    await page.waitForSelector('#hunt-grid tbody tr');
    const rows = await page.$$eval('#hunt-grid tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    assert.deepEqual(rows, ['eve@contoso.com2', 'bob@contoso.com1']);
    assert.equal(await page.locator('#chart rect.bar').count(), 2);
    await page.screenshot({ path: join(tmpdir(), 'auditscope-hunt.png'), fullPage: true });

    await page.click('#hunt-grid button.user-link >> text=eve@contoso.com');
    await page.waitForSelector('#timeline-table tbody tr');
    assert.match(page.url(), /#timeline\?user=eve%40contoso\.com/);
    const tl = await page.$$eval('#timeline-table tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    assert.equal(tl.length, 2);
    assert.ok(tl.every((t) => t.includes('pods/exec')));
  });

  it('shows query diagnostics with their position', async () => {
    await page.goto(`${server.url}/#hunt`);
    await page.waitForSelector('#kql');
    await page.fill('#kql', 'CloudAuditEvents\n| where NoSuchColumn == 1');
    await page.click('#run');
    await page.waitForSelector('#diagnostics li');
    assert.match((await page.textContent('#diagnostics')) ?? '', /^2:\d+ error KUS\d+/);
  });

  it("opens an alert and shows its rule's investigation guide and ATT&CK mapping", async () => {
    await page.goto(`${server.url}/#alerts`);
    await page.waitForSelector('#alerts-table tr.alert-row');
    await page.click('#alerts-table tr.alert-row');
    await page.waitForSelector('#alert-detail .guide');
    const guide = (await page.textContent('#alert-detail .guide')) ?? '';
    assert.ok(guide.length > 40 && !guide.startsWith('This rule has no'), guide);
    assert.match((await page.textContent('#alert-detail')) ?? '', /T1609/);
  });

  it('saves a hunt and schedules it as a detection', async () => {
    await page.goto(`${server.url}/#hunt`);
    await page.waitForSelector('#kql');
    await page.fill(
      '#kql',
      'CloudAuditEvents | where OperationName == "create" | project Timestamp, OperationName',
    );
    await page.fill('#hunt-name', 'creates');
    await page.click('#save-hunt');
    await page.waitForFunction(() => document.querySelector('#hunt-message')?.textContent?.includes('Saved'));
    await page.click('#schedule');
    await page.waitForFunction(() =>
      document.querySelector('#hunt-message')?.textContent?.includes('Scheduled'),
    );
    assert.match((await page.textContent('#hunt-message')) ?? '', /hunt-creates/);
    assert.deepEqual(errors, []);
  });
});
