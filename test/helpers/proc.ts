// What the kernel knows about a child process (Linux /proc): the port it listens on. For a
// server started with --port 0 that prints nothing (--quiet): reading the port it really bound
// avoids probing for a free port and handing it over, which races with every other listener.
import type { ChildProcess } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { until } from "./wait.js";

/** The TCP port `child` listens on, once it does; throws with `why()` if it exits first. */
export async function listeningPort(child: ChildProcess, why: () => string): Promise<number> {
  return until("the child to listen", () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(why());
    return listening(child.pid!);
  });
}

function listening(pid: number): number | undefined {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = safeReadlink(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target ?? "")?.[1];
      if (inode) inodes.add(inode);
    }
  } catch {
    return undefined;
  }
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, column 9 is the socket's inode.
      if (cols[3] === "0A" && inodes.has(cols[9] ?? "")) return parseInt(cols[1]!.split(":")[1]!, 16);
    }
  }
  return undefined;
}

function safeReadlink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
