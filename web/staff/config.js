/**
 * Where the console finds the API and how staff sign in. This file is the local stack's:
 * sign-in through POST /_local/staff-token on the same origin. For a deployed stack,
 * `python -m infra.staff console-config --stack <name>` writes the hosted-UI version
 * (mode "hosted", api, hostedUi, clientId, redirectUri) from the stack's outputs.
 */
export default { mode: "local", api: "" };
