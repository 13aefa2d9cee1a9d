// node-oidc-provider (OpenID Certified) as an OAuth2 server at Signicat's paths, plus a small protected
// resource beside it, for kit's conformance tests (tests/test_conformance_signicat.py).
//
// Env: PORT (0 = any free port), CLIENTS (JSON: [{client_id, client_secret, token_endpoint_auth_method}]),
// TOKEN_FORMAT (jwt | opaque), ACCESS_TOKEN_ALG (RS256 | PS256 | ES256), RESOURCE (the resource indicator
// a JWT access token's aud holds), ACCOUNT_ID (the account_id claim), TTL (seconds).
// Prints "ready http://127.0.0.1:<port>/" when it listens. The issuer is <origin>/auth/open, so the token
// endpoint is <origin>/auth/open/connect/token, as Signicat's.
import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const format = process.env.TOKEN_FORMAT || 'jwt';
const alg = process.env.ACCESS_TOKEN_ALG || 'RS256';
const resource = process.env.RESOURCE || 'urn:kit:conformance:signicat-api';
const accountId = process.env.ACCOUNT_ID || 'a-kit-conformance';
const ttl = Number(process.env.TTL || 600);
const clients = JSON.parse(process.env.CLIENTS || '[]').map((c) => ({
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  scope: 'signicat-api',
  id_token_signed_response_alg: alg, // the only key it has signs with this algorithm
  ...c,
}));

const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
const jwk = { ...(await jose.exportJWK(privateKey)), kid: `kit-conformance-${alg.toLowerCase()}`, use: 'sig', alg };

const server = http.createServer();
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const issuer = `${origin}/auth/open`;
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [jwk] },
    scopes: ['openid', 'signicat-api'],
    routes: { token: '/connect/token', revocation: '/connect/revocation', jwks: '/.well-known/openid-configuration/jwks' },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'signicat-api',
          audience: resource,
          accessTokenTTL: ttl,
          accessTokenFormat: format,
          ...(format === 'jwt' ? { jwt: { sign: { alg } } } : {}),
        }),
      },
    },
    extraTokenClaims: () => ({ account_id: accountId }),
  });
  const callback = provider.callback();
  const publicKey = jose.createLocalJWKSet({ keys: [{ ...jwk, d: undefined, p: undefined, q: undefined, dp: undefined, dq: undefined, qi: undefined }] });

  const sessions = new Map();

  async function resourceServer(req, res) {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const refuse = (why) =>
      send(401, { type: 'about:blank', title: 'Invalid authentication token.', detail: why, code: 'invalid_token' }, {
        'WWW-Authenticate': `Bearer error="invalid_token", error_description="${why}"`,
      });
    const header = req.headers.authorization || '';
    if (!header.startsWith('Bearer ')) {
      send(401, { title: 'No authentication token.', code: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
      return;
    }
    const value = header.slice(7);
    let account = null;
    let stored;
    try {
      if (format === 'jwt') {
        // a JWT access token is not stored by oidc-provider, so it cannot be revoked: it holds until exp
        const { payload } = await jose.jwtVerify(value, publicKey, { issuer, audience: resource, algorithms: [alg] });
        account = payload.account_id;
      } else {
        stored = await provider.ClientCredentials.find(value);
        account = stored && stored.extra ? stored.extra.account_id : null;
      }
    } catch (err) {
      refuse(err.code || 'not a valid token');
      return;
    }
    if (format !== 'jwt' && !stored) {
      refuse('unknown or revoked token');
      return;
    }
    const asked = new URL(req.url, origin).searchParams.get('signicat-accountId');
    if (asked !== null && account !== null && asked !== account) {
      send(403, { title: 'Forbidden.', code: 'forbidden' });
      return;
    }
    // POST creates a session (status CREATED, as Signicat's Authentication REST API answers); GET reads one back
    const id = decodeURIComponent(new URL(req.url, origin).pathname.slice('/auth/rest/sessions/'.length));
    if (req.method === 'GET' && id) {
      const found = sessions.get(id);
      if (found && found.accountId === account) send(200, found);
      else send(404, { title: 'Not found.', code: 'not_found' });
      return;
    }
    const created = { id: `session-${sessions.size + 1}`, accountId: account, status: 'CREATED', tokenFormat: format };
    sessions.set(created.id, created);
    send(201, created);
  }

  server.on('request', (req, res) => {
    if (req.url.startsWith('/auth/open/') || req.url === '/auth/open') {
      req.originalUrl = req.url; // so the URLs it publishes keep the mount path, as under express
      req.url = req.url.slice('/auth/open'.length) || '/';
      callback(req, res);
    } else if (req.url.startsWith('/auth/rest/sessions')) {
      resourceServer(req, res).catch((err) => {
        res.writeHead(500);
        res.end(String(err));
      });
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"title":"Not found."}');
    }
  });
  process.stdout.write(`ready ${origin}/\n`);
});
