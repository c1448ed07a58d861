// A real OpenID provider for Levelfield's single sign-on tests: npm `oidc-provider` (pinned in
// package.json and package-lock.json), started by the Rust integration tests
// (tests/integration/sso.rs) and by Playwright's global set-up on a free 127.0.0.1 port.
//
//   node server.mjs [--port N] [--issuer URL] [--clients JSON] [--accounts JSON]
//   (or PORT, ISSUER, CLIENTS, ACCOUNTS in the environment; --port 0 picks a free port)
//
// It prints `listening <port> <issuer>` on stdout once it answers.
//
// CLIENTS: [{"client_id", "client_secret", "redirect_uris": [...],
//            "post_logout_redirect_uris": [...]}]
// ACCOUNTS: {"<sub>": {"email", "name", "groups": [...], "oid", ...}} (any claims; the key is sub)
//
// Sign-in (development interactions off): /interaction/<uid> shows a small form whose one field
// is the account to sign in as (prefilled with the first account); posting it signs that account
// in, and consent is given at once. No password: this provider exists to be trusted by tests.
//
// Test controls, JSON POSTs under /__admin (this process is for tests only, bound to 127.0.0.1):
//   /__admin/accounts  {"<sub>": {claims}}   add or replace accounts
//   /__admin/rotate    {}                    a new signing key; the old one stays published
//   /__admin/rogue-key {"on": true}         sign the next ID tokens with a key /jwks never
//                                            publishes (as a forger would)
//   /__admin/tamper    {"claims": {...}}     re-sign the next ID tokens with these claims changed
//                                            (with the real signing key): wrong aud, iss, nonce,
//                                            an exp in the past. {"claims": null} stops.
//   /__admin/stats     {}                    {"jwks_requests": n, "token_requests": n}
import http from 'node:http';
import { Provider } from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';

function arg(name, env, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1 && i + 1 < process.argv.length) return process.argv[i + 1];
  return process.env[env] ?? fallback;
}

const port = Number(arg('port', 'PORT', '0'));
const clients = JSON.parse(arg('clients', 'CLIENTS', '[]')).map((c) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...c,
}));
const accounts = new Map(Object.entries(JSON.parse(arg('accounts', 'ACCOUNTS', '{}'))));

// Signing keys, newest first; the first one signs.
const keys = [];
async function newKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = `key-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return jwk;
}

const stats = { jwks_requests: 0, token_requests: 0 };
let rogue = false;
let rogueKey = null;
let tamper = null;
let provider = null;
let handler = null;
let issuer = null;

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function build() {
  const p = new Provider(issuer, {
    clients,
    jwks: { keys },
    cookies: { keys: ['levelfield-test-provider-cookie-key'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      userinfo: { enabled: true },
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'groups', 'oid'],
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    async findAccount(ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { email_verified: true, ...account, sub };
        },
      };
    },
  });
  p.proxy = false;
  // Counts, key hiding and ID-token tampering for the tests.
  p.use(async (ctx, next) => {
    if (ctx.path === '/jwks') stats.jwks_requests += 1;
    if (ctx.path === '/token') stats.token_requests += 1;
    await next();
    if (ctx.path === '/token' && (tamper || rogue) && ctx.body && typeof ctx.body === 'object' && ctx.body.id_token) {
      const claims = { ...decodeJwt(ctx.body.id_token), ...(tamper ?? {}) };
      for (const [k, v] of Object.entries(claims)) if (v === null) delete claims[k];
      const header = decodeProtectedHeader(ctx.body.id_token);
      if (rogue && !rogueKey) rogueKey = { ...(await newKey()), kid: 'rogue-key' };
      const key = rogue ? rogueKey : (keys.find((k) => k.kid === header.kid) ?? keys[0]);
      ctx.body = {
        ...ctx.body,
        id_token: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
          .sign(await importJWK(key, 'RS256')),
      };
    }
  });
  return p;
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, type, text) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(text);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'text/plain', 'interaction mismatch');
  const { prompt, params, session } = details;
  if (prompt.name === 'login' && req.method === 'POST' && action === 'login') {
    const form = new URLSearchParams(await body(req));
    const login = form.get('login') ?? '';
    if (!accounts.has(login)) return send(res, 400, 'text/html', `<p>No account ${escapeHtml(login)}.</p>`);
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }
  if (prompt.name === 'login') {
    const first = params.login_hint && accounts.has(params.login_hint) ? params.login_hint : ([...accounts.keys()][0] ?? '');
    const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test provider: sign in</title></head>
<body><h1>Test identity provider</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="login">Account</label> <input id="login" name="login" value="${escapeHtml(first)}">
<button type="submit">Sign in to the provider</button></form></body></html>`;
    return send(res, 200, 'text/html; charset=utf-8', html);
  }
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return send(res, 501, 'text/plain', `prompt ${prompt.name} not handled`);
}

async function admin(req, res, what) {
  const input = JSON.parse((await body(req)) || '{}');
  switch (what) {
    case 'accounts':
      for (const [sub, claims] of Object.entries(input)) accounts.set(sub, claims);
      break;
    case 'rotate':
      keys.unshift(await newKey());
      provider = build();
      handler = provider.callback();
      break;
    case 'rogue-key':
      rogue = Boolean(input.on);
      break;
    case 'tamper':
      tamper = input.claims ?? null;
      break;
    case 'stats':
      break;
    default:
      return send(res, 404, 'text/plain', 'no such control');
  }
  return send(res, 200, 'application/json', JSON.stringify({ ...stats, kid: keys[0].kid }));
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const inter = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login))?$/);
    if (inter) return await interaction(req, res, inter[1], inter[2]);
    const control = url.pathname.match(/^\/__admin\/([a-z-]+)$/);
    if (control && req.method === 'POST') return await admin(req, res, control[1]);
    return handler(req, res);
  } catch (e) {
    console.error(e);
    if (!res.headersSent) send(res, 500, 'text/plain', String(e?.message ?? e));
  }
});

keys.push(await newKey());
server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  issuer = arg('issuer', 'ISSUER', `http://127.0.0.1:${actual}`);
  provider = build();
  handler = provider.callback();
  console.log(`listening ${actual} ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
