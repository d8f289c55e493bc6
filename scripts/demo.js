#!/usr/bin/env node
// npm run demo: start the built-in dev server on a free loopback port, issue a certificate
// into ./demo-certs with `certctl issue`, show it, and stop the server. No account needed.
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/certctl.js", import.meta.url));
const outDir = process.argv[2] ?? "demo-certs";

const server = spawn(process.execPath, [bin, "dev-server", "--port", "0", "--json"], { stdio: ["ignore", "pipe", "inherit"] });
const info = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("dev server did not start within 15 s")), 15_000);
  server.on("exit", (code) => reject(new Error(`dev server exited with ${code}`)));
  createInterface({ input: server.stdout }).once("line", (line) => {
    clearTimeout(timer);
    resolve(JSON.parse(line));
  });
});

console.log(`dev server: ${info.url} (profile ${info.profileId})\n`);
const env = {
  ...process.env,
  INFISICAL_DOMAIN: info.url,
  INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: info.clientId,
  INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: info.clientSecret,
};
const args = ["issue", "--profile", info.profileId, "--cn", "demo.localhost", "--dns", "demo.localhost",
  "--ip", "127.0.0.1", "--key-usage", "digital_signature", "--ext-key-usage", "server_auth", "--ttl", "30d", "--out-dir", outDir, "--force"];
console.log(`$ certctl ${args.join(" ")}`);
const issue = spawnSync(process.execPath, [bin, ...args], { stdio: "inherit", env });
if (issue.status === 0) {
  console.log(`\n$ certctl inspect ${outDir}/fullchain.pem`);
  spawnSync(process.execPath, [bin, "inspect", `${outDir}/fullchain.pem`], { stdio: "inherit", env });
  console.log(`\nFiles are in ${outDir} (cert.pem, chain.pem, fullchain.pem, ca.pem, key.pem, certctl.json).`);
}
server.kill("SIGTERM");
process.exitCode = issue.status ?? 1;
