// AWS IAM Auth: a SigV4-signed sts:GetCallerIdentity that Infisical replays to STS to learn who
// we are. Credentials come from the AWS SDK's default chain (environment, shared files, SSO,
// web identity, ECS, IMDSv2 — AWS_EC2_METADATA_SERVICE_ENDPOINT points IMDS elsewhere), signed
// by @smithy/signature-v4 with node's own SHA-256. The region is AWS_REGION /
// AWS_DEFAULT_REGION, else the instance's, read from IMDSv2.
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { AuthError } from "../../model/errors.js";
import { callService } from "./fetch-json.js";
import type { LoginBuilder, LoginContext } from "./methods.js";

const BODY = "Action=GetCallerIdentity&Version=2011-06-15";

export const buildLogin: LoginBuilder = async (ctx) => {
  const credentials = await loadCredentials(ctx);
  const region = ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || (await imdsRegion(ctx));
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new AuthError(`AWS IAM Auth: '${region}' is not an AWS region (AWS_REGION)`);
  const host = `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({ credentials, region, service: "sts", sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.sign({
    method: "POST", protocol: "https:", hostname: host, path: "/", query: {},
    headers: {
      host,
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "content-length": String(Buffer.byteLength(BODY)),
    },
    body: BODY,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[canonicalName(name)] = value;
  ctx.debug?.(`AWS IAM Auth: signed GetCallerIdentity for ${host} with access key ${credentials.accessKeyId.slice(0, 8)}…`);
  const org = ctx.login.organizationSlug ? { organizationSlug: ctx.login.organizationSlug } : {};
  return {
    path: "/v1/auth/aws-auth/login",
    body: {
      identityId: ctx.login.identityId,
      iamHttpRequestMethod: "POST",
      iamRequestBody: Buffer.from(BODY).toString("base64"),
      iamRequestHeaders: Buffer.from(JSON.stringify(headers)).toString("base64"),
      ...org,
    },
    secrets: [credentials.secretAccessKey, ...(credentials.sessionToken ? [credentials.sessionToken] : []), headers.Authorization ?? ""],
  };
};

async function loadCredentials(ctx: LoginContext) {
  try {
    // The chain's IMDS step: one try, bounded like every other metadata call.
    return await defaultProvider({ timeout: ctx.timeoutMs, maxRetries: 0 })();
  } catch (error) {
    throw new AuthError(`AWS IAM Auth: no AWS credentials found (${(error as Error).message.split("\n")[0]})`, {
      hint: "Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or run on an instance with a role " +
        "(AWS_EC2_METADATA_SERVICE_ENDPOINT points IMDS elsewhere).",
    });
  }
}

async function imdsRegion(ctx: LoginContext): Promise<string> {
  const base = (ctx.env.AWS_EC2_METADATA_SERVICE_ENDPOINT || "http://169.254.169.254").replace(/\/+$/, "");
  const service = "the EC2 instance metadata service (for the region; or set AWS_REGION)";
  const token = await callService(ctx, {
    service, url: `${base}/latest/api/token`, method: "PUT",
    headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" }, override: "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  });
  const region = await callService(ctx, {
    service, url: `${base}/latest/meta-data/placement/region`,
    headers: { "x-aws-ec2-metadata-token": token.trim() }, override: "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  });
  return region.trim();
}

/** The spelling the official SDKs send (Infisical replays the headers as given). */
function canonicalName(name: string): string {
  return name.toLowerCase().startsWith("x-amz-")
    ? name.split("-").map((part, i) => (i === 0 ? "X" : part === "amz" ? "Amz" : part[0]!.toUpperCase() + part.slice(1))).join("-")
    : name.split("-").map((part) => part[0]!.toUpperCase() + part.slice(1)).join("-");
}

/** SigV4's hash seam over node:crypto: a plain SHA-256, or an HMAC when given a key. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }
  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    // Never called by the signer; a SigV4 hash is used once.
  }
}

function toBuffer(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
