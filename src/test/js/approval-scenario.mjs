// The official TypeScript SDK client calls a tool that needs approval through Airlock and waits,
// with progress notifications resetting its timeout. Prints one JSON line with the outcome.
// Usage: node approval-scenario.mjs URL TOOL ARGS_JSON [--task]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, tool, args] = process.argv.slice(2);
const client = new Client({ name: 'airlock-approval-scenario', version: '1.0.0' }, { capabilities: {} });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
const progress = [];
try {
  const result = await client.callTool(
    { name: tool, arguments: JSON.parse(args) },
    undefined,
    { onprogress: (p) => progress.push(p.message ?? ''), resetTimeoutOnProgress: true, timeout: 60_000, maxTotalTimeout: 120_000 },
  );
  console.log(JSON.stringify({ ok: true, isError: result.isError ?? false, text: result.content?.[0]?.text ?? '', progress }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error), progress }));
} finally {
  await client.close();
}
