// The dev server's SigV4 check (written from the spec) against a request signed by the client's
// library (@smithy/signature-v4, through certctl's aws-iam login module): the genuine request
// passes; a tampered header, body, date, region, key or session token is refused with 401.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLogin } from "../../src/api/login/aws-iam.js";
import { createMachineIdentity, type MachineIdentity } from "../../src/devserver/login/identity.js";
import { verifyAwsLogin } from "../../src/devserver/login/verify-sigv4.js";
import { HttpError } from "../../src/devserver/http.js";

let identity: MachineIdentity;
let body: Record<string, unknown>;

const decodeHeaders = (b: Record<string, unknown>) => JSON.parse(Buffer.from(b.iamRequestHeaders as string, "base64").toString()) as Record<string, string>;
const encodeHeaders = (h: Record<string, string>) => Buffer.from(JSON.stringify(h)).toString("base64");

async function signedBody(env: Record<string, string>): Promise<Record<string, unknown>> {
  const request = await buildLogin({
    login: { method: "aws-iam", identityId: identity.identityId },
    env: { AWS_REGION: "eu-west-3", ...env },
    timeoutMs: 1000,
  });
  return request.body;
}

function refusal(b: Record<string, unknown>): string {
  try {
    verifyAwsLogin(identity, b);
  } catch (error) {
    if (error instanceof HttpError) return `${error.status} ${error.message}`;
    throw error;
  }
  return "accepted";
}

const AWS_VARS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] as const;
const savedAws = Object.fromEntries(AWS_VARS.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  identity = await createMachineIdentity();
  // The default chain reads credentials from process.env first.
  process.env.AWS_ACCESS_KEY_ID = identity.aws.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = identity.aws.secretAccessKey;
  process.env.AWS_SESSION_TOKEN = identity.aws.sessionToken;
  body = await signedBody({});
});

// Test files share a worker process (vitest.config.ts isolate: false): later files' runs must not inherit these.
afterAll(() => {
  for (const name of AWS_VARS) {
    if (savedAws[name] === undefined) delete process.env[name];
    else process.env[name] = savedAws[name];
  }
});

describe("SigV4 login verification", () => {
  it("accepts the request certctl signed, and the headers Infisical replays are the ones STS needs", () => {
    expect(refusal(body)).toBe("accepted");
    const headers = decodeHeaders(body);
    expect(Object.keys(headers).sort()).toEqual(["Authorization", "Content-Length", "Content-Type", "Host", "X-Amz-Date", "X-Amz-Security-Token"]);
    expect(headers.Host).toBe("sts.eu-west-3.amazonaws.com");
    expect(Buffer.from(body.iamRequestBody as string, "base64").toString()).toBe("Action=GetCallerIdentity&Version=2011-06-15");
  });

  it("refuses a tampered signed header", () => {
    const headers = decodeHeaders(body);
    expect(refusal({ ...body, iamRequestHeaders: encodeHeaders({ ...headers, "Content-Type": "application/json" }) })).toMatch(/^401 .*signature/);
  });

  it("refuses a tampered body", () => {
    const other = Buffer.from("Action=GetCallerIdentity&Version=2011-06-16").toString("base64");
    expect(refusal({ ...body, iamRequestBody: other })).toMatch(/^401 /);
  });

  it("refuses another host, a stale date, an unknown key and a forged session token", () => {
    const headers = decodeHeaders(body);
    expect(refusal({ ...body, iamRequestHeaders: encodeHeaders({ ...headers, Host: "sts.evil.example" }) })).toMatch(/^401 .*STS host/);
    expect(refusal({ ...body, iamRequestHeaders: encodeHeaders({ ...headers, "X-Amz-Date": "20200101T000000Z" }) })).toMatch(/^401 .*expired/);
    const otherKey = headers.Authorization!.replace(identity.aws.accessKeyId, "AKIAOTHER000000000000");
    expect(refusal({ ...body, iamRequestHeaders: encodeHeaders({ ...headers, Authorization: otherKey }) })).toMatch(/^401 .*security token/);
    expect(refusal({ ...body, iamRequestHeaders: encodeHeaders({ ...headers, "X-Amz-Security-Token": "forged" }) })).toMatch(/^401 .*security token/);
  });

  it("refuses a signature made with the wrong secret key", async () => {
    process.env.AWS_SECRET_ACCESS_KEY = "not-the-secret-key-not-the-secret-key-xx";
    try {
      expect(refusal(await signedBody({}))).toMatch(/^401 .*signature/);
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = identity.aws.secretAccessKey;
    }
  });
});
