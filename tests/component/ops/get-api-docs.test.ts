import { startTestApp, type TestApp } from '../../support/test-app';

describe('GET /openapi.json and GET /docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when /openapi.json is asked, then it is an OpenAPI 3.1 document listing the auth paths', async () => {
    const res = await t.http().get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.info.title).toBe('Open Commerce Protocol API');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/register',
        '/api/v1/auth/login',
        '/api/v1/auth/refresh',
        '/api/v1/auth/logout',
        '/api/v1/auth/token',
      ]),
    );
  });

  it('when the login operation is read, then its body schema comes from the same zod schema that validates it', async () => {
    const { body } = await t.http().get('/openapi.json');
    const schema = body.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(schema.additionalProperties).toBe(false);
    expect(body.paths['/api/v1/auth/logout'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(body.paths['/api/v1/auth/login'].post.security).toBeUndefined();
  });

  it('when /docs is opened, then the Swagger UI page loads no resource from outside', async () => {
    const res = await t.http().get('/docs/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('id="swagger-ui"');
    const references = [...res.text.matchAll(/\b(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(references.length).toBeGreaterThanOrEqual(3);
    expect(references.filter((r) => /^(https?:)?\/\//i.test(r))).toEqual([]);
  });

  it('when the page’s scripts and stylesheet are fetched, then this server serves them', async () => {
    const html = (await t.http().get('/docs/')).text;
    const assets = [...html.matchAll(/\b(?:src|href)=["']\.\/([^"']+\.(?:js|css))["']/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-init.js']));
    for (const asset of assets) {
      const res = await t.http().get(`/docs/${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      expect(res.headers['content-type']).toMatch(asset.endsWith('.css') ? /text\/css/ : /javascript/);
    }
  });

  it('when the Swagger UI starts, then it is given the spec inline and the online validator is off', async () => {
    const init = (await t.http().get('/docs/swagger-ui-init.js')).text;
    expect(init).toContain('"/api/v1/auth/login"');
    expect(init).toMatch(/"validatorUrl":\s*null/);
  });
});

describe('GET /docs with API_DOCS_ENABLED=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ API_DOCS_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('when /docs or /openapi.json is asked, then both are 404', async () => {
    expect((await t.http().get('/docs/')).status).toBe(404);
    expect((await t.http().get('/openapi.json')).status).toBe(404);
  });
});
