#!/usr/bin/env node
// How long a --random-delay a fleet of agents needs so that its checks stay under a server's
// per-IP write limit: the table in the README ("Fleets and rate limits"), computed, not guessed.
//
// Model: N hosts share one egress IP (a NAT, a cluster's egress gateway), each check of a host
// sends w writes (the login and its renewals) at once, at a moment drawn uniformly over a
// window of D minutes (--random-delay D). Infisical counts writes in fixed one-minute windows,
// so the writes of one window follow a binomial law: Binomial(N, 1/D) hosts × w. The smallest
// whole D is listed for which the chance that ANY of the D minutes goes over the limit is below
// 1 % (a union bound over the minutes: D · P(Binomial(N, 1/D) > ⌊limit / w⌋) < 0.01).
// Past that, certctl's shared 429 pause absorbs the rest: a refused run waits and finishes.
//   node scripts/random-delay-table.js            # prints the markdown table
import { pathToFileURL } from "node:url";

const RISK = 0.01;
const FLEETS = [10, 100, 500, 1000, 2500];
const LIMITS = [{ name: "free", writes: 90 }, { name: "pro", writes: 200 }];
const WRITES_PER_CHECK = [2, 5];

/** P(X > k) for X ~ Binomial(n, p), summed in log space so that n = 2500 stays exact enough. */
export function binomialTail(n, p, k) {
  if (k >= n) return 0;
  if (k < 0) return 1;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let logC = 0; // log C(n, 0)
  let below = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log((n - i + 1) / i);
    below += Math.exp(logC + i * logP + (n - i) * logQ);
  }
  return Math.max(0, 1 - below);
}

/** Smallest whole number of minutes D with D · P(Binomial(hosts, 1/D) · w > limit) < RISK. */
export function minimumDelayMinutes(hosts, writesPerCheck, limitPerMinute) {
  const hostsPerMinute = Math.floor(limitPerMinute / writesPerCheck);
  for (let minutes = 1; minutes <= 24 * 60; minutes++) {
    const risk = minutes === 1 ? (hosts > hostsPerMinute ? 1 : 0) : minutes * binomialTail(hosts, 1 / minutes, hostsPerMinute);
    if (risk < RISK) return minutes;
  }
  return Infinity;
}

export function table() {
  const lines = [
    "| hosts behind one IP | writes per check | limit (writes/min per IP) | smallest `--random-delay` | average load |",
    "|---:|---:|---|---:|---:|",
  ];
  for (const { name, writes } of LIMITS) {
    for (const w of WRITES_PER_CHECK) {
      for (const hosts of FLEETS) {
        const minutes = minimumDelayMinutes(hosts, w, writes);
        const load = Math.round((hosts * w) / minutes);
        lines.push(`| ${hosts} | ${w} | ${writes} (${name}) | ${minutes === 1 ? "0 (fits in a minute)" : `${minutes}m`} | ${load}/min |`);
      }
    }
  }
  return lines.join("\n") + "\n";
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.stdout.write(table());
