import { BACKEND_TRAITS } from "../../src/backends/traits";
import {
  checkDnsRecord,
  diffDnsRecord,
  matchesIdentity,
  outputsFromRecord,
} from "../../src/runtime/dnsRecordModel";
import type { DnsRecordInputs } from "../../src/runtime/dnsRecordModel";
import { UNKNOWN } from "../../src/runtime/values";

const y360 = BACKEND_TRAITS.yandex360;
const pdd = BACKEND_TRAITS.pdd;
const caa = {
  domain: "example.com",
  type: "CAA",
  subdomain: "@",
  tag: "Issue",
  content: '"letsencrypt.org"',
};

function checked(news: Record<string, unknown>, backend = y360) {
  const { inputs, failures } = checkDnsRecord(news, backend);
  expect(failures).toEqual([]);
  return inputs;
}

describe("record types per backend", () => {
  it("derives each backend's types from one list: PDD without CAA, Yandex 360 without SOA", () => {
    expect(pdd.recordTypes).toEqual(["A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "SOA"]);
    expect(y360.recordTypes).toEqual(["A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "CAA"]);
  });

  it("refuses CAA on PDD and SOA on Yandex 360, naming the type, the backend and pdd:api", () => {
    const onPdd = checkDnsRecord(caa, pdd).failures;
    expect(onPdd).toEqual([{ property: "type", reason: expect.stringMatching(/CAA.*PDD.*`pdd:api` = pdd/) }]);
    const soa = { domain: "example.com", type: "SOA", adminMail: "hostmaster@example.com" };
    const onY360 = checkDnsRecord(soa, y360).failures;
    expect(onY360).toEqual([
      { property: "type", reason: expect.stringMatching(/SOA.*Yandex 360.*`pdd:api` = yandex360/) },
    ]);
  });
});

describe("CAA inputs", () => {
  it("normalizes the tag, strips zone-file quotes from the value and defaults flag to 0", () => {
    expect(checked(caa)).toEqual({
      domain: "example.com",
      type: "CAA",
      subdomain: "@",
      content: "letsencrypt.org",
      ttl: 21600,
      flag: 0,
      tag: "issue",
      adoptExisting: false,
    });
  });

  it.each([
    [{ ...caa, tag: undefined }, "tag"],
    [{ ...caa, tag: "policy" }, "tag"],
    [{ ...caa, flag: 256 }, "flag"],
    [{ ...caa, content: "" }, "content"],
    [{ ...caa, content: "a\u0001b" }, "content"],
    [{ domain: "example.com", type: "TXT", content: "x", tag: "issue" }, "tag"],
    [{ domain: "example.com", type: "A", content: "192.0.2.1", flag: 0 }, "flag"],
  ])("names the field at fault: %j", (news, property) => {
    expect(checkDnsRecord(news, y360).failures.map((f) => f.property)).toEqual([property]);
  });

  it("any change of a CAA record on Yandex 360 is a delete-first replacement; on other types an edit", () => {
    const olds = { ...checked(caa), recordId: 5, fqdn: "example.com", orgId: 1 };
    const changed = diffDnsRecord(olds, checked({ ...caa, content: "pki.goog" }), y360);
    expect(changed).toEqual({ changes: true, replaces: ["content"], deleteBeforeReplace: true });
    expect(diffDnsRecord(olds, checked(caa), y360).changes).toBe(false);
    const a = { domain: "example.com", type: "A", content: "192.0.2.1" };
    const edit = diffDnsRecord({ ...checked(a), recordId: 6 }, checked({ ...a, content: "192.0.2.2" }), y360);
    expect(edit).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("matches a listed CAA record by flag, tag and value", () => {
    const inputs = checked(caa) as unknown as DnsRecordInputs;
    const record = {
      recordId: 9,
      domain: "example.com",
      type: "CAA" as const,
      subdomain: "@",
      fqdn: "example.com",
      content: "letsencrypt.org",
      ttl: 600,
      flag: 0,
      tag: "issue",
    };
    expect(matchesIdentity(record, inputs)).toBe(true);
    expect(matchesIdentity({ ...record, tag: "issuewild" }, inputs)).toBe(false);
    expect(matchesIdentity({ ...record, flag: 128 }, inputs)).toBe(false);
    expect(outputsFromRecord(record, false, 77)).toEqual(
      expect.objectContaining({ flag: 0, tag: "issue", content: "letsencrypt.org", orgId: 77, recordId: 9 }),
    );
  });
});

describe("orgId", () => {
  const a = { domain: "example.com", type: "A", content: "192.0.2.1" };

  it("is a positive integer on Yandex 360 and refused on PDD", () => {
    expect(checked({ ...a, orgId: "7654321" })).toEqual(expect.objectContaining({ orgId: 7654321 }));
    expect(checkDnsRecord({ ...a, orgId: 0 }, y360).failures.map((f) => f.property)).toEqual(["orgId"]);
    expect(checkDnsRecord({ ...a, orgId: 5 }, pdd).failures).toEqual([
      { property: "orgId", reason: expect.stringContaining("Yandex 360") },
    ]);
  });

  it("left to the config is no change; a different or unknown one replaces", () => {
    const olds = { ...checked(a), recordId: 1, orgId: 11 };
    expect(diffDnsRecord(olds, checked(a), y360).changes).toBe(false);
    expect(diffDnsRecord(olds, checked({ ...a, orgId: 11 }), y360).changes).toBe(false);
    expect(diffDnsRecord(olds, checked({ ...a, orgId: 12 }), y360).replaces).toEqual(["orgId"]);
    expect(diffDnsRecord(olds, { ...checked(a), orgId: UNKNOWN }, y360).replaces).toEqual(["orgId"]);
  });
});
