// The benchmark's receiver, in a process of its own: verifies every delivery with standardwebhooks'
// Webhook#verify, answers 200, and keeps, per webhook-id first seen, the lag from the event's
// recordedAt (its append) to the moment it arrived. Talks to the bench over IPC.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

const verifiers = new Map<string, Webhook>();
let received = 0;
let refused = 0;
const seen = new Set<string>();
let lags: number[] = [];

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = Date.now();
    const body = Buffer.concat(chunks).toString('utf8');
    const verifier = verifiers.get((req.url ?? '/').split('?')[0]!);
    try {
      const payload = verifier!.verify(body, req.headers as Record<string, string>) as { id: string; data: { recordedAt: string } };
      received++;
      if (!seen.has(payload.id)) {
        seen.add(payload.id);
        lags.push(at - Date.parse(payload.data.recordedAt));
      }
      res.writeHead(200).end();
    } catch {
      refused++;
      res.writeHead(400).end('bad signature');
    }
  });
});

type Message = { type: 'secrets'; secrets: Record<string, string> } | { type: 'count' } | { type: 'report' } | { type: 'reset' };

process.on('message', (m: Message) => {
  if (m.type === 'secrets') for (const [path, secret] of Object.entries(m.secrets)) verifiers.set(path, new Webhook(secret));
  else if (m.type === 'count') process.send!({ type: 'count', unique: seen.size, received, refused });
  else if (m.type === 'report') process.send!({ type: 'report', unique: seen.size, received, refused, lags });
  else if (m.type === 'reset') {
    seen.clear();
    lags = [];
    received = 0;
    refused = 0;
    process.send!({ type: 'reset' });
  }
});

server.listen(0, '127.0.0.1', () => process.send!({ type: 'ready', port: (server.address() as AddressInfo).port }));
