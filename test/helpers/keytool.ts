// keytool, Java's reader of keystores, as the tests run it: asynchronously (a JVM start must not
// stall the in-process runs and dev servers beside it) and with the JIT held to its first tier:
// a listing is over long before the optimising compiler would pay off, and C2 plus the parallel
// GC's threads were a third of each run's ~0.9 s of CPU.
import { execFile } from "node:child_process";

const JVM = ["-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"];

export interface KeytoolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `keytool <args>`; extra environment (e.g. a -storepass:env variable) on top of the test's. */
export function keytool(args: string[], env: Record<string, string> = {}): Promise<KeytoolResult> {
  return new Promise((resolve, reject) => {
    execFile("keytool", [...JVM, ...args], { encoding: "utf8", env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      if (code === null) reject(error);
      else resolve({ code, stdout, stderr });
    });
  });
}
