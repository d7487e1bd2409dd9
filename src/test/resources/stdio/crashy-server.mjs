// A minimal stdio MCP server for supervision tests: answers initialize and tools/call,
// and exits with code 3 when asked to call the tool "die". Each start is counted in a file.
import { appendFileSync } from 'node:fs';
import readline from 'node:readline';

const counter = process.env.START_LOG;
if (counter) appendFileSync(counter, 'start\n');
const rl = readline.createInterface({ input: process.stdin });
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
rl.on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.method === 'initialize') {
    send({ jsonrpc: '2.0', id: msg.id, result: { protocolVersion: msg.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'crashy', version: '1' } } });
  } else if (msg.method === 'tools/call' && msg.params.name === 'die') {
    process.stderr.write('dying on purpose\n');
    process.exit(3);
  } else if (msg.method === 'tools/call') {
    send({ jsonrpc: '2.0', id: msg.id, result: { content: [{ type: 'text', text: 'alive' }] } });
  } else if (msg.id !== undefined) {
    send({ jsonrpc: '2.0', id: msg.id, result: {} });
  }
});
