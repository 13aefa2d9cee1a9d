// Pliance's auth without kit: a fresh HS256 JWT per request, as the official SDKs mint it.
// Node 20+, built-ins only. Reads PLIANCE_URL, PLIANCE_SECRET, PLIANCE_ISSUER, PLIANCE_GIVEN_NAME,
// PLIANCE_SUBJECT and PLIANCE_TENANT when set (what `kit sandbox serve pliance` prints); for a TLS sandbox
// run it with NODE_EXTRA_CA_CERTS="$PLIANCE_CA_BUNDLE". Makes the business call three times, prints each
// status; exits 1 with Pliance's message on a failure.
import { createHmac } from "node:crypto";

const env = process.env;
const URL = env.PLIANCE_URL;
const LIFETIME = 300; // fact sdk-lifetime: the SDKs set exp = now + 300; the server sets none

const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

// Fact bearer-jwt: header exactly {"typ":"JWT","alg":"HS256"}; fact utf8-key: the secret's UTF-8 bytes.
function token() {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iat: now, // fact mint-per-request: iat = nbf = now
    nbf: now,
    exp: now + LIFETIME,
    aud: "pliance.io", // fact audience
    iss: env.PLIANCE_ISSUER, // fact issuer: your company id
    given_name: env.PLIANCE_GIVEN_NAME, // fact log-claims: shown in Pliance's logs
    sub: env.PLIANCE_SUBJECT,
  };
  const signed = `${part({ typ: "JWT", alg: "HS256" })}.${part(claims)}`;
  const signature = createHmac("sha256", Buffer.from(env.PLIANCE_SECRET, "utf8")).update(signed).digest("base64url");
  return `${signed}.${signature}`;
}

async function call(method, path, body) {
  const headers = { Authorization: `Bearer ${token()}` }; // a new token for every request
  if (env.PLIANCE_TENANT) headers["X-Tenant"] = env.PLIANCE_TENANT; // fact tenant-header
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(URL + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

// Fact envelope: a failure is a 4xx/5xx, or a 200 whose envelope says success: false.
async function failed(answer) {
  const envelope = await answer.json().catch(() => null);
  return answer.status >= 400 || envelope?.success === false;
}

for (let i = 0; i < 3; i++) {
  const answer = await call("GET", "api/Ping");
  if (await failed(answer.clone())) {
    console.log(`pliance refused: ${answer.status} ${(await answer.text()).slice(0, 300)}`);
    process.exit(1);
  }
  console.log(answer.status);
}
