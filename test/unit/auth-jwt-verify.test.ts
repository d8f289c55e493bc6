// The dev server's JWT check for every JWT-based login: its own key, its issuer, unexpired, and
// the audience the method expects (the identity id; Azure: the ARM resource).
import { beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair, SignJWT } from "jose";
import { createMachineIdentity, type MachineIdentity } from "../../src/devserver/login/identity.js";
import { AZURE_AUDIENCE, verifyLoginJwt, type JwtMethod } from "../../src/devserver/login/verify-jwt.js";

let identity: MachineIdentity;
beforeAll(async () => {
  identity = await createMachineIdentity();
});

async function token(opts: { aud?: string; exp?: number; key?: CryptoKey; iss?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: "ES256" }).setIssuer(opts.iss ?? identity.issuer).setSubject("s")
    .setAudience(opts.aud ?? identity.identityId).setIssuedAt(now - 60).setExpirationTime(opts.exp ?? now + 300)
    .sign(opts.key ?? identity.jwtKeys.privateKey);
}

async function outcome(method: JwtMethod, jwt: string): Promise<string> {
  return verifyLoginJwt(identity, method, jwt).then(() => "accepted", (error: Error & { status?: number }) => `${error.status} ${error.message}`);
}

describe.each(["kubernetes", "gcp", "oidc", "jwt", "azure"] as JwtMethod[])("%s", (method) => {
  const aud = () => (method === "azure" ? AZURE_AUDIENCE : identity.identityId);

  it("accepts a token for its audience, signed by the dev server's key", async () => {
    expect(await outcome(method, await token({ aud: aud() }))).toBe("accepted");
  });

  it("refuses expired, wrong audience, wrong issuer and wrong signature with 401", async () => {
    expect(await outcome(method, await token({ aud: aud(), exp: Math.floor(Date.now() / 1000) - 120 }))).toMatch(/^401 .*expired/);
    expect(await outcome(method, await token({ aud: method === "azure" ? identity.identityId : AZURE_AUDIENCE }))).toMatch(/^401 .*"aud"/);
    expect(await outcome(method, await token({ aud: aud(), iss: "https://elsewhere.invalid" }))).toMatch(/^401 .*"iss"/);
    const { privateKey } = await generateKeyPair("ES256");
    expect(await outcome(method, await token({ aud: aud(), key: privateKey }))).toMatch(/^401 .*signature/);
  });
});
