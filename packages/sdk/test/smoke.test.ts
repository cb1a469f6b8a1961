import { createOcpClient } from '@ocp/sdk';
import type { AddressInfo } from 'node:net';
import { startTestApp, registerUser } from '../../../tests/support/test-app';

test('smoke', async () => {
  const t = await startTestApp();
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const user = await registerUser(t);
  const ocp = createOcpClient({ baseUrl, auth: { tokens: { accessToken: user.accessToken, refreshToken: user.refreshToken } } });
  const w = await ocp.post('/api/v1/wallets', { body: { currency: 'USD' } });
  const list = [];
  for await (const x of ocp.paginate('/api/v1/wallets')) list.push(x);
  expect(list.map((x) => x.id)).toContain(w.id);
  server.close();
  await t.close();
});
