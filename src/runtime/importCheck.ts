import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isIP } from "node:net";
import { isApiError, atBoundary } from "./boundary";
import { canonicalName, isValidDomain, isValidHostName } from "./names";
import * as session from "./session";
import type { CheckFailure } from "./values";
import { UNKNOWN, checkInteger, isUnknown, plain } from "./values";

type Props = Record<string, unknown>;
type Method = "imap" | "pop3";

/** The service's aliases for the two protocols. */
const METHODS: Record<string, Method> = { imap: "imap", imap4: "imap", pop3: "pop3", pop: "pop3" };

/**
 * The protocol a method name stands for, in any letter case. Own keys only: `in` or a bare index would
 * also find `constructor` or `__proto__` on the object's prototype and pass a function along as a method.
 */
function methodOf(name: string): Method | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(METHODS, key) ? METHODS[key] : undefined;
}

/** The well-known port for a protocol with or without SSL. */
export function defaultPort(method: Method, ssl: boolean): number {
  if (method === "imap") return ssl ? 993 : 143;
  return ssl ? 995 : 110;
}

const INPUT_KEYS = ["domain", "server", "method", "ssl", "port", "triggers"] as const;

/** Checked inputs of a `PddImportCheck`, declared once as the schema the runtime reads the engine's values through. */
const importCheckInputsSchema = z.object({
  domain: z.string(),
  server: z.string(),
  method: z.enum(["imap", "pop3"]),
  ssl: z.boolean(),
  port: z.number().int(),
  triggers: z.array(z.unknown()).optional(),
});
export type ImportCheckInputs = z.infer<typeof importCheckInputsSchema>;
/** State of a `PddImportCheck`: the settings as the service echoed them, and when it passed. */
export type ImportCheckOutputs = ImportCheckInputs & { checkedAt: string };

function importCheckInputs(props: Readonly<Record<string, unknown>>): ImportCheckInputs {
  const parsed = importCheckInputsSchema.safeParse(props);
  if (!parsed.success) {
    throw new Error(
      `the engine passed import-check inputs that Check does not produce: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  session.configure(req.config);
}

/** Validates and normalizes; fills in the default port so preview shows it. No API call. */
export async function check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  return atBoundary("PddImportCheck", async () => {
    session.requirePdd("PddImportCheck");
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Props = {};

    const domain = news.domain;
    if (isUnknown(domain)) inputs.domain = UNKNOWN;
    else if (typeof domain !== "string" || !isValidDomain(domain)) {
      fail(
        "domain",
        `domain must be a valid domain name such as "example.com", got ${JSON.stringify(domain)}`,
      );
    } else inputs.domain = canonicalName(domain);

    const server = news.server;
    if (isUnknown(server)) inputs.server = UNKNOWN;
    else if (typeof server !== "string" || server.trim() === "")
      fail("server", "server is required: the mail server's host name or IP address");
    else if (isIP(server.trim()) !== 0) inputs.server = server.trim();
    else if (isValidHostName(server)) inputs.server = canonicalName(server);
    else fail("server", `server ${JSON.stringify(server)} is not a valid host name or IP address`);

    let method: Method | undefined;
    const methodRaw = news.method;
    if (isUnknown(methodRaw)) inputs.method = UNKNOWN;
    else if (typeof methodRaw !== "string" || methodOf(methodRaw) === undefined) {
      fail(
        "method",
        `method must be "imap" or "pop3" (aliases "imap4", "pop"), got ${JSON.stringify(methodRaw)}`,
      );
    } else inputs.method = method = methodOf(methodRaw);

    let ssl: boolean | undefined;
    const sslRaw = news.ssl ?? true;
    if (isUnknown(sslRaw)) inputs.ssl = UNKNOWN;
    else if (typeof sslRaw !== "boolean")
      fail("ssl", `ssl must be true or false, got ${JSON.stringify(sslRaw)}`);
    else inputs.ssl = ssl = sslRaw;

    const port = checkInteger(failures, "port", news.port, 1, 65535);
    if (port !== undefined) inputs.port = port;
    else if (!failures.some((f) => f.property === "port")) {
      inputs.port = method !== undefined && ssl !== undefined ? defaultPort(method, ssl) : UNKNOWN;
    }

    const triggers = news.triggers;
    if (triggers !== undefined && triggers !== null) {
      if (isUnknown(triggers) || Array.isArray(triggers)) inputs.triggers = triggers;
      else fail("triggers", "triggers must be an array; any change to it runs the check again");
    }
    return { inputs: plain(inputs), failures };
  });
}

/** Any change replaces the resource: the check runs again. */
export async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const replaces = INPUT_KEYS.filter(
    (key) => isUnknown(news[key]) || JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null),
  );
  return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
}

function describe(inputs: Props): string {
  const protocol = inputs.method === "imap" ? "IMAP" : "POP3";
  return `${protocol} server ${String(inputs.server)}:${String(inputs.port)} ${inputs.ssl ? "over SSL" : "without SSL"}`;
}

/** `import/check_settings`: proves Yandex can reach the mail server before mailboxes are imported. */
export async function create(props: Props): Promise<pulumi.dynamic.CreateResult> {
  return atBoundary(`PddImportCheck (${String(props.domain)})`, async () => {
    const inputs = importCheckInputs(props);
    const { method, ssl, port } = inputs;
    try {
      const echoed = await session.pddClient().checkImportSettings({
        domain: inputs.domain,
        server: inputs.server,
        method,
        port,
        ssl,
      });
      const outs: ImportCheckOutputs = plain({
        ...inputs,
        server: echoed.server,
        method: methodOf(echoed.method) ?? method,
        port: echoed.port,
        ssl: echoed.ssl,
        checkedAt: new Date().toISOString(),
      });
      return { id: `${outs.domain}/${outs.method}/${outs.server}:${outs.port}`, outs };
    } catch (err) {
      if (isApiError(err, "no_reply")) {
        const standard = defaultPort(method, ssl);
        throw new Error(
          `the service got no reply from the ${describe(props)} (no_reply). Check that the server is reachable from the internet and the firewall lets Yandex in on port ${port}, ` +
            `that the port is right (${method === "imap" ? "IMAP" : "POP3"} ${ssl ? "over SSL" : "without SSL"} is usually ${standard}), and that ssl matches what the server speaks on that port.`,
          { cause: err },
        );
      }
      throw err;
    }
  });
}

/** Returns the recorded state: re-running the check is what a replace is for. */
export async function read(id: string, props: Props = {}): Promise<pulumi.dynamic.ReadResult> {
  const inputs = Object.fromEntries(
    INPUT_KEYS.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]),
  );
  return { id, props, inputs };
}

/** Every input change is a replace, so an update never happens; kept so the engine never loses outputs. */
export async function update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: { ...olds, ...news } };
}

/** Nothing exists remotely to delete. */
async function remove(): Promise<void> {}
export { remove as delete };
