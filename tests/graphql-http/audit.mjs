// Runs graphql-http's server audit (the GraphQL-over-HTTP specification's MUST and SHOULD rules) against the
// URL given, prints every result that is not ok, and exits with 1 if any failed. Started by the e2e test
// `the_graphql_over_http_audit_passes`.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
const results = await Promise.all(serverAudits({ url }).map(({ fn }) => fn()));
const failed = results.filter((r) => r.status !== 'ok');
for (const r of failed) {
  console.log(`${r.status}: ${r.name}: ${r.reason}`);
}
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
