// playwright's launch() gives Chromium a fresh, empty profile of its own.
// Browser test of the reviewer queue in Debian's Chromium, driven by playwright-core.
// Usage: node queue-flow.mjs BASE_URL SCREENSHOT_DIR
// Prints one JSON line per step and exits 1 on the first failure.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const base = process.argv[2];
const shots = process.argv[3];
const mcp = `${base}/mcp/healthomics`;
const sdkScenario = join(fileURLToPath(new URL('.', import.meta.url)), '../../src/test/js/approval-scenario.mjs');
const step = (name, detail = '') => console.log(JSON.stringify({ step: name, ok: true, detail }));

// The agent is the official MCP TypeScript SDK client (src/test/js/approval-scenario.mjs), run as
// its own process: a real client that nobody here wrote waits for the reviewer's decision.
function mcpSession() {
  return {
    call(name, args) {
      // A fresh marker per call: an identical earlier call (same grant and arguments) would attach
      // to that call's approval instead of creating a new one.
      const unique = { ...args, trace: `browser-${process.pid}-${Date.now()}-${Math.random()}` };
      const answered = new Promise((resolve, reject) => {
        const child = spawn('node', [sdkScenario, mcp, name, JSON.stringify(unique)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => { out += d; });
        const timer = setTimeout(() => { child.kill(); reject(new Error('SDK client timed out')); }, 120_000);
        child.on('exit', () => {
          clearTimeout(timer);
          try {
            const line = JSON.parse(out.trim().split('\n').pop());
            resolve({ result: { isError: line.isError || !line.ok, content: [{ text: line.text ?? line.error }] } });
          } catch (error) {
            reject(new Error(`SDK client printed ${out}`));
          }
        });
      });
      // The marker finds this call's own request among any others pending in the queue.
      answered.trace = unique.trace;
      return answered;
    },
  };
}

const adminAuthorization = 'Basic ' + Buffer.from('admin:admin').toString('base64');

// The id of the pending request parked for the call carrying that marker (within 15 s).
async function approvalOf(trace) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const answer = await fetch(`${base}/api/approvals?status=PENDING&tool=CancelAHORunBatch&limit=1000`, {
      headers: { Authorization: adminAuthorization },
    });
    const found = (await answer.json()).find((request) => request.arguments?.trace === trace);
    if (found) return found.id;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no pending request for the call marked ${trace}`);
}

// A decision through the REST API as the admin: the channel nobody's page is on.
function decideThroughApi(id, decision, reason) {
  return fetch(`${base}/api/approvals/${id}/decision`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: adminAuthorization },
    body: JSON.stringify({ decision, reason }),
  });
}

async function signIn(browser, user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/queue`);
  await page.fill('#j_username', user);
  await page.fill('#j_password', user);
  await Promise.all([page.waitForURL(`${base}/queue`), page.click('button[type=submit]')]);
  return page;
}

// The row of that call's request, once it has appeared live in the page's queue. Other requests may
// be pending too (other tests', a reviewer's): the row is found by the call's own marker.
async function openRow(page, call) {
  const id = await approvalOf(call.trace);
  await page.locator(`#rows tr[data-id="${id}"]`).waitFor({ timeout: 15_000 });
  return id;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const fail = (message) => { console.log(JSON.stringify({ step: 'failure', ok: false, detail: message })); process.exitCode = 1; };
try {
  // 1. Sign in; a real client's call appears live; open it; approve; the client gets the result.
  const page = await signIn(browser, 'reviewer');
  step('signed-in');
  const agent = mcpSession();
  const approved = agent.call('CancelAHORunBatch', { runIds: ['run-0003'] });
  const firstId = await openRow(page, approved);
  step('appeared-live', firstId);
  await page.screenshot({ path: join(shots, 'queue.png') });
  await Promise.all([page.waitForURL(`**/queue/${firstId}`), page.click(`#rows tr[data-id="${firstId}"] a`)]);
  await page.locator('pre.json .k').first().waitFor();
  await page.screenshot({ path: join(shots, 'queue-detail.png'), fullPage: true });
  await Promise.all([page.waitForURL(/message=/), page.keyboard.press('a')]);
  const result = await approved;
  if (!JSON.stringify(result).includes('run-0003') || result.result.isError) throw new Error(`client got ${JSON.stringify(result)}`);
  step('approved-with-shortcut', result.result.content[0].text.slice(0, 60));

  // 2. Deny with a reason: the client gets the reason.
  await page.goto(`${base}/queue`);
  const denied = agent.call('CancelAHORunBatch', { runIds: ['run-0004'] });
  const secondId = await openRow(page, denied);
  await page.goto(`${base}/queue/${secondId}`);
  await page.fill('#deny-reason', 'run-0004 belongs to a clinical study');
  await Promise.all([page.waitForURL(/message=/), page.click('#deny-form button')]);
  const refusal = await denied;
  if (!refusal.result.isError || !refusal.result.content[0].text.includes('clinical study')) throw new Error(`client got ${JSON.stringify(refusal)}`);
  step('denied-with-reason', refusal.result.content[0].text);

  // 3. Decided elsewhere (the API here; Slack goes through the same decision service): the open
  //    detail page says so live, and the row leaves the open queue live.
  const elsewhere = agent.call('CancelAHORunBatch', { runIds: ['run-0005'] });
  await page.goto(`${base}/queue`);
  const thirdId = await openRow(page, elsewhere);
  const listPage = await page.context().newPage();
  await listPage.goto(`${base}/queue`);
  await listPage.locator(`#rows tr[data-id="${thirdId}"]`).waitFor();
  await page.goto(`${base}/queue/${thirdId}`);
  const decision = await decideThroughApi(thirdId, 'deny', 'decided through the API');
  if (decision.status !== 200) throw new Error(`API decision answered ${decision.status}`);
  await page.locator('#decided-elsewhere:not(.hidden)').waitFor({ timeout: 10_000 });
  const note = await page.textContent('#decided-elsewhere');
  if (!note.includes('admin') || !note.includes('API')) throw new Error(`note says ${note}`);
  await listPage.locator(`#rows tr[data-id="${thirdId}"]`).waitFor({ state: 'detached', timeout: 10_000 });
  await elsewhere;
  step('decided-elsewhere-live', note);

  // 3b. Decided after the detail page was rendered but before its event stream opened (the stream's
  //     request is held until the decision has reached the other page's stream): the page still
  //     says so, from reading itself again when its stream opens.
  const raced = agent.call('CancelAHORunBatch', { runIds: ['run-0007'] });
  await page.goto(`${base}/queue`);
  const racedId = await openRow(page, raced);
  await listPage.locator(`#rows tr[data-id="${racedId}"]`).waitFor();
  await page.route('**/queue/events', async (route) => {
    const answered = await decideThroughApi(racedId, 'deny', 'decided before the stream opened');
    await listPage.locator(`#rows tr[data-id="${racedId}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    if (answered.status !== 200) await route.abort();
    else await route.continue();
  }, { times: 1 });
  await page.goto(`${base}/queue/${racedId}`);
  await page.locator('#decided-elsewhere:not(.hidden)').waitFor({ timeout: 10_000 });
  const racedNote = await page.textContent('#decided-elsewhere');
  if (!racedNote.includes('denied') || (await page.locator('#approve-form').count()) !== 0) throw new Error(`page says ${racedNote}`);
  await raced;
  step('decided-before-stream-opened', racedNote);
  await page.goto(`${base}/queue/history`);
  const outcome = await page.textContent(`tr[data-id="${thirdId}"] .outcome`);
  if (outcome.trim() !== 'denied') throw new Error(`history shows ${outcome}`);
  step('history-shows-outcome');

  // 4. A user without the reviewer role sees no decision form, and the server refuses a post.
  const pending = agent.call('CancelAHORunBatch', { runIds: ['run-0006'] });
  const viewer = await signIn(browser, 'viewer');
  const fourthId = await openRow(viewer, pending);
  await viewer.goto(`${base}/queue/${fourthId}`);
  if (await viewer.locator('#approve-form').count() !== 0) throw new Error('viewer sees the approve form');
  const forged = await viewer.request.post(`${base}/queue/${fourthId}/decision`, { form: { decision: 'approve', csrf: 'forged' } });
  if (forged.status() !== 403) throw new Error(`forged post answered ${forged.status()}`);
  step('viewer-refused', String(forged.status()));
  const cleanup = await decideThroughApi(fourthId, 'deny', 'test cleanup');
  await cleanup.text();
  await pending;
  step('done');
} catch (error) {
  fail(String(error?.stack ?? error));
} finally {
  await browser.close();
}
