import type { AddressInfo } from 'node:net';
import { createOcpClient, type OcpClientOptions } from '@ocp/sdk';
import { registerUser, startTestApp, type TestApp } from '../../../tests/support/test-app';

/** A real OCP (its own database) on a port of its own, as the SDK meets it in production. */
export async function startListeningApp(env: Record<string, string> = {}): Promise<TestApp & { baseUrl: string }> {
  const t = await startTestApp(env);
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    ...t,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

/** A freshly registered user and an SDK client signed in as them. */
export async function signedInUser(t: TestApp & { baseUrl: string }, options: Partial<OcpClientOptions> = {}) {
  const user = await registerUser(t);
  const ocp = createOcpClient({
    baseUrl: t.baseUrl,
    auth: { tokens: { accessToken: user.accessToken, refreshToken: user.refreshToken } },
    ...options,
  });
  return { user, ocp };
}

/** A fetch that counts what it sends and can be told to fail the next calls in a given way. */
export function faultyFetch() {
  const sent: Request[] = [];
  const faults: ((request: Request) => Promise<Response>)[] = [];
  const fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    sent.push(request.clone());
    const fault = faults.shift();
    return fault ? fault(request) : globalThis.fetch(request);
  };
  return { fetch, sent, failNext: (fault: (request: Request) => Promise<Response>) => faults.push(fault) };
}
