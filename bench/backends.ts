/**
 * The two services `PddDnsRecord` talks to, as the bench sees them: how a provider host, the runtime
 * and the emulator are set up for each, the emulator's endpoint labels of its DNS calls, the fewest
 * calls a listing of a zone takes, and the naive client the baseline uses.
 */
import type { Dispatcher } from "undici";
import { PddClient, Yandex360Client } from "../src/client";
import { YANDEX360_DNS_PAGE_SIZE } from "../src/client/yandex360";
import type { EmulatorOptions, RawRecord } from "../src/emulator";

export const BENCH_APIS = ["pdd", "yandex360"] as const;
export type BenchApi = (typeof BENCH_APIS)[number];

/** The Yandex 360 organization that holds the bench's domains (the emulator's default). */
export const ORG_ID = 1234567;

/** The largest DNS page the emulator's Yandex 360 face serves unless told otherwise. */
export const DEFAULT_YANDEX360_MAX_PER_PAGE = 1000;

/** The emulator's `stats.requests.byEndpoint` labels of one backend's DNS calls. */
export interface DnsLabels {
  list: string;
  add: string;
  edit: string;
  del: string;
}

/** What a run records about its backend (plain data, so it goes into `--json` as is). */
export interface BackendInfo {
  api: BenchApi;
  /** For headings: "PDD", "Yandex 360". */
  name: string;
  labels: DnsLabels;
  /**
   * Records per page of a DNS listing: the smaller of what the client asks for and what the emulator
   * serves. Undefined where one call lists the whole zone (PDD's `dns/list`).
   */
  listPageSize: number | undefined;
  /** Yandex 360: the emulator's cap on a DNS page (`yandex360DnsMaxPerPage`). */
  emulatorMaxPerPage: number | undefined;
}

/** The smallest slice of a client the naive baseline needs. */
export interface NaiveClient {
  add(domain: string, fields: { subdomain: string; content: string }): Promise<number>;
  /** Every record id of the zone (a paged walk on Yandex 360). */
  list(domain: string): Promise<number[]>;
  edit(domain: string, recordId: number, fields: { subdomain: string; content: string }): Promise<void>;
  del(domain: string, recordId: number): Promise<void>;
  close(): Promise<void>;
}

export interface BenchBackend extends BackendInfo {
  /** Stack config besides `pdd:token` and `pdd:endpoint` that selects the backend. */
  config: Record<string, string>;
  /** Environment variables that do the same where there is no stack config (getPddDomains). */
  env: Record<string, string>;
  /** Options of the emulator the backend's runs talk to. */
  emulator: Partial<EmulatorOptions>;
  /** Records a listing of the zone returns (Yandex 360 does not list SOA, PDD does not list CAA). */
  listed(records: readonly RawRecord[]): number;
  /** The fewest listing calls that read `listed` records. */
  listCalls(listed: number): number;
  /** getPddDomains: the largest page of the domain listing, and the emulator's label of that call. */
  domainsPageSize: number;
  domainsLabel: string;
  naiveClient(token: string, endpoint: string, dispatcher: Dispatcher): NaiveClient;
}

const pdd: BenchBackend = {
  api: "pdd",
  name: "PDD",
  labels: { list: "dns/list", add: "dns/add", edit: "dns/edit", del: "dns/del" },
  listPageSize: undefined,
  emulatorMaxPerPage: undefined,
  config: {},
  env: {},
  emulator: {},
  listed: (records) => records.filter((r) => r.type !== "CAA").length,
  listCalls: () => 1,
  domainsPageSize: 20,
  domainsLabel: "domain/domains",
  naiveClient(token, endpoint, dispatcher) {
    const client = new PddClient({ token, endpoint, dispatcher });
    return {
      add: async (domain, fields) =>
        (await client.addRecord({ domain, type: "A", ttl: 3600, ...fields })).recordId,
      list: async (domain) => (await client.listRecords(domain)).map((r) => r.recordId),
      edit: async (domain, recordId, fields) => {
        await client.editRecord({ domain, recordId, ttl: 3600, ...fields });
      },
      del: (domain, recordId) => client.deleteRecord(domain, recordId),
      close: () => client.close(),
    };
  },
};

function yandex360(maxPerPage: number): BenchBackend {
  const pageSize = Math.min(YANDEX360_DNS_PAGE_SIZE, maxPerPage);
  return {
    api: "yandex360",
    name: "Yandex 360",
    labels: { list: "y360/dns/list", add: "y360/dns/create", edit: "y360/dns/edit", del: "y360/dns/delete" },
    listPageSize: pageSize,
    emulatorMaxPerPage: maxPerPage,
    config: { "pdd:api": "yandex360", "pdd:orgId": String(ORG_ID) },
    env: { PDD_API: "yandex360", YANDEX360_ORG_ID: String(ORG_ID) },
    emulator: { orgIds: [ORG_ID], yandex360DnsMaxPerPage: maxPerPage },
    listed: (records) => records.filter((r) => r.type !== "SOA").length,
    // Every page of `pageSize` once (an empty zone still takes one call to find out), and page 1 a
    // second time when there are several: the client reads 1, then the last page back to 2, then 1
    // again, so a record that concurrent deletes move towards page 1 is never skipped.
    listCalls: (listed) => {
      const pages = Math.max(1, Math.ceil(listed / pageSize));
      return pages === 1 ? 1 : pages + 1;
    },
    domainsPageSize: 10,
    domainsLabel: "y360/domains/list",
    naiveClient(token, endpoint, dispatcher) {
      const client = new Yandex360Client({ token, endpoint, dispatcher });
      return {
        add: async (domain, fields) =>
          (await client.addRecord(ORG_ID, { domain, type: "A", ttl: 3600, ...fields })).recordId,
        list: async (domain) => (await client.listRecords(ORG_ID, domain)).map((r) => r.recordId),
        edit: async (domain, recordId, fields) => {
          await client.editRecord(ORG_ID, { domain, recordId, type: "A", ttl: 3600, ...fields });
        },
        del: (domain, recordId) => client.deleteRecord(ORG_ID, domain, recordId),
        close: () => client.close(),
      };
    },
  };
}

/** The bench's view of a backend; `yandex360MaxPerPage` is the emulator's cap on a DNS page. */
export function benchBackend(
  api: BenchApi,
  yandex360MaxPerPage = DEFAULT_YANDEX360_MAX_PER_PAGE,
): BenchBackend {
  return api === "pdd" ? pdd : yandex360(yandex360MaxPerPage);
}

/** The plain-data part, for reports and JSON. */
export function backendInfo(backend: BenchBackend): BackendInfo {
  const { api, name, labels, listPageSize, emulatorMaxPerPage } = backend;
  return { api, name, labels, listPageSize, emulatorMaxPerPage };
}
