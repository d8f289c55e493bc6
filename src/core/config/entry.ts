// One certificate of a declarative file once every field is checked: the same typed IssueParams
// `certctl issue` builds from its flags, plus what apply adds (renew rule, hooks, lookups).
import type { IssueParams } from "../request/issue.js";
import type { RenewBefore } from "../renew/due.js";

export interface ApplyEntry {
  name: string;
  /** Position in the file, for messages (`certificates[2]`). */
  index: number;
  /** Absolute directory holding certctl.json. */
  dir: string;
  /** What `certctl issue` would be given; with certificateId only outDir/files/ownership matter. */
  params: IssueParams & { keyMode?: number; owner?: number; group?: number };
  renewBefore: RenewBefore;
  /** An existing certificate to fetch and follow instead of requesting one. */
  certificateId?: string;
  /** The agent's name forms, resolved through the server when the entry is acted on. */
  projectSlug?: string;
  applicationName?: string;
  deployHook?: string;
  failureHook?: string;
  hookTimeoutMs: number;
}
