/**
 * Staff sign-in. Locally (config mode "local") the stack hands out an ID token for a demo
 * account at POST /_local/staff-token. Deployed (mode "hosted") staff sign in on the user
 * pool's hosted UI with the authorization-code flow and PKCE; the ID token is kept in
 * sessionStorage (gone when the tab closes) and sent as `Authorization: Bearer …`.
 */
import config from "./config.js";

const TOKEN_KEY = "clinic-staff-token";
const PKCE_KEY = "clinic-staff-pkce";
const EXPIRY_MARGIN_MS = 30_000;

/** The claims of a JWT (display only: the API verifies the signature). */
export function claimsOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** The signed-in user ({token, username, groups}) or null when absent or expired. */
export function currentUser() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const claims = token && claimsOf(token);
  if (!claims || claims.exp * 1000 < Date.now() + EXPIRY_MARGIN_MS) {
    sessionStorage.removeItem(TOKEN_KEY);
    return null;
  }
  const groups = claims["cognito:groups"] || [];
  return { token, username: claims["cognito:username"] || claims.sub, groups };
}

/** Local stack only: a token for a demo account. Resolves to true on success. */
export async function localSignIn(username) {
  const response = await fetch(`${config.api}/_local/staff-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) return false;
  const body = await response.json();
  sessionStorage.setItem(TOKEN_KEY, body.token);
  return true;
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function randomText(length = 48) {
  return base64url(crypto.getRandomValues(new Uint8Array(length)));
}

/** Deployed: go to the hosted UI (authorization code with PKCE). */
export async function hostedSignIn() {
  const verifier = randomText();
  const state = randomText(16);
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: "openid email profile",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
  });
  location.assign(`${config.hostedUi}/oauth2/authorize?${query}`);
}

/** Deployed: back from the hosted UI with ?code=…&state=…: trade the code for tokens. */
export async function completeHostedSignIn() {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  if (config.mode !== "hosted" || !code) return;
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || "{}");
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, "", location.pathname);
  if (!saved.verifier || saved.state !== params.get("state")) return;
  const response = await fetch(`${config.hostedUi}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.clientId,
      code,
      redirect_uri: config.redirectUri,
      code_verifier: saved.verifier,
    }),
  });
  if (response.ok) sessionStorage.setItem(TOKEN_KEY, (await response.json()).id_token);
}

/** Forget the token (and, deployed, end the hosted-UI session too). */
export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  if (config.mode === "hosted") {
    const query = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri });
    location.assign(`${config.hostedUi}/logout?${query}`);
  }
}
