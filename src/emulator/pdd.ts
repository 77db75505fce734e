/**
 * The PDD face of pdd-emulator: `/api2/admin/...` in the wire format of the live service (HTTP 200,
 * Python-style JSON as a json.txt attachment). One endpoint table; the handlers below it work on the
 * shared EmulatorState. Latency, faults, the request log and the statistics come from FaceHttp.
 */
import type * as http from "node:http";
import { isIP } from "node:net";
import { Response } from "undici";
import { mulberry32 } from "./faults";
import type { FaceHttp, RequestLogBody } from "./httpPlumbing";
import { JSON_HEADERS, MAX_FORM_BODY } from "./httpPlumbing";
import type { MailProtocol } from "./mailCheck";
import { checkMailServer } from "./mailCheck";
import type { DomainEntry, Params } from "./state";
import { domainInfo, EmulatorApiRefusal, isHostname, LOGO_MAX_BYTES, toRawRecord, visibleOn } from "./state";
import type { PddEra, RecordKeyOrder } from "./wireFormat";
import {
  applyKeyOrder,
  keyOrderOf,
  pythonJsonDumps,
  RECORDED_RECORD_KEY_ORDER,
  shuffledKeyOrder,
} from "./wireFormat";

/** One request, its body parsed. */
interface Call {
  /** Query string, then form fields (a form field wins). */
  params: Params;
  /** The trimmed `domain` parameter; undefined when absent or blank. */
  domain: string | undefined;
  /** The `file` part of a multipart upload. */
  file: Buffer | undefined;
  bodyTooBig: boolean;
}

interface Result {
  body: Record<string, unknown>;
  mutated: boolean;
}

interface Endpoint {
  /** The first is the documented one (named in Allow when another method is refused). */
  methods: ReadonlyArray<"GET" | "POST">;
  mutation: boolean;
  handler: (face: PddFace, call: Call) => Result | Promise<Result>;
}

/** The face's endpoint table, by path under /api2/admin/. */
const ENDPOINTS: Record<string, Endpoint> = {
  "dns/list": { methods: ["GET"], mutation: false, handler: (f, c) => f.listRecords(c) },
  "dns/add": { methods: ["POST"], mutation: true, handler: (f, c) => f.addRecord(c) },
  "dns/edit": { methods: ["POST"], mutation: true, handler: (f, c) => f.editRecord(c) },
  "dns/del": { methods: ["POST"], mutation: true, handler: (f, c) => f.deleteRecord(c) },
  "domain/domains": { methods: ["GET"], mutation: false, handler: (f, c) => f.listDomains(c) },
  "domain/logo/set": { methods: ["POST"], mutation: true, handler: (f, c) => f.setLogo(c) },
  "domain/logo/check": { methods: ["GET"], mutation: false, handler: (f, c) => f.checkLogo(c) },
  "domain/logo/del": { methods: ["POST"], mutation: true, handler: (f, c) => f.deleteLogo(c) },
  // Documented as GET with a query string; POST is what most clients (and this package's) send.
  "import/check_settings": {
    methods: ["GET", "POST"],
    mutation: false,
    handler: (f, c) => f.checkImportSettings(c),
  },
};

export const API_ENDPOINTS: readonly string[] = Object.keys(ENDPOINTS);

const API_PREFIX = "/api2/admin/";
/** Form fields and multipart framing on top of the 2 MB logo limit. */
const MULTIPART_OVERHEAD = 64 * 1024;
const DEFAULT_ON_PAGE = 10;
const MAX_ON_PAGE = 20;
const RECORDED_KEY_ORDER = keyOrderOf(RECORDED_RECORD_KEY_ORDER);

export interface PddOptions {
  era: PddEra;
  seed: number;
  mailCheckTimeoutMs: number;
  allowExternalMailCheck: boolean;
  /** Aborted when the emulator closes, ending pending mail checks. */
  signal: AbortSignal;
  /** The emulator's base URL (known once it listens), for logo URLs. */
  baseUrl(): string;
}

/**
 * An answer under /api2/, written the way the service's `json.dumps` wrote it (clients parse it
 * with regular expressions too). The emulator's own routes keep compact JSON (sendJson).
 */
function sendPdd(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const payload = Buffer.from(pythonJsonDumps(body));
  res.writeHead(status, { ...JSON_HEADERS, "Content-Length": payload.length, ...extraHeaders });
  res.end(payload);
}

/** Form fields join `params`; a multipart upload's first `file` part is returned as `file`. */
async function parseBody(
  params: Map<string, string>,
  rawContentType: string,
  data: Buffer,
  isMultipart: boolean,
): Promise<{ log: RequestLogBody; file?: Buffer }> {
  if (rawContentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    const fields: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(data.toString("utf8"))) {
      params.set(key, value);
      fields[key] = value;
    }
    return { log: { kind: "urlencoded", params: fields } };
  }
  if (isMultipart) {
    let file: Buffer | undefined;
    try {
      const form = await new Response(data, { headers: { "content-type": rawContentType } }).formData();
      const fields: string[] = [];
      for (const [name, value] of form) {
        fields.push(name);
        if (typeof value === "string") {
          params.set(name, value);
        } else if (name === "file" && file === undefined) {
          file = Buffer.from(await value.arrayBuffer());
        }
      }
      return { log: { kind: "multipart", fields, fileSize: file?.length ?? null }, file };
    } catch {
      return { log: { kind: "other", contentType: rawContentType, bytes: data.length }, file };
    }
  }
  // e.g. the empty JSON body the recorded client sent along with query-string parameters.
  return { log: { kind: "other", contentType: rawContentType, bytes: data.length } };
}

const ok = (body: Record<string, unknown>, mutated = false): Result => ({
  body: { ...body, success: "ok" },
  mutated,
});

export class PddFace {
  private readonly keyRng: () => number;

  constructor(
    private readonly http: FaceHttp,
    private readonly options: PddOptions,
  ) {
    this.keyRng = mulberry32((options.seed ^ 0x5bd1e995) >>> 0);
  }

  /** Serves one request under /api2/. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const name = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : "";
    // hasOwn: "constructor" or "__proto__" in a path must not look like an endpoint.
    const endpoint = Object.hasOwn(ENDPOINTS, name) ? ENDPOINTS[name] : undefined;
    const entry = this.http.begin(req, res, url, endpoint === undefined ? null : name);

    if (endpoint === undefined) {
      await this.http.latency();
      sendPdd(res, 404, { success: "error", error: "not_found" });
      return;
    }
    if (!(endpoint.methods as readonly string[]).includes(req.method ?? "")) {
      await this.http.latency();
      const allow = endpoint.methods.join(", ");
      sendPdd(res, 405, { success: "error", error: "method_not_allowed" }, { Allow: allow });
      return;
    }

    const contentType = (req.headers["content-type"] ?? "").toLowerCase();
    const isMultipart = name === "domain/logo/set" && contentType.startsWith("multipart/form-data");
    const body = await this.http.readBody(
      req,
      isMultipart ? LOGO_MAX_BYTES + MULTIPART_OVERHEAD : MAX_FORM_BODY,
    );
    if (body.kind === "aborted") return;
    if (body.kind === "too_big") {
      entry.body = { kind: "too_big", bytes: body.bytes };
      if (!isMultipart) {
        // Only logo uploads are big; for anything else answer before looking at parameters.
        await this.http.latency();
        sendPdd(res, 413, { success: "error", error: "request_too_large" }, { Connection: "close" });
        return;
      }
    }

    const params = new Map(url.searchParams);
    let file: Buffer | undefined;
    if (body.kind === "ok" && body.data.length > 0) {
      const parsed = await parseBody(params, req.headers["content-type"] ?? "", body.data, isMultipart);
      entry.body = parsed.log;
      file = parsed.file;
    }
    const call: Call = {
      params,
      domain: params.get("domain")?.trim() || undefined,
      file,
      bodyTooBig: body.kind === "too_big",
    };

    const fault = await this.http.faultThenLatency(name, entry);
    if (res.destroyed) return;

    const closeAfter = body.kind === "too_big" && !body.drained;
    const sendUnknown = (): void => sendPdd(res, 200, { success: "error", error: "unknown" });
    if (fault !== null && this.http.injectBeforeApplying(fault, endpoint.mutation, res, sendUnknown)) return;

    const token = typeof req.headers.pddtoken === "string" ? req.headers.pddtoken : undefined;
    const result = await this.run(endpoint, call, token);
    this.http.applied(result.mutated);
    const payload = Buffer.from(pythonJsonDumps(result.body));
    if (this.http.deliverFaulted(res, fault, 200, JSON_HEADERS, payload)) return;
    if (closeAfter) {
      // The rest of an oversized upload was not read: answer, then drop the connection.
      res.once("finish", () => res.socket?.destroy());
      sendPdd(res, 200, result.body, { Connection: "close" });
      return;
    }
    sendPdd(res, 200, result.body);
  }

  /** Checks the token, then runs the handler; a refusal becomes the service's error answer. */
  private async run(endpoint: Endpoint, call: Call, token: string | undefined): Promise<Result> {
    const domain = call.domain;
    try {
      if (token === undefined || token === "") throw new EmulatorApiRefusal("no_auth");
      if (!this.http.checkToken(token)) throw new EmulatorApiRefusal("bad_token");
      return await endpoint.handler(this, call);
    } catch (error) {
      if (!(error instanceof EmulatorApiRefusal)) throw error;
      const body = { success: "error", error: error.code };
      return { body: domain === undefined ? body : { domain, ...body }, mutated: false };
    }
  }

  private requireDomain(call: Call): DomainEntry {
    if (call.domain === undefined) throw new EmulatorApiRefusal("no_domain");
    const entry = this.http.state.getDomain(call.domain);
    // The 2017–2018 service did not tell "no such domain" from "not yours" (see the recordings).
    if (entry === undefined)
      throw new EmulatorApiRefusal(this.options.era === "2017" ? "not_allowed" : "no_such_domain");
    return entry;
  }

  /**
   * The key order of the records in one answer. In 2022 it changed between answers, so clients must
   * not depend on it; every 2017–2018 recording shows the same one, which that era reproduces.
   */
  private recordKeyOrder(): RecordKeyOrder {
    return this.options.era === "2017" ? RECORDED_KEY_ORDER : shuffledKeyOrder(this.keyRng);
  }

  private logoUrl(entry: DomainEntry): string {
    return entry.logo === undefined
      ? ""
      : `${this.options.baseUrl()}/logos/${encodeURIComponent(entry.name)}?v=${entry.logo.sha256.slice(0, 16)}`;
  }

  // ---- handlers --------------------------------------------------------------------------

  listRecords(call: Call): Result {
    const entry = this.requireDomain(call);
    const order = this.recordKeyOrder();
    const records = entry.records
      .filter((record) => visibleOn("pdd", record)) // PDD had no CAA (Yandex 360's)
      .map((record) => applyKeyOrder(toRawRecord(entry.name, record), order));
    return ok({ records, domain: call.domain });
  }

  addRecord(call: Call): Result {
    const entry = this.requireDomain(call);
    const record = this.http.state.addRecord(entry, call.params);
    const raw = applyKeyOrder(toRawRecord(entry.name, record), this.recordKeyOrder());
    return ok({ record: raw, domain: call.domain }, true);
  }

  editRecord(call: Call): Result {
    const entry = this.requireDomain(call);
    const record = this.http.state.editRecord(entry, call.params);
    // Only the 2017–2018 service marked the edited record with "operation": "editing".
    const extra = this.options.era === "2017" ? { operation: "editing" } : {};
    const raw = applyKeyOrder({ ...toRawRecord(entry.name, record), ...extra }, this.recordKeyOrder());
    return ok({ record_id: record.id, record: raw, domain: call.domain }, true);
  }

  deleteRecord(call: Call): Result {
    const entry = this.requireDomain(call);
    const id = this.http.state.deleteRecord(entry, call.params);
    return ok({ record_id: id, domain: call.domain }, true);
  }

  /**
   * Documented as 1 to 20 a page, without saying what happens outside; 2018 clients asked for 30
   * and 100. More than 20 is served as 20; anything that is not a positive integer (0, -1, "ten",
   * "2.5") gets the default 10. The answer's on_page says which size was used.
   */
  listDomains(call: Call): Result {
    const onPageText = call.params.get("on_page")?.trim() ?? "";
    const onPage =
      /^\d+$/.test(onPageText) && Number(onPageText) > 0
        ? Math.min(Number(onPageText), MAX_ON_PAGE)
        : DEFAULT_ON_PAGE;
    const pageText = call.params.get("page")?.trim() ?? "";
    const page = pageText === "" ? 1 : /^\d+$/.test(pageText) ? Number(pageText) : NaN;
    if (!Number.isSafeInteger(page) || page < 1) throw new EmulatorApiRefusal("bad_page");
    const state = this.http.state;
    const names = state.domainNames();
    const total = names.length;
    if (total > 0 && (page - 1) * onPage >= total) throw new EmulatorApiRefusal("not_allowed");
    const domains = names
      .slice((page - 1) * onPage, page * onPage)
      .map((name) => state.getDomain(name)!)
      .map((entry) => domainInfo(entry, this.logoUrl(entry)));
    return ok({ page, on_page: onPage, total, found: domains.length, domains });
  }

  setLogo(call: Call): Result {
    // An oversized body is never parsed, so its domain field is unknown: the size error comes first.
    if (call.bodyTooBig) throw new EmulatorApiRefusal("file_too_big");
    const entry = this.requireDomain(call);
    if (call.file === undefined) throw new EmulatorApiRefusal("no_file");
    this.http.state.setLogo(entry, call.file);
    return ok({ domain: call.domain }, true);
  }

  checkLogo(call: Call): Result {
    const entry = this.requireDomain(call);
    return ok({ domain: call.domain, "logo-url": this.logoUrl(entry) });
  }

  deleteLogo(call: Call): Result {
    const entry = this.requireDomain(call);
    const had = entry.logo !== undefined;
    this.http.state.deleteLogo(entry);
    return ok({ domain: call.domain }, had);
  }

  async checkImportSettings(call: Call): Promise<Result> {
    this.requireDomain(call);
    const get = (name: string): string | undefined => call.params.get(name)?.trim() || undefined;
    const method = get("method")?.toLowerCase();
    if (method === undefined) throw new EmulatorApiRefusal("no_method");
    if (!["imap", "imap4", "pop3", "pop"].includes(method)) throw new EmulatorApiRefusal("bad_method");
    const protocol: MailProtocol = method.startsWith("imap") ? "imap" : "pop3";
    const server = get("server");
    if (server === undefined) throw new EmulatorApiRefusal("no_server");
    const bareServer = server.replace(/^\[(.*)\]$/, "$1");
    if (isIP(bareServer) === 0 && !isHostname(server)) throw new EmulatorApiRefusal("bad_server");
    const ssl = get("ssl")?.toLowerCase() ?? "no";
    if (ssl !== "yes" && ssl !== "no") throw new EmulatorApiRefusal("bad_ssl");
    const portParam = get("port");
    const defaultPort = protocol === "imap" ? (ssl === "yes" ? 993 : 143) : ssl === "yes" ? 995 : 110;
    const port = portParam === undefined ? defaultPort : /^\d+$/.test(portParam) ? Number(portParam) : NaN;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new EmulatorApiRefusal("bad_port");

    const result = await checkMailServer({
      server,
      port,
      protocol,
      ssl: ssl === "yes",
      timeoutMs: this.options.mailCheckTimeoutMs,
      allowExternal: this.options.allowExternalMailCheck,
      signal: this.options.signal,
    });
    if (!result.ok)
      throw new EmulatorApiRefusal(result.reason === "not_allowed" ? "not_allowed" : "no_reply");
    // The documented answer: the checked settings nested under "settings".
    return ok({ domain: call.domain, settings: { method, server, port, ssl } });
  }
}
