// Synerise's auth without kit: a workspace login, Bearer plus Api-Version, refreshed before it expires.
// Node 20+, built-ins only. Reads SYNERISE_URL and SYNERISE_WORKSPACE_API_KEY (what `kit sandbox serve
// synerise` prints); for a TLS sandbox run it with NODE_EXTRA_CA_CERTS="$SYNERISE_CA_BUNDLE". Makes the
// business call three times, prints each status; exits 1 with Synerise's error on a failure.
const env = process.env;
const URL = env.SYNERISE_URL;
const HEADERS = { "Api-Version": "4.4", "Content-Type": "application/json" }; // fact api-version: on every call
const cached = { token: "", expiresAt: 0, lifetime: 0 }; // the token, when it expires, how long it lives (s)

// Keep the token of a login or refresh answer ({"token": "<JWT>"}); its lifetime is its exp claim (only
// read here: the API checks it).
async function keep(answer, what) {
  if (answer.status !== 200) {
    console.log(`synerise refused the ${what}: ${answer.status} ${(await answer.text()).slice(0, 300)}`);
    process.exit(1);
  }
  const token = (await answer.json()).token;
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url"));
  Object.assign(cached, { token, expiresAt: claims.exp, lifetime: claims.exp - claims.iat });
}

// Fact workspace-login: the workspace API key in the body.
async function login() {
  const body = JSON.stringify({ apiKey: env.SYNERISE_WORKSPACE_API_KEY });
  await keep(await fetch(URL + "uauth/v2/auth/login/profile", { method: "POST", headers: HEADERS, body }), "login");
}

// Fact workspace-refresh: GET with the current, still valid token; a refused refresh logs in again.
async function refresh() {
  const headers = { ...HEADERS, Authorization: `Bearer ${cached.token}` };
  const answer = await fetch(URL + "v4/auth/refresh/profile", { headers });
  if (answer.status === 200) await keep(answer, "refresh");
  else await login();
}

// The token; refreshed when less than 30 s (at most half its life) is left, a new login when refused.
async function token(renew) {
  const early = Math.min(30, cached.lifetime / 2);
  if (renew || !cached.token) await login();
  else if (Date.now() / 1000 >= cached.expiresAt - early) await refresh();
  return cached.token;
}

// Facts token-expired and renew-on-both: a 401 or a 403 whose error says "Token expired.".
async function expired(answer) {
  return (answer.status === 401 || answer.status === 403) && (await answer.text()).includes("Token expired.");
}

async function call(method, path, body) {
  let answer;
  for (const renew of [false, true]) { // once more after an expired token, with a new one
    const headers = { ...HEADERS, Authorization: `Bearer ${await token(renew)}` };
    answer = await fetch(URL + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!(await expired(answer.clone()))) break;
  }
  return answer;
}

for (let i = 0; i < 3; i++) {
  const answer = await call("GET", "v4/business-profile");
  if (answer.status >= 400) {
    console.log(`synerise refused: ${answer.status} ${(await answer.text()).slice(0, 300)}`);
    process.exit(1);
  }
  console.log(answer.status);
}
