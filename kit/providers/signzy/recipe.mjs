// Signzy's auth without kit: a channel login, its token raw in Authorization, logout when done.
// Node 20+, built-ins only. Reads SIGNZY_URL, SIGNZY_USERNAME and SIGNZY_PASSWORD (what `kit sandbox serve
// signzy` prints); for a TLS sandbox run it with NODE_EXTRA_CA_CERTS="$SIGNZY_CA_BUNDLE". Makes the business
// call three times, prints each status, logs out; exits 1 with Signzy's error on a failure.
const env = process.env;
const URL = env.SIGNZY_URL;
const session = { token: "", user: "" }; // the login's id (the access token) and the channel's id

// Fact channel-login: POST the username and password; the answer's id is the token, userId the channel.
async function login() {
  const body = JSON.stringify({ username: env.SIGNZY_USERNAME, password: env.SIGNZY_PASSWORD });
  const headers = { "Content-Type": "application/json" };
  const answer = await fetch(URL + "api/channels/login", { method: "POST", headers, body });
  if (answer.status !== 200) {
    console.log(`signzy refused the login: ${answer.status} ${(await answer.text()).slice(0, 300)}`);
    process.exit(1);
  }
  const { id, userId } = await answer.json();
  Object.assign(session, { token: id, user: userId });
}

// LoopBack's error code: {"error": {"code": ...}}.
async function code(answer) {
  const body = await answer.json().catch(() => null);
  return body?.error?.code ?? "";
}

// Fact raw-header: the token as it is, no scheme word. Fact invalid-token: INVALID_TOKEN says it expired, so
// log in again once; AUTHORIZATION_REQUIRED is a refusal a new login does not change.
async function call(method, path) {
  let answer;
  for (const attempt of [1, 2]) {
    if (!session.token || attempt === 2) await login();
    answer = await fetch(URL + path, { method, headers: { Authorization: session.token } });
    if ((await code(answer.clone())) !== "INVALID_TOKEN") break;
  }
  return answer;
}

// Fact channel-logout: POST logout with the token (204); the token stops working.
async function logout() {
  await fetch(URL + "api/channels/logout", { method: "POST", headers: { Authorization: session.token } });
}

await login();
try {
  for (let i = 0; i < 3; i++) {
    const answer = await call("GET", `api/channels/${session.user}`);
    if (answer.status >= 400) {
      console.log(`signzy refused: ${answer.status} ${(await answer.text()).slice(0, 300)}`);
      process.exitCode = 1;
      break;
    }
    console.log(answer.status);
  }
} finally {
  await logout();
}
