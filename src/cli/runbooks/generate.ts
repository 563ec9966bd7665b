import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import type { AlertLink } from './alert-links.js';
import { hubRunbook } from './hub-runbook.js';
import { runbookIndex } from './index-page.js';
import { providerRunbook } from './provider-runbook.js';
import { RUNBOOK_DIR } from './sections.js';

/** Every runbook file, by path relative to the repository root, with its content. */
export function generateRunbooks(
  manifests: readonly ProviderManifest[],
  alerts: readonly AlertLink[],
): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${RUNBOOK_DIR}/README.md`, runbookIndex(manifests, alerts));
  files.set(`${RUNBOOK_DIR}/hub.md`, hubRunbook(alerts));
  for (const manifest of manifests) {
    // hub.md and README.md are ours: a provider with either id would overwrite them.
    if (manifest.id === 'hub' || manifest.id === 'readme')
      throw new Error(`Provider id "${manifest.id}" collides with a runbook`);
    files.set(`${RUNBOOK_DIR}/${manifest.id}.md`, providerRunbook(manifest, alerts));
  }
  return files;
}
