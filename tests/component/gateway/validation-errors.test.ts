import { startTestApp, type TestApp } from '../../support/test-app';

describe('validation errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const fieldsOf = (body: { error: { details: { fields: { field: string; message: string }[] } } }) =>
    body.error.details.fields.map((f) => f.field).sort();

  it('when several fields are wrong, then 400 validation_failed lists each with a message', async () => {
    const res = await t.http().post('/api/v1/auth/register').send({ email: 42, password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
    expect(fieldsOf(res.body)).toEqual(['body.email', 'body.password']);
    for (const f of res.body.error.details.fields) expect(f.message).toEqual(expect.any(String));
    expect(res.body.error.message).toContain('body.email');
  });

  it('when the body is missing, then every required field is named', async () => {
    const res = await t.http().post('/api/v1/auth/login');
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body.email', 'body.password']);
  });

  it('when the body has a field the route does not know, then 400 naming that field', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ email: 'a@example.com', password: 'long-enough-pw', isAdmin: true });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body.isAdmin']);
  });

  it('when the body is a JSON array, then 400 naming the body', async () => {
    const res = await t.http().post('/api/v1/auth/login').send([1, 2]);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body']);
  });
});
