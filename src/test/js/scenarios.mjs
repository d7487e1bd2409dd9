// Talks to an MCP server (directly or through Airlock) with the official TypeScript SDK client and
// prints one JSON line per scenario: {"scenario", "ok", "detail"}. Exit code 1 if any failed.
// Usage: node scenarios.mjs URL [--token T]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

const url = new URL(process.argv[2]);
const tokenAt = process.argv.indexOf('--token');
const headers = tokenAt > 0 ? { Authorization: `Bearer ${process.argv[tokenAt + 1]}` } : {};
const results = [];
let failed = false;

function report(scenario, ok, detail) {
  failed ||= !ok;
  console.log(JSON.stringify({ scenario, ok, detail }));
}

async function scenario(name, body) {
  try {
    const detail = await Promise.race([
      body(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 30 s')), 30_000)),
    ]);
    report(name, true, detail);
  } catch (error) {
    report(name, false, String(error?.message ?? error));
  }
}

async function connect(capabilities) {
  const client = new Client({ name: 'airlock-scenarios', version: '1.0.0' }, { capabilities });
  if (capabilities.sampling) {
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled by the client' },
    }));
  }
  if (capabilities.elicitation) {
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: {} }));
  }
  if (capabilities.roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///tmp', name: 'tmp' }] }));
  }
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  return client;
}

const full = await connect({ sampling: {}, elicitation: {}, roots: { listChanged: true } });
let tools = [];

await scenario('list-tools', async () => {
  tools = (await full.listTools()).tools;
  if (tools.length === 0) throw new Error('no tools');
  return { count: tools.length };
});
await scenario('call-echo', async () => {
  const r = await full.callTool({ name: 'echo', arguments: { message: 'through airlock' } });
  const text = r.content[0].text;
  if (!text.includes('through airlock')) throw new Error(`unexpected ${text}`);
  return text;
});
await scenario('read-resource', async () => {
  const list = await full.listResources();
  const r = await full.readResource({ uri: list.resources[0].uri });
  if (!r.contents.length) throw new Error('empty resource');
  return list.resources[0].uri;
});
await scenario('get-prompt', async () => {
  const prompts = (await full.listPrompts()).prompts;
  const simple = prompts.find((p) => !p.arguments?.some((a) => a.required)) ?? prompts[0];
  const r = await full.getPrompt({ name: simple.name, arguments: {} });
  if (!r.messages.length) throw new Error('no messages');
  return simple.name;
});
await scenario('progress', async () => {
  const seen = [];
  await full.callTool(
    { name: 'trigger-long-running-operation', arguments: { duration: 2, steps: 4 } },
    undefined,
    { onprogress: (p) => seen.push(p.progress), timeout: 20_000 },
  );
  if (seen.length < 2) throw new Error(`only ${seen.length} progress notifications`);
  return { notifications: seen.length };
});
await scenario('cancel', async () => {
  const controller = new AbortController();
  const call = full.callTool(
    { name: 'trigger-long-running-operation', arguments: { duration: 10, steps: 5 } },
    undefined,
    { signal: controller.signal },
  );
  setTimeout(() => controller.abort('test cancels'), 500);
  try {
    await call;
  } catch (error) {
    return 'cancelled: ' + String(error.message ?? error).slice(0, 60);
  }
  throw new Error('the call was not cancelled');
});
await scenario('sampling', async () => {
  const r = await full.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 10 } });
  const text = JSON.stringify(r.content);
  if (!text.includes('sampled by the client')) throw new Error(`no sampling answer in ${text.slice(0, 200)}`);
  return 'server-to-client sampling answered';
});
await scenario('elicitation', async () => {
  const r = await full.callTool({ name: 'trigger-elicitation-request', arguments: {} });
  return JSON.stringify(r.content).slice(0, 80);
});
await scenario('roots', async () => {
  const r = await full.callTool({ name: 'get-roots-list', arguments: {} });
  const text = JSON.stringify(r.content);
  if (!text.includes('file:///tmp')) throw new Error(`roots not seen: ${text.slice(0, 200)}`);
  return 'roots listed by the server';
});
await full.close();

await scenario('capabilities-pass-through', async () => {
  const bare = await connect({});
  const count = (await bare.listTools()).tools.length;
  await bare.close();
  if (count >= tools.length) throw new Error(`client without capabilities saw ${count}, full client ${tools.length}`);
  return { withCapabilities: tools.length, without: count };
});

process.exit(failed ? 1 : 0);
