// The flags that stand for each input core names in its messages (src/core/input-names.ts).
import type { InputNames } from "../../core/input-names.js";

export const FLAG_NAMES: InputNames = {
  key: "--key",
  csr: "--csr",
  keyPassword: "--key-password-file",
  p12Password: "--p12-password-file",
  p12EmptyPassword: "--p12-empty-password",
  signatureAlgorithm: "--signature-algorithm",
  force: "--force",
  serverKeygen: "--server-keygen",
};
