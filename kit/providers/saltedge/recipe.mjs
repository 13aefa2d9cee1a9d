// Salt Edge's auth without kit: the app's headers on every request, each request signed (API v6).
// Node 20+, built-ins only. Reads SALTEDGE_URL, SALTEDGE_CLIENT_ID (your App-id), SALTEDGE_APP_SECRET, and when
// set SALTEDGE_PRIVATE_KEY_PEM (what `kit sandbox serve saltedge` prints); for a TLS
// sandbox run it with NODE_EXTRA_CA_CERTS="$SALTEDGE_CA_BUNDLE". Makes the business call three times, prints
// each status; exits 1 with Salt Edge's error on a failure.
import { createSign } from "node:crypto";

const env = process.env;
const URL = env.SALTEDGE_URL + "api/v6/";
// Fact v6-headers: the app's id and secret on every request, and nothing else.
const APP = { "App-id": env.SALTEDGE_CLIENT_ID, Secret: env.SALTEDGE_APP_SECRET };

// Facts signature-string and expires-60: Signature = base64 of RSA (PKCS#1 v1.5) with SHA-256 (v3 signed with
// SHA-1), over "Expires-at|METHOD|full URL as sent|body"; Expires-at a minute ahead.
function sign(method, url, body, headers) {
  if (!env.SALTEDGE_PRIVATE_KEY_PEM) return; // fact optional-signature: test and pending clients may send none
  const expires = String(Math.floor(Date.now() / 1000) + 60);
  const signer = createSign("RSA-SHA256").update(`${expires}|${method}|${url}|${body}`);
  Object.assign(headers, { "Expires-at": expires, Signature: signer.sign(env.SALTEDGE_PRIVATE_KEY_PEM, "base64") });
}

// The app's headers on every call (fact countries-app-only); a customer is named by customer_id in the body
// (fact v6-connect: call("POST", "connections/connect", { customer_id })).
async function call(method, path, body) {
  const headers = { Accept: "application/json", "Content-type": "application/json", ...APP };
  const text = body === undefined ? "" : JSON.stringify({ data: body }); // requests are {"data": {...}}
  const url = new globalThis.URL(URL + path).href; // the URL exactly as fetch will send it
  sign(method, url, text, headers);
  return fetch(url, { method, headers, body: text || undefined });
}

for (let i = 0; i < 3; i++) {
  const answer = await call("GET", "countries");
  if (answer.status >= 400) {
    console.log(`salt edge refused: ${answer.status} ${(await answer.text()).slice(0, 300)}`);
    process.exit(1);
  }
  console.log(answer.status);
}
