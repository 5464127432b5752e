import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';

/** One notification as the partner's callback received it. */
export interface ReceivedNotification {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The SET's `jti` (read without verifying). */
  readonly jti: string;
  /** When it arrived (`Date.now()`). */
  readonly atMs: number;
}

/** How the receiver answers a notification: a status, after an optional delay; `hang`: never. */
export type ReceiverAnswer = { readonly status: number; readonly delayMs?: number } | 'hang';

/**
 * A partner's event callback: a real HTTP server on 127.0.0.1 (an ephemeral port) at
 * `/open-banking/v4.0/event-notifications`, recording every notification it receives and answering as told (202 by
 * default). It can go down and come back on the same port.
 */
export class EventReceiver {
  readonly received: ReceivedNotification[] = [];
  answer: (notification: ReceivedNotification) => ReceiverAnswer = () => ({ status: 202 });
  private server: Server;
  private readonly held = new Set<ServerResponse>();

  private constructor(private port: number) {
    this.server = this.createServer();
  }

  /** Starts a receiver on a free port of 127.0.0.1. */
  static async start(): Promise<EventReceiver> {
    const receiver = new EventReceiver(0);
    await receiver.up();
    return receiver;
  }

  /** The callback URL the app subscribes with. */
  get callbackUrl(): string {
    return `http://127.0.0.1:${this.port}/open-banking/v4.0/event-notifications`;
  }

  /** How many times the receiver got the event with this `jti`. */
  timesReceived(jti: string): number {
    return this.received.filter((notification) => notification.jti === jti).length;
  }

  /** Resolves once `count` notifications in all have arrived. */
  async waitForCount(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`the receiver got ${this.received.length} notifications, not ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Listens (again, on the same port once it has one). */
  async up(): Promise<void> {
    this.server = this.createServer();
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every connection, held answers included: nothing is listening any more. */
  async down(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private createServer(): Server {
    return createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const notification = { headers: request.headers, body, jti: jtiOf(body), atMs: Date.now() };
        this.received.push(notification);
        const answer = this.answer(notification);
        if (answer === 'hang') {
          this.held.add(response);
          return;
        }
        const interactionId = request.headers['x-fapi-interaction-id'];
        const reply = () => response.writeHead(answer.status, interactionId ? { 'x-fapi-interaction-id': interactionId } : {}).end();
        if (answer.delayMs) {
          this.held.add(response);
          setTimeout(() => {
            this.held.delete(response);
            if (!response.destroyed) reply();
          }, answer.delayMs).unref();
        } else reply();
      });
    });
  }
}

function jtiOf(body: string): string {
  try {
    return String(decodeJwt(body).jti);
  } catch {
    return '(not a JWT)';
  }
}
