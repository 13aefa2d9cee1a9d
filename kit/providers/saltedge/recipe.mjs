// Salt Edge's auth without kit: the app's headers on every request, each request signed (API v3).
// Node 20+, built-ins only. Reads SALTEDGE_URL, SALTEDGE_CLIENT_ID, SALTEDGE_APP_SECRET, and when set
// SALTEDGE_CUSTOMER_SECRET and SALTEDGE_PRIVATE_KEY_PEM (what `kit sandbox serve saltedge` prints); for a TLS
// sandbox run it with NODE_EXTRA_CA_CERTS="$SALTEDGE_CA_BUNDLE". Makes the business call three times, prints
// each status; exits 1 with Salt Edge's error on a failure.
import { createSign } from "node:crypto";

const env = process.env;
const URL = env.SALTEDGE_URL + "api/v3/";
// Fact v3-headers: the app's id and secret on every request.
const APP = { "Client-id": env.SALTEDGE_CLIENT_ID, "App-secret": env.SALTEDGE_APP_SECRET };

// Facts v3-signature, v3-sha1 and expires-60: Signature = base64 of RSA (PKCS#1 v1.5) with SHA-1, v3's digest
// (v4 on: SHA-256), over "Expires-at|METHOD|full URL as sent|body"; Expires-at a minute ahead.
function sign(method, url, body, headers) {
  if (!env.SALTEDGE_PRIVATE_KEY_PEM) return; // fact optional-signature: test and pending clients may send none
  const expires = String(Math.floor(Date.now() / 1000) + 60);
  const signer = createSign("RSA-SHA1").update(`${expires}|${method}|${url}|${body}`);
  Object.assign(headers, { "Expires-at": expires, Signature: signer.sign(env.SALTEDGE_PRIVATE_KEY_PEM, "base64") });
}

// Fact layers-per-endpoint: the app's headers always; the customer's secret where the endpoint acts for a
// customer (fact customer-layer); countries needs the app's alone (fact countries-app-only).
async function call(method, path, body, customer = false) {
  const headers = { Accept: "application/json", "Content-type": "application/json", ...APP };
  if (customer) headers["Customer-secret"] = env.SALTEDGE_CUSTOMER_SECRET;
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
