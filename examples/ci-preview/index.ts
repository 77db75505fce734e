// A zone kept as data, previewed on every pull request by .github/workflows/preview.yml.
//
// The workflow runs `pulumi preview` against Yandex 360 when the repository has a YANDEX360_OAUTH_TOKEN
// secret (or against a PDD service with a PDD_TOKEN secret), and against pdd-emulator's Yandex 360 face
// when it has neither (pull requests from forks, new repositories).
import * as pulumi from "@pulumi/pulumi";
import * as pdd from "pulumi-yandex-pdd";

const config = new pulumi.Config();
const domain = config.get("domain") ?? "example.com";

/** The records of the zone. A pull request that edits this table previews exactly what would change. */
const zone: Record<string, Omit<pdd.PddDnsRecordArgs, "domain">> = {
  app: { type: "A", subdomain: "app", content: "203.0.113.20", ttl: 300 },
  "app-v6": { type: "AAAA", subdomain: "app", content: "2001:db8::20", ttl: 300 },
  docs: { type: "CNAME", subdomain: "docs", content: "hosting.example.net." },
  dmarc: { type: "TXT", subdomain: "_dmarc", content: `v=DMARC1; p=none; rua=mailto:dmarc@${domain}` },
};

const records = Object.entries(zone).map(([name, args]) => new pdd.PddDnsRecord(name, { domain, ...args }));

// Fail the preview early, with a clear message, when the organization (or PDD account) does not have
// the domain.
const connected = pdd.getPddDomainsOutput().apply(({ domains, orgId }) => {
  const found = domains.find((d) => d.name === domain);
  if (found === undefined) {
    const names = domains.map((d) => d.name).join(", ") || "none";
    const where =
      orgId === undefined
        ? "connected to the PDD account of this token"
        : `in Yandex 360 organization ${orgId}`;
    throw new Error(`${domain} is not ${where} (it has: ${names})`);
  }
  return found;
});

/** PDD: the connection status (e.g. `added`). Yandex 360: `verified` or `not verified`. */
export const domainStatus = connected.apply((d) => d.status ?? (d.verified ? "verified" : "not verified"));
export const fqdns = records.map((r) => r.fqdn);
