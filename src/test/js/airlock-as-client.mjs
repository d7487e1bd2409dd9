// The conformance suite's client scenarios with Airlock as the client under test: the suite starts
// its test server and runs this with the server's URL; this starts Airlock (the packaged jar, local
// mode) with that server as its upstream `suite`, and drives the scenario through Airlock with the
// official SDK client. What the suite checks is what Airlock sends upstream.
// Usage (by the suite): node airlock-as-client.mjs <server-url>
// Environment: AIRLOCK_JAVA, AIRLOCK_JAR, AIRLOCK_PORT, AIRLOCK_DEMO_PORT, AIRLOCK_DIR, AIRLOCK_LOG
// (set by ClientConformanceIT), and MCP_CONFORMANCE_SCENARIO (set by the suite).
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const serverUrl = process.argv[2];
const scenario = process.env.MCP_CONFORMANCE_SCENARIO;
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const port = env('AIRLOCK_PORT');
const base = `http://127.0.0.1:${port}`;
// Allows every tool: what is checked here is the protocol, not the policy.
const policy = fileURLToPath(new URL('../resources/policy/test-policy.json', import.meta.url));

// What each scenario asks the client to do once connected.
const steps = {
  initialize: async () => {},
  'sse-retry': async (client) => {
    const result = await client.callTool({ name: 'test_reconnection', arguments: {} });
    if (result.isError) throw new Error(`test_reconnection failed: ${JSON.stringify(result)}`);
  },
};

const airlock = spawn(env('AIRLOCK_JAVA'), [
  `-Dquarkus.http.port=${port}`,
  `-Dairlock.demo.port=${env('AIRLOCK_DEMO_PORT')}`,
  `-Dairlock.local.dir=${env('AIRLOCK_DIR')}`,
  '-Dairlock.auth.mode=none',
  `-Dairlock.policy.path=${policy}`,
  `-Dairlock.upstreams.suite.url=${serverUrl}`,
  '-jar', env('AIRLOCK_JAR'), 'local',
], { stdio: ['ignore', openSync(env('AIRLOCK_LOG'), 'a'), openSync(env('AIRLOCK_LOG'), 'a')] });

async function ready() {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (airlock.exitCode !== null) throw new Error(`Airlock exited with ${airlock.exitCode} while starting`);
    try {
      if ((await fetch(`${base}/q/health/ready`)).ok) return;
    } catch {
      // still starting
    }
    await sleep(250);
  }
  throw new Error('Airlock was not ready within 90 s');
}

async function stop() {
  if (airlock.exitCode !== null) return;
  airlock.kill('SIGTERM');
  const exited = new Promise((resolve) => airlock.once('exit', resolve));
  if (await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)])) return;
  airlock.kill('SIGKILL');
}
process.once('SIGTERM', () => stop().finally(() => process.exit(1)));

let code = 0;
try {
  const step = steps[scenario];
  if (!step) throw new Error(`no client steps for scenario ${scenario}`);
  await ready();
  const client = new Client({ name: 'airlock-conformance', version: '1.0.0' }, { capabilities: {} });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp/suite`)));
  await step(client);
  await client.close();
} catch (error) {
  console.error(`airlock-as-client (${scenario}):`, error);
  code = 1;
} finally {
  await stop();
}
process.exit(code);
