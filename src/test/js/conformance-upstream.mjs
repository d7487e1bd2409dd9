// An upstream MCP server for the conformance suite (@modelcontextprotocol/conformance): it implements
// what the suite's server scenarios ask of a server, so a run through Airlock can be compared check by
// check with a direct run against this server.
// Usage: PORT=<port> node conformance-upstream.mjs   (listens on 127.0.0.1 only, path /mcp)
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  LoggingLevelSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

const HOST = '127.0.0.1';
const MAX_SESSIONS = 100;
const MAX_EVENTS_PER_SESSION = 1000;
const LEVELS = LoggingLevelSchema.options;
// 1x1 red pixel PNG; 8 samples of 8-bit mono silence at 8 kHz.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';
const WAV = 'UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==';
const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

const sessions = new Map();

const text = (value) => ({ content: [{ type: 'text', text: value }] });

// Keeps a session's SSE events so that a client can resume a stream with Last-Event-ID (SEP-1699).
function createEventStore() {
  const events = [];
  let sequence = 0;
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}_${++sequence}`;
      events.push({ id, streamId, message });
      if (events.length > MAX_EVENTS_PER_SESSION) events.shift();
      return id;
    },
    async getStreamIdForEventId(eventId) {
      return events.find((event) => event.id === eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const at = events.findIndex((event) => event.id === lastEventId);
      if (at < 0) throw new Error(`unknown event id ${lastEventId}`);
      const { streamId } = events[at];
      for (const event of events.slice(at + 1)) {
        if (event.streamId === streamId) await send(event.id, event.message);
      }
      return streamId;
    },
  };
}

function createServer(transport) {
  const server = new McpServer(
    { name: 'airlock-conformance-upstream', version: '1.0.0' },
    { capabilities: { logging: {}, completions: {}, resources: { subscribe: true } } },
  );
  let minLevel;
  const subscriptions = new Set();

  // Our own setLevel handler: the SDK's keeps the level private and its sendLoggingMessage cannot
  // tie a message to the tool call, which is what puts it on that call's SSE stream.
  server.server.setRequestHandler(SetLevelRequestSchema, async ({ params }) => {
    minLevel = params.level;
    return {};
  });
  async function log(extra, level, data) {
    if (minLevel && LEVELS.indexOf(level) < LEVELS.indexOf(minLevel)) return false;
    const params = { level, logger: 'conformance-upstream', data };
    await extra.sendNotification({ method: 'notifications/message', params });
    return true;
  }
  const pause = (ms, extra) => sleep(ms, undefined, { signal: extra.signal });
  async function elicit(extra, message, requestedSchema) {
    const result = await server.server.elicitInput(
      { message, requestedSchema },
      { relatedRequestId: extra.requestId, signal: extra.signal },
    );
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  }
  const tool = (name, description, inputSchema, handler) => server.registerTool(name, { description, inputSchema }, handler);

  tool('test_simple_text', 'Returns a simple text response', undefined,
    async () => text('This is a simple text response for testing.'));
  tool('test_image_content', 'Returns a 1x1 PNG image', undefined,
    async () => ({ content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] }));
  tool('test_audio_content', 'Returns a tiny WAV clip', undefined,
    async () => ({ content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] }));
  tool('test_embedded_resource', 'Returns an embedded text resource', undefined, async () => ({
    content: [{
      type: 'resource',
      resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' },
    }],
  }));
  tool('test_multiple_content_types', 'Returns text, image and resource content', undefined, async () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
      {
        type: 'resource',
        resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' },
      },
    ],
  }));
  tool('test_tool_with_logging', 'Sends three info log messages while it runs', undefined, async (extra) => {
    await log(extra, 'info', 'Tool execution started');
    await pause(50, extra);
    await log(extra, 'info', 'Tool processing data');
    await pause(50, extra);
    await log(extra, 'info', 'Tool execution completed');
    return text('Tool with logging executed successfully');
  });
  tool('test_error_handling', 'Always fails', undefined, async () => {
    throw new Error('This tool intentionally returns an error for testing');
  });
  tool('test_tool_with_progress', 'Reports progress 0, 50 and 100 of 100', undefined, async (extra) => {
    const progressToken = extra._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (progress > 0) await pause(50, extra);
      if (progressToken !== undefined) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: 100 } });
      }
    }
    return text('Tool with progress executed successfully');
  });
  tool('test_sampling', 'Asks the client to sample an LLM',
    { prompt: z.string().describe('The prompt to send to the LLM') },
    async ({ prompt }, extra) => {
      const result = await server.server.createMessage(
        { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 },
        { relatedRequestId: extra.requestId, signal: extra.signal },
      );
      const content = [result.content].flat();
      return text(`LLM response: ${content.map((part) => part.text ?? JSON.stringify(part)).join(' ')}`);
    });
  tool('test_elicitation', 'Asks the user for a username and an email',
    { message: z.string().describe('The message to show the user') },
    async ({ message }, extra) => elicit(extra, message, {
      type: 'object',
      properties: {
        username: { type: 'string', description: "User's response" },
        email: { type: 'string', description: "User's email address" },
      },
      required: ['username', 'email'],
    }));
  tool('test_elicitation_sep1034_defaults', 'Elicitation whose fields all have defaults (SEP-1034)', undefined,
    async (extra) => elicit(extra, 'Please review your profile', {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Name', default: 'John Doe' },
        age: { type: 'integer', description: 'Age', default: 30 },
        score: { type: 'number', description: 'Score', default: 95.5 },
        status: { type: 'string', description: 'Status', enum: ['active', 'inactive', 'pending'], default: 'active' },
        verified: { type: 'boolean', description: 'Verified', default: true },
      },
    }));
  const choices = (prefix, titles) => titles.map((title, i) => ({ const: `${prefix}${i + 1}`, title }));
  tool('test_elicitation_sep1330_enums', 'Elicitation with the five enum forms (SEP-1330)', undefined,
    async (extra) => elicit(extra, 'Please pick some options', {
      type: 'object',
      properties: {
        untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
        titledSingle: { type: 'string', oneOf: choices('value', ['First Option', 'Second Option', 'Third Option']) },
        legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
        untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
        titledMulti: { type: 'array', items: { anyOf: choices('value', ['First Choice', 'Second Choice', 'Third Choice']) } },
      },
    }));
  // The SDK turns zod into draft-07 JSON Schema; the metadata puts back the 2020-12 keywords the
  // scenario looks for ($schema, $defs and a $ref into them).
  const address = z.object({ street: z.string().optional(), city: z.string().optional() });
  tool('json_schema_2020_12_tool', 'Tool with JSON Schema 2020-12 features',
    z.object({ name: z.string().optional(), address: address.optional().meta({ $ref: '#/$defs/address' }) })
      .strict()
      .meta({
        $schema: JSON_SCHEMA_2020_12,
        $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
      }),
    async (args) => text(`Received: ${JSON.stringify(args)}`));
  tool('test_reconnection', 'Closes its SSE stream mid-call; the result comes after a Last-Event-ID resume', undefined,
    async (extra) => {
      // The SDK writes a priming event (an event id to resume from) only for requests whose
      // MCP-Protocol-Version is 2025-11-25 or later; the suite's probe sends 2025-03-26. A stored log
      // message then gives the client an id instead. With no id at all the result could not be
      // replayed, so the stream stays open.
      const resumable = extra.closeSSEStream !== undefined
        || await log(extra, 'info', 'Closing the stream: reconnect with Last-Event-ID for the result');
      if (resumable) transport.closeSSEStream(extra.requestId);
      await pause(200, extra);
      return text('Reconnection test completed');
    });

  const resource = (name, uri, description, mimeType, body) => server.registerResource(name, uri,
    { description, mimeType }, async (url, variables) => ({ contents: [{ uri: url.href, mimeType, ...body(variables) }] }));
  resource('static-text', 'test://static-text', 'A static text resource', 'text/plain',
    () => ({ text: 'This is the content of the static text resource.' }));
  resource('static-binary', 'test://static-binary', 'A static binary resource (1x1 PNG)', 'image/png',
    () => ({ blob: PNG }));
  resource('watched-resource', 'test://watched-resource', 'A resource clients can subscribe to', 'text/plain',
    () => ({ text: 'This resource can be watched.' }));
  resource('template-data', new ResourceTemplate('test://template/{id}/data', { list: undefined }),
    'Data for an id, from a URI template', 'application/json',
    ({ id }) => ({ text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }));
  // Nothing here ever changes, so no notifications/resources/updated is sent for the subscriptions.
  server.server.setRequestHandler(SubscribeRequestSchema, async ({ params }) => {
    subscriptions.add(params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async ({ params }) => {
    subscriptions.delete(params.uri);
    return {};
  });

  const userText = (value) => ({ role: 'user', content: { type: 'text', text: value } });
  server.registerPrompt('test_simple_prompt', { description: 'A simple prompt without arguments' },
    () => ({ messages: [userText('This is a simple prompt for testing.')] }));
  server.registerPrompt('test_prompt_with_arguments', {
    description: 'A prompt with two required arguments',
    argsSchema: {
      arg1: completable(z.string().describe('First test argument'),
        (value) => ['paris', 'park', 'party', 'test-value'].filter((word) => word.startsWith(value ?? ''))),
      arg2: z.string().describe('Second test argument'),
    },
  }, ({ arg1, arg2 }) => ({ messages: [userText(`Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`)] }));
  server.registerPrompt('test_prompt_with_embedded_resource', {
    description: 'A prompt embedding a resource',
    argsSchema: { resourceUri: z.string().describe('URI of the resource to embed') },
  }, ({ resourceUri }) => ({
    messages: [
      {
        role: 'user',
        content: {
          type: 'resource',
          resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' },
        },
      },
      userText('Please process the embedded resource above.'),
    ],
  }));
  server.registerPrompt('test_prompt_with_image', { description: 'A prompt with an image' }, () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
      userText('Please analyze the image above.'),
    ],
  }));
  return server;
}

async function createSession() {
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    eventStore: createEventStore(),
    retryInterval: 1000,
    onsessioninitialized: (id) => {
      sessions.set(id, transport);
      // Clients rarely DELETE their session: bound how many are kept, closing the oldest.
      if (sessions.size > MAX_SESSIONS) sessions.values().next().value.close().catch(() => {});
    },
  });
  transport.onclose = () => sessions.delete(transport.sessionId);
  await createServer(transport).connect(transport);
  return transport;
}

function reply(res, status, message, code = -32000) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function handle(req, res) {
  if (new URL(req.url, `http://${HOST}`).pathname !== '/mcp') return reply(res, 404, 'Not found');
  // DNS rebinding protection: a foreign page whose name resolves to 127.0.0.1 still sends its own
  // Host and Origin, so only this server's loopback names are accepted.
  const { port } = httpServer.address();
  const local = [`127.0.0.1:${port}`, `localhost:${port}`];
  const { host, origin } = req.headers;
  if (!local.includes(host) || (origin !== undefined && !local.some((name) => origin === `http://${name}`))) {
    return reply(res, 403, 'Forbidden: Host or Origin is not this loopback server');
  }
  const sessionId = req.headers['mcp-session-id'];
  if (sessionId !== undefined) {
    const transport = sessions.get(sessionId);
    if (!transport) return reply(res, 404, 'Session not found', -32001);
    return transport.handleRequest(req, res);
  }
  // No session yet: a fresh transport answers; it keeps a session only if the request was initialize.
  const transport = await createSession();
  await transport.handleRequest(req, res);
  if (transport.sessionId === undefined) await transport.close();
}

const httpServer = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error('conformance-upstream:', error);
    if (!res.headersSent) reply(res, 500, 'Internal error', -32603);
    else res.end();
  });
});

async function shutdown() {
  for (const transport of [...sessions.values()]) await transport.close().catch(() => {});
  httpServer.close();
  httpServer.closeAllConnections();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

httpServer.listen(Number(process.env.PORT ?? 0), HOST, () => {
  console.log(`conformance-upstream listening on http://${HOST}:${httpServer.address().port}/mcp`);
});
