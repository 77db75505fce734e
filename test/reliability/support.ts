import * as fs from "node:fs";
import * as path from "node:path";
import type { RawRecord } from "../../src/emulator";
import { repoRoot } from "../harness";
import type { ProviderHost } from "../harness";

/** Where reliability tests write what they measured (the docs quote these files). */
export const OUTPUT_DIR = path.join(repoRoot, ".tmp", "reliability");

export function writeOutput(file: string, text: string): string {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const full = path.join(OUTPUT_DIR, file);
  fs.writeFileSync(full, text);
  return full;
}

/**
 * The service's duplicate rule: type, name and content (names case- and trailing-dot-insensitive);
 * for CAA the flag and tag are part of the content.
 */
export function identityKey(record: RawRecord): string {
  const content = String(record.content);
  const normalized = record.type === "TXT" || record.type === "A" ? content : content.toLowerCase();
  const value = record.type === "CAA" ? `${record.flag} ${record.tag} ${normalized}` : normalized;
  return `${record.type} ${String(record.subdomain).toLowerCase()} ${value.replace(/\.$/, "")}`;
}

/** A message the engine would print: it says what was being done, and is no stack trace. */
export function clearMessageProblems(message: string, token: string): string[] {
  const problems: string[] = [];
  if (message.trim() === "") problems.push("empty");
  if (!/^(PddDnsRecord|PddDomainLogo|PddImportCheck)\b/.test(message)) {
    problems.push("does not say which resource operation failed");
  }
  if (/\n\s+at\s/.test(message) || /\bat .+\.js:\d+:\d+/.test(message))
    problems.push("contains a stack trace");
  if (/\[object Object\]|undefined:|^Error: Error:/.test(message)) problems.push("contains garbage");
  if (message.length > 2000) problems.push("longer than 2000 characters");
  if (message.includes(token)) problems.push("contains the token");
  return problems;
}

/** Client events the provider host logged (`PDD_LOG=debug` writes one `pdd: {json}` line per event). */
export interface ClientEvent {
  type: "request" | "response" | "retry" | "error";
  endpoint: string;
  method: string;
  attempt: number;
  code?: string;
  outcomeUnknown?: boolean;
  message?: string;
}

export function clientEvents(lines: string[]): ClientEvent[] {
  const events: ClientEvent[] = [];
  for (const line of lines) {
    const match = /^pdd: (\{.*\})$/.exec(line.trim());
    if (match) events.push(JSON.parse(match[1]!) as ClientEvent);
  }
  return events;
}

/** Closes a host and returns everything it wrote. */
export async function closeAndCollect(host: ProviderHost): Promise<string[]> {
  await host.close();
  return host.logs();
}
