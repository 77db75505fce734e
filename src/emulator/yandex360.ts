/**
 * The Yandex 360 for Business face of pdd-emulator: `/directory/v1/...` on the same port and over the
 * same state as the PDD face, so a record added through one face is seen through the other.
 * One endpoint table; the handlers below it work on the shared EmulatorState. Latency, faults, the
 * request log and the statistics come from the plumbing both faces share (FaceHttp).
 * Where the live service's answer is unconfirmed, the choice made here is noted at the handler (and
 * in docs/emulator.md).
 */
import type * as http from "node:http";
import type { FaceHttp } from "./httpPlumbing";
import type { DomainEntry, EmulatorState, StoredRecord } from "./state";
import { fnv1a, normalizeDomainName, EmulatorApiRefusal, visibleOn } from "./state";
import {
  alreadyExists,
  badRequest,
  bodyRecordType,
  internal,
  methodNotAllowed,
  notAnAdmin,
  notFound,
  parseYandex360Record,
  renderYandex360Record,
  requireObject,
  unauthorized,
  unavailable,
  Yandex360Error,
  yandex360Headers,
  yandex360Json,
} from "./yandex360Wire";

/** Stable labels of this face's endpoints (stats.byEndpoint, the request log, faults.endpoints). */
export const YANDEX360_ENDPOINTS = [
  "y360/org/list",
  "y360/domains/list",
  "y360/dkim",
  "y360/dns/list",
  "y360/dns/create",
  "y360/dns/edit",
  "y360/dns/delete",
] as const;
export type Yandex360Endpoint = (typeof YANDEX360_ENDPOINTS)[number];

export const YANDEX360_PATH_PREFIX = "/directory/";
export const DEFAULT_YANDEX360_DNS_MAX_PER_PAGE = 1000;
const DNS_DEFAULT_PER_PAGE = 50;
const DOMAINS_MAX_PER_PAGE = 10;
const ORG_DEFAULT_PAGE_SIZE = 10;
const ORG_MAX_PAGE_SIZE = 100;

export interface Yandex360Options {
  /** Largest DNS `perPage` served; larger requests get this many (the answer's perPage says so). */
  dnsMaxPerPage: number;
}

type Method = "GET" | "POST" | "DELETE";

interface Call {
  /** Path parameters, decoded. */
  params: string[];
  query: URLSearchParams;
  /** The parsed JSON body (undefined when there was none). */
  body: unknown;
  bodyError: string | undefined;
}

interface Result {
  body: unknown;
  mutated: boolean;
  /** State changed without a mutation (a DKIM key generated on first use): persist, do not count. */
  persist?: boolean;
}

interface Endpoint {
  label: Yandex360Endpoint;
  mutation: boolean;
  handler: (face: Yandex360Face, call: Call) => Result;
}

interface Route {
  pattern: RegExp;
  methods: Partial<Record<Method, Endpoint>>;
}

const ORG = "/directory/v1/org";
const DOMAIN = `${ORG}/([^/]+)/domains/([^/]+)`;

/** The face's endpoint table. */
const ROUTES: readonly Route[] = [
  {
    pattern: new RegExp(`^${ORG}$`),
    methods: { GET: { label: "y360/org/list", mutation: false, handler: (f, c) => f.listOrgs(c) } },
  },
  {
    pattern: new RegExp(`^${ORG}/([^/]+)/domains$`),
    methods: { GET: { label: "y360/domains/list", mutation: false, handler: (f, c) => f.listDomains(c) } },
  },
  {
    pattern: new RegExp(`^${DOMAIN}/dkim$`),
    methods: { GET: { label: "y360/dkim", mutation: false, handler: (f, c) => f.dkim(c) } },
  },
  {
    pattern: new RegExp(`^${DOMAIN}/dns$`),
    methods: {
      GET: { label: "y360/dns/list", mutation: false, handler: (f, c) => f.listDns(c) },
      POST: { label: "y360/dns/create", mutation: true, handler: (f, c) => f.createDns(c) },
    },
  },
  {
    pattern: new RegExp(`^${DOMAIN}/dns/([^/]+)$`),
    methods: {
      POST: { label: "y360/dns/edit", mutation: true, handler: (f, c) => f.editDns(c) },
      DELETE: { label: "y360/dns/delete", mutation: true, handler: (f, c) => f.deleteDns(c) },
    },
  },
];

function match(pathname: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    const found = route.pattern.exec(pathname);
    if (found === null) continue;
    try {
      return { route, params: found.slice(1).map((part) => decodeURIComponent(part)) };
    } catch {
      return undefined; // malformed %-escape: no such path
    }
  }
  return undefined;
}

const OAUTH = /^OAuth\s+(\S+)\s*$/i;

/** A positive integer query parameter; absent, empty or 0 gives `fallback`. */
function queryInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name)?.trim() ?? "";
  if (raw === "") return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw badRequest(`${name}: must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  const value = Number(raw);
  return value === 0 ? fallback : value;
}

function page<T>(items: readonly T[], pageNumber: number, perPage: number): T[] {
  return items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
}

const DAY_MS = 86_400_000;
const STATUS_EPOCH = Date.UTC(2024, 0, 1);

export class Yandex360Face {
  constructor(
    private readonly http: FaceHttp,
    private readonly options: Yandex360Options,
  ) {}

  private get state(): EmulatorState {
    return this.http.state;
  }

  /** Serves one request under /directory/. Never throws. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const found = match(url.pathname);
    // hasOwn: a method name such as "constructor" must not look like an endpoint.
    const method = req.method ?? "";
    const endpoint =
      found !== undefined && Object.hasOwn(found.route.methods, method)
        ? found.route.methods[method as Method]
        : undefined;
    const log = this.http.begin(req, res, url, endpoint?.label ?? null);
    try {
      if (found === undefined || endpoint === undefined) {
        await this.http.latency();
        const allow = found === undefined ? undefined : Object.keys(found.route.methods).join(", ");
        this.sendError(
          res,
          found === undefined ? notFound() : methodNotAllowed(),
          allow ? { Allow: allow } : {},
        );
        return;
      }

      const call: Call = {
        params: found.params,
        query: url.searchParams,
        body: undefined,
        bodyError: undefined,
      };
      if (req.method === "POST") {
        const body = await this.http.readBody(req);
        if (body.kind === "aborted") return;
        if (body.kind === "too_big") {
          log.body = { kind: "too_big", bytes: null };
          call.bodyError = "the request body is too large";
        } else if (body.data.length > 0) {
          try {
            call.body = JSON.parse(body.data.toString("utf8"));
            log.body = { kind: "json", json: call.body };
          } catch {
            log.body = {
              kind: "other",
              contentType: req.headers["content-type"] ?? "",
              bytes: body.data.length,
            };
            call.bodyError = "the request body is not valid JSON";
          }
        }
      }

      const fault = await this.http.faultThenLatency(endpoint.label, log);
      if (res.destroyed) return;
      const sendUnknown = (): void => this.sendError(res, unavailable());
      if (fault !== null && this.http.injectBeforeApplying(fault, endpoint.mutation, res, sendUnknown))
        return;

      let result: Result;
      try {
        this.authenticate(req);
        result = endpoint.handler(this, call);
      } catch (error) {
        if (!(error instanceof Yandex360Error)) throw error;
        this.sendError(res, error);
        return;
      }
      if (result.persist === true && !result.mutated) this.http.persist();
      this.http.applied(result.mutated);
      const headers = yandex360Headers(true);
      const payload = yandex360Json(result.body);
      if (this.http.deliverFaulted(res, fault, 200, headers, payload)) return;
      this.send(res, 200, headers, payload);
    } catch (error) {
      console.error("pdd-emulator: internal error (Yandex 360 face):", error);
      if (!res.headersSent && !res.destroyed) this.sendError(res, internal());
      else res.destroy();
    }
  }

  private send(
    res: http.ServerResponse,
    status: number,
    headers: Record<string, string>,
    payload: Buffer,
  ): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, { ...headers, "Content-Length": String(payload.length) });
    res.end(payload);
  }

  private sendError(
    res: http.ServerResponse,
    error: Yandex360Error,
    extra: Record<string, string> = {},
  ): void {
    this.send(res, error.status, { ...yandex360Headers(false), ...extra }, yandex360Json(error.body()));
  }

  private authenticate(req: http.IncomingMessage): void {
    const header = req.headers.authorization;
    const token = typeof header === "string" ? OAUTH.exec(header)?.[1] : undefined;
    if (token === undefined || !this.http.checkToken(token)) throw unauthorized();
  }

  // ---- lookups --------------------------------------------------------------------------

  private org(raw: string): number {
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw badRequest(`orgId: must be an integer, got ${JSON.stringify(raw)}`);
    }
    const orgId = Number(raw);
    // LIVE: an organization the caller does not administer is 403 "Not an admin", not 404.
    if (!this.state.hasOrg(orgId)) throw notAnAdmin();
    return orgId;
  }

  private domain(call: Call): DomainEntry {
    const orgId = this.org(call.params[0]!);
    const name = normalizeDomainName(call.params[1]!);
    const entry = name === undefined ? undefined : this.state.getDomain(name);
    if (entry === undefined || entry.orgId !== orgId) throw notFound();
    return entry;
  }

  private recordId(raw: string): number {
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw badRequest(`recordId: must be an integer, got ${JSON.stringify(raw)}`);
    }
    return Number(raw);
  }

  private jsonBody(call: Call): Record<string, unknown> {
    if (call.bodyError !== undefined) throw badRequest(call.bodyError);
    return requireObject(call.body);
  }

  // ---- handlers --------------------------------------------------------------------------

  /** Cursor paging: the token names the last id served; ids are served in ascending order. */
  listOrgs(call: Call): Result {
    const pageSize = Math.min(queryInt(call.query, "pageSize", ORG_DEFAULT_PAGE_SIZE), ORG_MAX_PAGE_SIZE);
    const token = call.query.get("pageToken") ?? "";
    let after = 0;
    if (token !== "") {
      const decoded = Buffer.from(token, "base64url").toString("utf8");
      const match = /^org:(\d+)$/.exec(decoded);
      if (match === null) throw badRequest("pageToken: not a token this server gave out");
      after = Number(match[1]);
    }
    const ids = this.state.orgIds().sort((a, b) => a - b);
    const rest = ids.filter((id) => id > after);
    const served = rest.slice(0, pageSize);
    const more = rest.length > served.length;
    return {
      body: {
        organizations: served.map((id) => ({
          id,
          name: `Organization ${id}`,
          email: "",
          phone: "",
          fax: "",
          language: "ru",
          subscriptionPlan: "free",
        })),
        nextPageToken: more ? Buffer.from(`org:${served[served.length - 1]!}`).toString("base64url") : "",
      },
      mutated: false,
    };
  }

  /** perPage is at most 10 (DOC); more is served as 10, and the answer's perPage says so. */
  listDomains(call: Call): Result {
    const orgId = this.org(call.params[0]!);
    const pageNumber = queryInt(call.query, "page", 1);
    const perPage = Math.min(queryInt(call.query, "perPage", DOMAINS_MAX_PER_PAGE), DOMAINS_MAX_PER_PAGE);
    const names = this.state.domainNamesOf(orgId);
    let generated = false;
    const domains = page(names, pageNumber, perPage).map((name) => {
      const info = this.domainInfo(this.state.getDomain(name)!);
      generated ||= info.generated;
      return info.body;
    });
    return {
      body: {
        domains,
        page: pageNumber,
        pages: Math.ceil(names.length / perPage),
        perPage,
        total: names.length,
      },
      mutated: false,
      persist: generated,
    };
  }

  /**
   * One domain of the list. `mx` and `delegated` follow the zone (an apex MX to mx.yandex.net, apex
   * NS at dns1/dns2.yandex.net); the rest is stable per name: about one domain in three has no
   * `status` key and one in three has `mx`, `ns` and `dkim` checks that are null (both occur).
   */
  private domainInfo(entry: DomainEntry): { body: Record<string, unknown>; generated: boolean } {
    const hash = fnv1a(entry.name);
    const apex = entry.records.filter((record) => record.subdomain === "@");
    const host = (record: StoredRecord): string => record.content.toLowerCase().replace(/\.$/, "");
    const mx = apex.some((record) => record.type === "MX" && host(record) === "mx.yandex.net");
    const ns = new Set(apex.filter((record) => record.type === "NS").map(host));
    const delegated = ns.has("dns1.yandex.net") && ns.has("dns2.yandex.net");
    const spfRecord = apex.find((record) => record.type === "TXT" && record.content.startsWith("v=spf1"));
    const body: Record<string, unknown> = {
      name: entry.name,
      country: "ru",
      mx,
      delegated,
      master: (hash >>> 3) % 4 !== 0,
      verified: (hash >>> 5) % 5 !== 0,
    };
    const variant = (hash >>> 12) % 3;
    let generated = false;
    if (variant !== 0) {
      const lastAdded = STATUS_EPOCH + (hash % 365) * DAY_MS + ((hash >>> 9) % DAY_MS);
      const lastCheck = lastAdded + ((hash >>> 16) % 30) * DAY_MS + 3_600_000;
      const status: Record<string, unknown> = {
        name: entry.name,
        lastCheck: new Date(lastCheck).toISOString(),
        lastAdded: new Date(lastAdded).toISOString(),
        spf: {
          match: spfRecord?.content.includes("_spf.yandex.net") ?? false,
          value: "v=spf1 redirect=_spf.yandex.net",
        },
        mx: null,
        ns: null,
        dkim: null,
      };
      if (variant === 2) {
        const key = this.state.dkimPublicKey(entry);
        generated = key.generated;
        const dkimText = `v=DKIM1; k=rsa; t=s; p=${key.publicKey}`;
        const published = entry.records.some(
          (record) =>
            record.type === "TXT" && record.subdomain === "mail._domainkey" && record.content === dkimText,
        );
        status.mx = { match: mx, value: "host=mx.yandex.net priority=10" };
        status.ns = { match: delegated, value: "dns1.yandex.net\ndns2.yandex.net" };
        status.dkim = { match: entry.dkim.enabled && published, value: dkimText };
      }
      body.status = status;
    }
    return { body, generated };
  }

  /** `enabled` is the same stored fact as the PDD face's `dkim-ready`; the key is made on first use. */
  dkim(call: Call): Result {
    const entry = this.domain(call);
    const key = this.state.dkimPublicKey(entry);
    return {
      body: { enabled: entry.dkim.enabled, publicKey: key.publicKey },
      mutated: false,
      persist: key.generated,
    };
  }

  /**
   * Records by recordId. perPage defaults to 50 and is capped at `dnsMaxPerPage` (no maximum is
   * documented); the answer's perPage says what was used. SOA records (PDD's) are not listed.
   */
  listDns(call: Call): Result {
    const entry = this.domain(call);
    const pageNumber = queryInt(call.query, "page", 1);
    const perPage = Math.min(
      queryInt(call.query, "perPage", DNS_DEFAULT_PER_PAGE),
      this.options.dnsMaxPerPage,
    );
    const records = entry.records
      .filter((record) => visibleOn("yandex360", record))
      .sort((a, b) => a.id - b.id);
    return {
      body: {
        records: page(records, pageNumber, perPage).map(renderYandex360Record),
        page: pageNumber,
        pages: Math.ceil(records.length / perPage),
        perPage,
        total: records.length,
      },
      mutated: false,
    };
  }

  createDns(call: Call): Result {
    const entry = this.domain(call);
    const body = this.jsonBody(call);
    const record = parseYandex360Record(entry.name, body, bodyRecordType(body));
    return {
      body: renderYandex360Record(this.store(() => this.state.insertRecord(entry, record))),
      mutated: true,
    };
  }

  /**
   * Edit: the full body, as for create; the record keeps its recordId (unconfirmed live). A type
   * change is refused (400), and so is any CAA edit: in-place CAA edits are reported broken, so the
   * emulator makes clients delete and re-create (an emulator choice).
   */
  editDns(call: Call): Result {
    const entry = this.domain(call);
    const id = this.recordId(call.params[2]!);
    const current = this.state.findRecord(entry, id, "yandex360");
    if (current === undefined) throw notFound();
    if (current.type === "CAA") {
      throw badRequest("CAA records cannot be edited in place: delete the record and create it again");
    }
    const body = this.jsonBody(call);
    if (body.recordId !== undefined && body.recordId !== null && String(body.recordId) !== String(id)) {
      throw badRequest(`recordId: the body says ${JSON.stringify(body.recordId)}, the path ${id}`);
    }
    const type = bodyRecordType(body, current.type);
    if (type !== current.type) {
      throw badRequest(
        `type: a ${current.type} record cannot become ${type}; delete it and create a new one`,
      );
    }
    const next = parseYandex360Record(entry.name, body, type);
    return {
      body: renderYandex360Record(this.store(() => this.state.replaceRecord(entry, id, next))),
      mutated: true,
    };
  }

  deleteDns(call: Call): Result {
    const entry = this.domain(call);
    const id = this.recordId(call.params[2]!);
    if (this.state.findRecord(entry, id, "yandex360") === undefined) throw notFound();
    this.state.removeRecord(entry, id);
    return { body: {}, mutated: true };
  }

  /** A duplicate (same type, name and normalised value) is 409 ALREADY_EXISTS: an emulator choice. */
  private store(write: () => StoredRecord): StoredRecord {
    try {
      return write();
    } catch (error) {
      if (error instanceof EmulatorApiRefusal && error.code === "record_exists") throw alreadyExists();
      throw error;
    }
  }
}
