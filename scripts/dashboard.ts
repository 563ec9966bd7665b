import { readFile, writeFile } from 'node:fs/promises';
import { DASHBOARD_FILE, dashboardJson } from '../src/observability/dashboard/grafana.js';

/** `npm run dashboard` writes deploy/grafana/switchboard.json; `-- --check` exits 1 when it is stale. */
const json = dashboardJson();
if (process.argv.includes('--check')) {
  const committed = await readFile(DASHBOARD_FILE, 'utf8').catch(() => null);
  if (committed !== json) {
    process.stdout.write(
      `${committed === null ? 'missing' : 'stale'}: ${DASHBOARD_FILE}\nRun \`npm run dashboard\`.\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`${DASHBOARD_FILE} is up to date\n`);
} else {
  await writeFile(DASHBOARD_FILE, json);
  process.stdout.write(`wrote ${DASHBOARD_FILE}\n`);
}
