// The image's HEALTHCHECK: GET /health on this container's own listener, plain JavaScript so it
// starts fast and needs nothing but Node. With TLS_CERT_FILE set the server speaks only HTTPS, so
// the check does too; it skips certificate verification because it connects to 127.0.0.1, which the
// certificate (issued for the public name) does not cover: it checks liveness, not identity.
'use strict';
const http = require('node:http');
const https = require('node:https');

const tls = Boolean(process.env.TLS_CERT_FILE);
const port = Number(process.env.PORT || 3000);
const client = tls ? https : http;
const request = client.get(
  { host: '127.0.0.1', port, path: '/health', timeout: 2500, ...(tls ? { rejectUnauthorized: false } : {}) },
  (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
