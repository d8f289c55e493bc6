// --renew-before → the due rule core decides with (core/renew/due.ts speaks only of margins).
import { parseDuration } from "../../model/duration.js";
import type { RenewBefore } from "../../core/renew/due.js";
import { invalidValue } from "../shared/wording.js";

/** `30d`, `12h`, `2w` (a time before expiry) or `25%` (of the lifetime); absent: the default rule. */
export function parseRenewBefore(value: string | undefined, flag = "--renew-before"): RenewBefore {
  if (value === undefined) return { kind: "default" };
  const text = value.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) {
    const fraction = Number(percent[1]) / 100;
    if (!(fraction > 0 && fraction < 1)) throw invalidValue(flag, value, "a percentage must be between 0% and 100% (exclusive), e.g. 25%");
    return { kind: "fraction", fraction };
  }
  try {
    return { kind: "duration", ms: parseDuration(flag, text) };
  } catch {
    throw invalidValue(flag, value, "expected a duration before expiry such as 30d, 12h, 2w, or a share of the lifetime such as 25%");
  }
}
