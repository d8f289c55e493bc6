// The ceiling for the fleet measurement: the least a Node script can do to renew a fleet —
// read the certificate ids from a state file, log in once, POST /{id}/renew for each with one
// CSR made by openssl beforehand (no key generation, no CSR building, no verification, no
// locks, no certificate files), `concurrency` at a time, and write the new ids back. What this
// client gains from concurrency is what any client can gain on this machine.
//   node minimal-renew.mjs <url> <state.json> <concurrency>
// state.json: {"csr": "<PEM>", "ids": ["<certificateId>", …]}
import { readFileSync, writeFileSync } from "node:fs";

const [url, stateFile, concurrency] = process.argv.slice(2);
const state = JSON.parse(readFileSync(stateFile, "utf8"));
const { accessToken } = await fetch(`${url}/api/v1/auth/universal-auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ clientId: process.env.INFISICAL_UNIVERSAL_AUTH_CLIENT_ID, clientSecret: process.env.INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET }),
}).then((r) => r.json());

const ids = [...state.ids];
let next = 0;
async function worker() {
  while (next < ids.length) {
    const i = next++;
    const res = await fetch(`${url}/api/v1/cert-manager/certificates/${ids[i]}/renew`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ renewalKeySource: "csr", csr: state.csr }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`renew ${ids[i]}: ${res.status} ${JSON.stringify(body)}`);
    ids[i] = body.certificateId;
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
writeFileSync(stateFile, JSON.stringify({ ...state, ids }));
