// The mail DNS of one Yandex 360 domain: MX, SPF, DKIM and DMARC.
//
// The DKIM key is not copied by hand from the admin panel: getPddDkimOutput reads it from the
// Yandex 360 API (scope directory:read_domains) and hands back the TXT record's name and value.
//
// Settings come from the stack config (`pdd:orgId`, `pdd:token` as a secret, optionally `pdd:api`
// and `pdd:endpoint`) or from YANDEX360_ORG_ID, YANDEX360_OAUTH_TOKEN (or PDD_TOKEN), PDD_API and
// PDD_ENDPOINT. See README.md for running it against pdd-emulator.
import * as pulumi from "@pulumi/pulumi";
import * as pdd from "pulumi-yandex-pdd";

const config = new pulumi.Config();
/** The domain, in the Yandex 360 organization. */
const domain = config.get("domain") ?? "example.com";
/** What receivers should do with mail that fails DMARC: none (report only), quarantine or reject. */
const dmarcPolicy = config.get("dmarcPolicy") ?? "none";
/** Where receivers send DMARC aggregate reports. */
const dmarcReportTo = config.get("dmarcReportTo") ?? `dmarc@${domain}`;

if (pdd.configuredApi() !== "yandex360") {
  throw new Error(
    "this example publishes the DKIM key Yandex 360 reports; configure the Yandex 360 backend: " +
      "`pulumi config set pdd:orgId <id>` (or `pulumi config set pdd:api yandex360`)",
  );
}
if (!["none", "quarantine", "reject"].includes(dmarcPolicy)) {
  throw new Error(`dmarcPolicy must be none, quarantine or reject, got ${JSON.stringify(dmarcPolicy)}`);
}

// MX: Yandex's mail exchanger. A domain connected to Yandex 360 usually has it already; adopt it, and
// keep it on `pulumi destroy`, since the domain's mail stops without it.
const mx = new pdd.PddDnsRecord(
  "mx",
  { domain, type: "MX", subdomain: "@", content: "mx.yandex.net.", priority: 10, adoptExisting: true },
  { retainOnDelete: true },
);

// SPF: Yandex's servers may send the domain's mail. Adopted when it is there already.
const spf = new pdd.PddDnsRecord("spf", {
  domain,
  type: "TXT",
  subdomain: "@",
  content: "v=spf1 redirect=_spf.yandex.net",
  adoptExisting: true,
});

// DKIM: the public key Yandex signs the domain's mail with, published where receivers look for it.
// recordName is `mail._domainkey` and recordValue `v=DKIM1; k=rsa; t=s; p=<key>`: exactly the
// subdomain and content of the TXT record.
const dkim = pdd.getPddDkimOutput({ domain });
const dkimRecord = new pdd.PddDnsRecord("dkim", {
  domain,
  type: "TXT",
  subdomain: dkim.recordName,
  content: dkim.recordValue.apply((value) => {
    if (value === "") {
      throw new Error(
        `Yandex 360 reports no DKIM key for ${domain}; enable DKIM for it in https://admin.yandex.ru`,
      );
    }
    return value;
  }),
  adoptExisting: true,
});

// DMARC: what receivers do with mail that fails SPF and DKIM, and where they report it.
const dmarc = new pdd.PddDnsRecord("dmarc", {
  domain,
  type: "TXT",
  subdomain: "_dmarc",
  content: `v=DMARC1; p=${dmarcPolicy}; rua=mailto:${dmarcReportTo}`,
});

export const mxRecord = pulumi.interpolate`${mx.fqdn} MX ${mx.priority} ${mx.content}`;
export const spfRecord = spf.content;
export const dkimRecordName = dkimRecord.fqdn;
/** Whether Yandex signs the domain's mail with this key; the key can be published before it does. */
export const dkimEnabled = dkim.enabled;
export const dmarcRecord = dmarc.content;
export const recordIds = [mx.id, spf.id, dkimRecord.id, dmarc.id];
