// What `certctl issue` and `certctl status` show while they work: each IssueProgress event from
// the core becomes one step of the spinner (or one plain line), and a wait shows its status, the
// time spent waiting so far and the server's pendingMessage.
import type { IssueProgress } from "../core/request/record.js";
import type { Progress, ProgressStep } from "./progress.js";

const WAITING_FOR: Record<string, string> = {
  pending_approval: "Waiting for approval",
  pending_validation: "Waiting for validation",
  pending: "Waiting for the CA",
};

/** The step an event reads as. `since` is when this request started waiting (for the elapsed time). */
export function progressStep(event: IssueProgress, since?: number): ProgressStep {
  switch (event.kind) {
    case "generating-key":
      // RSA 4096 takes seconds: the elapsed time shows it is working, not stuck.
      return { text: `Generating the ${event.keyAlgorithm} key locally`, since };
    case "requesting":
      return { text: `Requesting the certificate from ${event.host}` };
    case "pending":
      if (!event.waiting) {
        return { text: `Request ${event.requestId} is ${event.status}; not waiting`, detail: event.pendingMessage };
      }
      return {
        // The request id is what an approver looks for: always on the line.
        text: `${WAITING_FOR[event.status] ?? "Waiting"} (${event.status}, request ${event.requestId})`,
        since,
        ...(event.pendingMessage ? { detail: event.pendingMessage } : {}),
      };
    case "writing":
      // With --csr certctl holds no key: only the certificate's public key and the chain were checked.
      return { text: event.mode === "csr" ? "Verified the certificate against the CSR and the chain; writing files" : "Verified key and chain; writing files" };
  }
}

export interface IssueProgressView {
  onProgress(event: IssueProgress): void;
  /** For the API client: a Universal Auth login is starting; the returned function ends it. */
  onLogin(host: string): () => void;
}

export function trackIssueProgress(progress: Progress, now: () => number = Date.now): IssueProgressView {
  let waiting: { requestId: string; since: number; message: string | null } | undefined;
  let current: { event: IssueProgress; step: ProgressStep } | undefined;
  const show = (input: IssueProgress) => {
    let event = input;
    let since: number | undefined;
    if (event.kind === "pending") {
      if (waiting?.requestId !== event.requestId) waiting = { requestId: event.requestId, since: now(), message: null };
      // The create answer carries a message that later polls may not repeat: keep showing it.
      if (event.pendingMessage) waiting.message = event.pendingMessage;
      else event = { ...event, pendingMessage: waiting.message };
      since = waiting.since;
    } else if (event.kind === "generating-key") {
      since = now();
    }
    const step = progressStep(event, since);
    current = { event, step };
    progress.update(step);
  };
  return {
    onProgress: show,
    onLogin(host) {
      progress.update({ text: `Logging in to ${host}` });
      return () => {
        // A login made on the way to a request goes back to saying so; one made before
        // anything was sent just ends.
        if (current?.event.kind === "requesting") progress.update(current.step, { redraw: true });
        else progress.update({ text: `Logged in to ${host}` });
      };
    },
  };
}
