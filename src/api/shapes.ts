// Minimal checks that a 2xx answer has the fields certctl reads, with the right types, so a
// server (or proxy) that answers something else fails here with the field's name instead of
// as a TypeError three modules later. Optional fields the spec marks nullable are normalised
// to null. Values are never echoed: they may be certificates or keys.
import type {
  CertificateBundle, CertificateMetadata, CertificateRequestStatus, CertificateWithChain, CreateCertificateResponse,
  IssuedCertificate, LoginResponse, RequestStatus, RevokeResponse,
} from "../model/types.js";
import { serverText } from "./errors.js";

/**
 * Text the server chose (message, errorMessage, pendingMessage): redacted and control-escaped here,
 * once, so every consumer — human lines, JSON documents, error messages — gets the safe form.
 */
function saidByServer(o: Json, key: string): string | null {
  const value = nullableString(o, key);
  return value === null ? null : serverText(value);
}

/** A field is missing or has the wrong type; `problem` reads "missing certificateRequestId". */
export class ShapeError extends Error {
  constructor(readonly problem: string) {
    super(problem);
  }
}

type Json = Record<string, unknown>;

export function object(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ShapeError(path ? `${path} is not an object` : "the body is not a JSON object");
  }
  return value as Json;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function string(o: Json, key: string, path = ""): string {
  const value = o[key];
  if (value === undefined || value === null) throw new ShapeError(`missing ${join(path, key)}`);
  if (typeof value !== "string") throw new ShapeError(`${join(path, key)} is not a string`);
  return value;
}

/** A string, or null when absent or null. */
export function nullableString(o: Json, key: string, path = ""): string | null {
  const value = o[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new ShapeError(`${join(path, key)} is not a string`);
  return value;
}

export function parseLogin(body: unknown): Pick<LoginResponse, "accessToken"> & Partial<LoginResponse> {
  const o = object(body, "");
  const accessToken = string(o, "accessToken");
  if (!accessToken) throw new ShapeError("accessToken is empty");
  return { ...o, accessToken };
}

export function parseProfileId(body: unknown): string {
  const profile = object(object(body, "").certificateProfile, "certificateProfile");
  return string(profile, "id", "certificateProfile");
}

function issuedCertificate(o: Json, path: string): IssuedCertificate {
  const issued: IssuedCertificate = {
    certificate: string(o, "certificate", path),
    issuingCaCertificate: nullableString(o, "issuingCaCertificate", path) ?? "",
    certificateChain: nullableString(o, "certificateChain", path) ?? "",
    serialNumber: string(o, "serialNumber", path),
    certificateId: string(o, "certificateId", path),
  };
  const privateKey = nullableString(o, "privateKey", path);
  if (privateKey !== null) issued.privateKey = privateKey;
  return issued;
}

function status(o: Json): RequestStatus | undefined {
  const value = nullableString(o, "status");
  return value === null ? undefined : (value as RequestStatus);
}

export function parseCreate(body: unknown): CreateCertificateResponse {
  const o = object(body, "");
  const certificateRequestId = string(o, "certificateRequestId");
  const cert = o.certificate === null || o.certificate === undefined ? null : issuedCertificate(object(o.certificate, "certificate"), "certificate");
  const result: CreateCertificateResponse = { certificate: cert, certificateRequestId };
  const st = status(o);
  if (st !== undefined) result.status = st;
  if (cert === null && st === undefined) throw new ShapeError("missing both certificate and status");
  const message = saidByServer(o, "message");
  if (message !== null) result.message = message;
  return result;
}

export function parseRequestStatus(body: unknown): CertificateRequestStatus {
  const o = object(body, "");
  return {
    status: string(o, "status") as RequestStatus,
    certificate: nullableString(o, "certificate"),
    certificateId: nullableString(o, "certificateId"),
    privateKey: nullableString(o, "privateKey"),
    serialNumber: nullableString(o, "serialNumber"),
    errorMessage: saidByServer(o, "errorMessage"),
    pendingMessage: saidByServer(o, "pendingMessage"),
    createdAt: nullableString(o, "createdAt") ?? "",
    updatedAt: nullableString(o, "updatedAt") ?? "",
  };
}

export function parseWithChain(body: unknown): CertificateWithChain {
  const o = object(body, "");
  return {
    certificate: string(o, "certificate"),
    certificateChain: nullableString(o, "certificateChain"),
    serialNumber: string(o, "serialNumber"),
  };
}

export function parseBundle(body: unknown): CertificateBundle {
  return { ...parseWithChain(body), privateKey: nullableString(object(body, ""), "privateKey") };
}

export function parseMetadata(body: unknown): CertificateMetadata {
  const cert = object(object(body, "").certificate, "certificate");
  for (const key of ["id", "status", "serialNumber", "notAfter"]) string(cert, key, "certificate");
  return { certificate: cert as CertificateMetadata["certificate"] };
}

/**
 * A renewal answers like a create: the certificate fields at the top level once issued, or (under
 * an approval policy or an external CA) a status and null certificate fields. Absent stays absent.
 */
export function parseRenew(body: unknown): CreateCertificateResponse {
  const o = object(body, "");
  const certificateRequestId = string(o, "certificateRequestId");
  const st = status(o);
  const issued = o.certificate !== null && o.certificate !== undefined;
  if (!issued && st === undefined) throw new ShapeError("missing both certificate and status");
  const result: CreateCertificateResponse = { certificate: issued ? issuedCertificate(o, "") : null, certificateRequestId };
  if (st !== undefined) result.status = st;
  const message = saidByServer(o, "message");
  if (message !== null) result.message = message;
  return result;
}

/** The revocation already happened when this answer arrives; its fields are informational. */
export function parseRevoke(body: unknown): RevokeResponse {
  const o = object(body, "");
  return {
    message: saidByServer(o, "message") ?? "",
    serialNumber: nullableString(o, "serialNumber") ?? "",
    revokedAt: nullableString(o, "revokedAt") ?? "",
  };
}

/** The private-key endpoint answers the PEM as plain text (a JSON string is tolerated too). */
export function parsePrivateKeyText(text: string): string {
  let pem = text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "string") pem = parsed;
    else if (typeof parsed === "object" && parsed !== null && typeof (parsed as Json).privateKey === "string") {
      pem = (parsed as Json).privateKey as string;
    }
  } catch {
    // plain text, as the real server sends it
  }
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) throw new ShapeError("the body is not a PEM private key");
  return pem.trim() + "\n";
}
