import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { securityHeaders } from '../../../src/http/security-headers';

async function headersFrom(middleware: RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.disable('x-powered-by');
  app.use(middleware);
  app.get('/', (_req, res) => res.end());
  const res = await request(app).get('/');
  const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...headers } = res.headers as Record<string, string>;
  return headers;
}

describe('securityHeaders', () => {
  it('when a response is sent, then it carries exactly the headers helmet() itself sets', async () => {
    const recorded = await headersFrom(securityHeaders());
    expect(recorded).toEqual(await headersFrom(helmet()));
    expect(Object.keys(recorded)).toEqual(
      expect.arrayContaining(['content-security-policy', 'strict-transport-security', 'x-frame-options']),
    );
  });
});
