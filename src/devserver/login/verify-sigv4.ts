// AWS IAM Auth the way Infisical checks it, minus the trip to STS: decode the signed
// GetCallerIdentity, recompute its SigV4 signature with the access key the dev server knows, and
// compare. Written out here from the SigV4 specification (not with the client's signing library),
// so a signing bug on the client side cannot agree with itself. Any mismatch answers 401.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { unauthorized, validationFailure } from "../http.js";
import type { MachineIdentity } from "./identity.js";

const BODY = "Action=GetCallerIdentity&Version=2011-06-15";
const MAX_SKEW_MS = 15 * 60_000;

export function verifyAwsLogin(identity: MachineIdentity, body: Record<string, unknown>): string {
  const { iamHttpRequestMethod, iamRequestBody, iamRequestHeaders } = body;
  if (typeof iamRequestBody !== "string" || typeof iamRequestHeaders !== "string" || typeof iamHttpRequestMethod !== "string") {
    throw validationFailure([{ code: "invalid_type", message: "Required", path: ["iamRequestHeaders"] }]);
  }
  const requestBody = Buffer.from(iamRequestBody, "base64").toString("utf8");
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(Buffer.from(iamRequestHeaders, "base64").toString("utf8")) as Record<string, unknown>;
  } catch {
    throw unauthorized("iamRequestHeaders is not base64 JSON");
  }
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(",") : String(value));
  if (iamHttpRequestMethod !== "POST" || requestBody !== BODY) throw unauthorized("not a GetCallerIdentity request");

  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/sts\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(headers.get("authorization") ?? "");
  if (!auth) throw unauthorized("missing or malformed SigV4 Authorization header");
  const [, keyId, day, region, signedList, signature] = auth as unknown as [string, string, string, string, string, string];
  const signed = signedList.split(";");
  const host = headers.get("host");
  if (!signed.includes("host") || !signed.includes("x-amz-date") || (host !== `sts.${region}.amazonaws.com` && host !== "sts.amazonaws.com")) {
    throw unauthorized("the signature does not cover an STS host and date");
  }
  const amzDate = headers.get("x-amz-date") ?? "";
  const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (!Number.isFinite(when) || Math.abs(Date.now() - when) > MAX_SKEW_MS || !amzDate.startsWith(day)) {
    throw unauthorized("Signature expired or X-Amz-Date out of range");
  }
  const { aws } = identity;
  if (keyId !== aws.accessKeyId) throw unauthorized("The security token included in the request is invalid");
  const token = headers.get("x-amz-security-token");
  if (token !== undefined && (token !== aws.sessionToken || !signed.includes("x-amz-security-token"))) {
    throw unauthorized("The security token included in the request is invalid");
  }
  for (const name of signed) if (!headers.has(name)) throw unauthorized(`signed header ${name} is missing`);

  const canonical = [
    "POST", "/", "",
    ...signed.map((name) => `${name}:${(headers.get(name) ?? "").trim().replace(/\s+/g, " ")}`), "",
    signedList, sha256(requestBody),
  ].join("\n");
  const scope = `${day}/${region}/sts/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  let key: Buffer = hmac(`AWS4${aws.secretAccessKey}`, day);
  for (const part of [region, "sts", "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(toSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
    throw unauthorized("The request signature we calculated does not match the signature you provided");
  }
  return aws.arn;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
