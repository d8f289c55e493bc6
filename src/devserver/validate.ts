// Validation of the issue body against the PUBLISHED spec (spec/create-certificate.openapi.yaml,
// shipped with the package), answering 422 issues shaped like the real server's zod errors, and
// the ttl rules a real server applies (as observed on a real Infisical backend).
import { readPackageFile } from "../util/package-root.js";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import formatsModule from "ajv-formats";
import ms from "ms";
import { parse } from "yaml";
import type { CreateCertificateBody } from "../model/types.js";

export interface Issue {
  code: string;
  message: string;
  path: Array<string | number>;
}

const SPEC_FILE = "spec/create-certificate.openapi.yaml";
const MAX_TTL_MS = 100 * 365 * 86_400_000;

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((formatsModule as unknown as { default?: typeof formatsModule }).default ?? formatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

let compiled: ValidateFunction | undefined;

function issueBodyValidator(): ValidateFunction {
  if (compiled) return compiled;
  const spec = parse(readPackageFile(SPEC_FILE)) as {
    paths: Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }>;
  };
  const schema = spec.paths["/api/v1/cert-manager/certificates"]?.post.requestBody.content["application/json"]?.schema;
  if (!schema) throw new Error(`no request body schema for the issue endpoint in ${SPEC_FILE}`);
  // removeAdditional: a real server ignores unknown fields instead of refusing them.
  const ajv = new Ajv({ allErrors: true, strict: false, removeAdditional: true, useDefaults: true });
  addFormats(ajv);
  compiled = ajv.compile(schema);
  return compiled;
}

/** Issues of an issue body; an empty list means it conforms (unknown fields are dropped in place). */
export function validateIssueBody(body: unknown): Issue[] {
  const validate = issueBodyValidator();
  const issues = validate(body) ? [] : toIssues(validate.errors ?? []);
  if (issues.length > 0 || typeof body !== "object" || body === null) return issues;
  return validateValidity((body as CreateCertificateBody).attributes ?? {});
}

/** Refinements the real server's schema adds on top of the published one. */
function validateValidity(attrs: { ttl?: string; notBefore?: string; notAfter?: string }): Issue[] {
  const issues: Issue[] = [];
  const at = (field: string) => ["attributes", field];
  if (attrs.ttl !== undefined) {
    const millis = ms(attrs.ttl as ms.StringValue) as number | undefined;
    if (millis === undefined || !Number.isFinite(millis) || millis <= 0 || millis > MAX_TTL_MS) {
      issues.push({ code: "custom", message: "TTL must be a positive duration within 100 years, e.g. 30d", path: at("ttl") });
    }
    if (attrs.notBefore !== undefined || attrs.notAfter !== undefined) {
      issues.push({ code: "custom", message: "Cannot specify both TTL and notBefore/notAfter", path: ["attributes"] });
    }
  }
  const dates: Record<string, Date> = {};
  for (const field of ["notBefore", "notAfter"] as const) {
    const text = attrs[field];
    if (text === undefined) continue;
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) issues.push({ code: "invalid_string", message: "Invalid datetime", path: at(field) });
    else dates[field] = date;
  }
  if (dates.notBefore && dates.notAfter && dates.notBefore >= dates.notAfter) {
    issues.push({ code: "custom", message: "notBefore must be earlier than notAfter", path: ["attributes"] });
  }
  return issues;
}

function toIssues(errors: ErrorObject[]): Issue[] {
  // With anyOf, ajv reports every branch's failure too; the union itself is the one issue.
  const relevant = errors.filter((error) => !error.schemaPath.includes("/anyOf/"));
  return relevant.map((error) => {
    const path: Array<string | number> = error.instancePath
      .split("/")
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, "/").replace(/~0/g, "~")));
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case "required":
        return { code: "invalid_type", message: "Required", path: [...path, String(params.missingProperty)] };
      case "type":
        return { code: "invalid_type", message: `Expected ${String(params.type)}`, path };
      case "format":
        return { code: "invalid_string", message: `Invalid ${String(params.format)}`, path };
      case "enum":
        return { code: "invalid_enum_value", message: `Invalid enum value. Expected ${(params.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(" | ")}`, path };
      case "minLength":
      case "minimum":
        return { code: "too_small", message: `Must be at least ${String(params.limit)}${error.keyword === "minLength" ? " character(s)" : ""}`, path };
      case "maxLength":
        return { code: "too_big", message: `String must contain at most ${String(params.limit)} character(s)`, path };
      case "anyOf":
        return { code: "invalid_union", message: "Invalid input", path };
      default:
        return { code: "custom", message: error.message ?? "Invalid input", path };
    }
  });
}

export type TtlVerdict = { ok: true; issueMs: number; policyMs: number } | { ok: false };

/**
 * A ttl that passed the schema, read as the real server does: its policy check accepts only
 * `<int>[dhm]` (anything else is a 500) and reads `m` as months, while the issuer reads `m` as minutes.
 */
export function readTtl(ttl: string): TtlVerdict {
  const match = /^(\d+)([dhm])$/.exec(ttl);
  if (!match) return { ok: false };
  const count = Number(match[1]);
  const unit = match[2];
  const DAY = 86_400_000;
  if (unit === "d") return { ok: true, issueMs: count * DAY, policyMs: count * DAY };
  if (unit === "h") return { ok: true, issueMs: count * 3_600_000, policyMs: count * 3_600_000 };
  return { ok: true, issueMs: count * 60_000, policyMs: count * 30 * DAY };
}
