// Signicat's auth without kit: an OAuth2 client-credentials token, cached, renewed early, retried once.
// Node 20+, built-ins only. Reads SIGNICAT_URL, SIGNICAT_CLIENT_ID, SIGNICAT_CLIENT_SECRET, and when set
// SIGNICAT_ACCOUNT_ID, SIGNICAT_AUTH_METHOD (client_secret_basic or client_secret_post), SIGNICAT_SCOPE (what
// `kit sandbox serve signicat` prints); for a TLS sandbox run it with NODE_EXTRA_CA_CERTS="$SIGNICAT_CA_BUNDLE".
// Makes the business call three times, prints each status; exits 1 with Signicat's error on a failure.
const env = process.env;
const URL = env.SIGNICAT_URL;
const METHOD = env.SIGNICAT_AUTH_METHOD || "client_secret_basic"; // fact client-auth
const SCOPE = env.SIGNICAT_SCOPE || "signicat-api"; // fact scope
const cached = { token: "", expiresAt: 0, lifetime: 0 }; // the token, when it expires (ms), how long it lived (ms)

// RFC 6749 2.3.1: each part of a Basic client credential is form-encoded first.
const formEncoded = (text) => new URLSearchParams({ x: text }).toString().slice(2);

// Fact token-endpoint: POST the form; the client authenticates in Basic or in the form.
async function fetchToken() {
  const form = new URLSearchParams({ grant_type: "client_credentials", scope: SCOPE });
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  if (METHOD === "client_secret_post") {
    form.set("client_id", env.SIGNICAT_CLIENT_ID);
    form.set("client_secret", env.SIGNICAT_CLIENT_SECRET);
  } else {
    const pair = `${formEncoded(env.SIGNICAT_CLIENT_ID)}:${formEncoded(env.SIGNICAT_CLIENT_SECRET)}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
  }
  const answer = await fetch(URL + "auth/open/connect/token", { method: "POST", headers, body: form });
  if (answer.status !== 200) {
    console.log(`signicat refused the token request: ${answer.status} ${(await answer.text()).slice(0, 300)}`);
    process.exit(1);
  }
  const body = await answer.json();
  const lifetime = body.expires_in * 1000; // fact lifetime
  Object.assign(cached, { token: body.access_token, expiresAt: Date.now() + lifetime, lifetime });
}

// The cached token; a new one when there is none, when it was refused, or when it is about to expire
// (fact renew-early: renewed 30 s early, never more than half a lifetime early).
async function token(renew) {
  const early = Math.min(30_000, cached.lifetime / 2);
  if (renew || !cached.token || Date.now() >= cached.expiresAt - early) await fetchToken();
  return cached.token;
}

// Fact account-id: the SDK sends the token's account_id claim as signicat-accountId (an opaque token has
// none: then SIGNICAT_ACCOUNT_ID, if set). The claim is only read here, never trusted.
function accountOf(value) {
  const parts = value.split(".");
  if (parts.length !== 3) return env.SIGNICAT_ACCOUNT_ID;
  try {
    return JSON.parse(Buffer.from(parts[1], "base64url")).account_id || env.SIGNICAT_ACCOUNT_ID;
  } catch {
    return env.SIGNICAT_ACCOUNT_ID;
  }
}

// The call with the token; after a 401 (fact invalid-token), once more with a fresh token.
async function call(method, path, body) {
  let answer;
  for (const renew of [false, true]) {
    const value = await token(renew);
    const account = accountOf(value);
    const query = account ? `?${new URLSearchParams({ "signicat-accountId": account })}` : "";
    const headers = { Authorization: `Bearer ${value}`, "Content-Type": "application/json" };
    answer = await fetch(URL + path + query, { method, headers, body: JSON.stringify(body) });
    if (answer.status !== 401) break;
  }
  return answer;
}

for (let i = 0; i < 3; i++) {
  const answer = await call("POST", "auth/rest/sessions", {});
  if (answer.status >= 400) {
    console.log(`signicat refused: ${answer.status} ${(await answer.text()).slice(0, 300)}`);
    process.exit(1);
  }
  console.log(answer.status);
}
