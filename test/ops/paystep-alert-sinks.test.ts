/**
 * The alert sinks `paystep start` builds from its configuration, delivering for real: an SMTP
 * server on loopback (just enough of RFC 5321 for one client) receives the email sink's message.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from '../api/api-harness.js';
import type { TestApi } from '../api/api-harness.js';

/** Accepts every message and keeps its DATA. No TLS, no authentication. */
function smtpServer() {
  const messages: string[] = [];
  const server: Server = createServer((socket) => {
    let inData = false;
    let data = '';
    let buffer = '';
    socket.write('220 localhost ESMTP test\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(data);
            data = '';
            socket.write('250 2.0.0 queued\r\n');
          } else data += `${line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 localhost\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 end with .\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return { server, messages };
}

describe('alert sinks from the configuration', () => {
  const smtp = smtpServer();
  let api: TestApi;

  beforeAll(async () => {
    await new Promise<void>((resolve) => smtp.server.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    api = await createTestApi({
      config: {
        alertSmtpHost: '127.0.0.1',
        alertSmtpPort: port,
        alertEmailFrom: 'paystep@example.com',
        alertEmailTo: ['ops@example.com'],
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await new Promise((resolve) => smtp.server.close(resolve));
  });

  it('delivers to the log and, once an SMTP server is configured, by email', async () => {
    expect(Object.keys(api.paystep.ops.publisher.stats())).toEqual(['log', 'email']);
    api.paystep.ops.publisher.publish({
      kind: 'workflow',
      subject: 'paystep: payment workflow failed',
      severity: 'critical',
      details: { transaction_id: 'TXN-9', error: 'Gateway.Transient' },
      timestamp: api.clock.now(),
    });
    await api.paystep.ops.publisher.drain();
    expect(api.paystep.ops.publisher.stats()['email']).toMatchObject({ delivered: 1, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    const message = smtp.messages[0] ?? '';
    expect(message).toMatch(
      /^Subject: \[paystep\] \[CRITICAL\] paystep: payment workflow failed$/m,
    );
    expect(message).toMatch(/^To: ops@example\.com$/m);
    expect(message).toContain('transaction_id: TXN-9');
  });
});
