// Verifies JWTs with npm `jose`, an implementation independent of PyJWT (tests/test_conformance_jose.py).
// Reads one JSON array on stdin: [{token, algorithms, jwks | secret | spki, issuer?, audience?}, ...];
// writes one JSON array: [{ok: true, header, payload} | {ok: false, code, message}, ...].
import * as jose from 'jose';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const item of JSON.parse(input)) {
  try {
    let key;
    if (item.jwks) key = jose.createLocalJWKSet(item.jwks);
    else if (item.spki) key = await jose.importSPKI(item.spki, item.algorithms[0]);
    else key = new TextEncoder().encode(item.secret);
    const options = { algorithms: item.algorithms };
    if (item.issuer) options.issuer = item.issuer;
    if (item.audience) options.audience = item.audience;
    const { payload, protectedHeader } = await jose.jwtVerify(item.token, key, options);
    results.push({ ok: true, header: protectedHeader, payload });
  } catch (err) {
    results.push({ ok: false, code: err.code || err.name, message: err.message });
  }
}
process.stdout.write(JSON.stringify(results));
