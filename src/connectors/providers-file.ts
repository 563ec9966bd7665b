import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SwitchboardError } from '../shared/errors.js';
import { BUILT_IN_MANIFESTS } from './built-ins.js';
import { manifestSchema, type ProviderManifest } from './sdk/manifest.js';
import { describeProblems, type ManifestProblem, problemsOf } from './sdk/problems.js';

/**
 * SWITCHBOARD_PROVIDERS_FILE: `{"providers": [manifest, ...]}` in JSON or YAML, validated by the
 * same schema as the built-in manifests. A bad file stops startup with every problem at once, each
 * at its exact path (`providers[1].auth.tokenUrl: Invalid URL`).
 */
export class ProvidersFileError extends SwitchboardError {
  readonly file: string;
  readonly problems: ManifestProblem[];

  constructor(file: string, problems: ManifestProblem[], cause?: unknown) {
    super('PROVIDERS_FILE_INVALID', `Providers file ${file} is invalid:\n${describeProblems(problems)}`, {
      status: 500,
      detail: { file, problems },
      cause,
    });
    this.file = file;
    this.problems = problems;
  }
}

const providersFileSchema = z.strictObject({ providers: z.array(manifestSchema) });

export interface LoadProvidersOptions {
  /** Ids a custom provider may not take; the built-in catalog unless a test says otherwise. */
  reservedIds?: Iterable<string>;
}

export async function loadProvidersFile(
  path: string,
  options: LoadProvidersOptions = {},
): Promise<ProviderManifest[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ProvidersFileError(
      path,
      [{ path: '(file)', message: `cannot be read: ${(error as Error).message}` }],
      error,
    );
  }
  return parseProvidersFile(path, text, options);
}

/** The pure half of loadProvidersFile, for callers that already hold the text. */
export function parseProvidersFile(
  path: string,
  text: string,
  options: LoadProvidersOptions = {},
): ProviderManifest[] {
  const document = decode(path, text);
  const reserved = new Set(options.reservedIds ?? BUILT_IN_MANIFESTS.map((manifest) => manifest.id));
  const problems = idProblems(document, reserved);
  const result = providersFileSchema.safeParse(document);
  if (!result.success) problems.unshift(...problemsOf(result.error));
  if (problems.length > 0 || !result.success) throw new ProvidersFileError(path, problems);
  return result.data.providers;
}

function decode(path: string, text: string): unknown {
  const extension = extname(path).toLowerCase();
  // JSON gets JSON's parser (better messages); anything else that does not look like JSON is YAML.
  const json =
    extension === '.json' || (extension !== '.yaml' && extension !== '.yml' && /^\s*[{[]/.test(text));
  try {
    return json ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const format = json ? 'JSON' : 'YAML';
    throw new ProvidersFileError(
      path,
      [{ path: '(file)', message: `is not valid ${format}: ${(error as Error).message}` }],
      error,
    );
  }
}

/** Collisions are checked on the raw document so they are reported with the schema's problems. */
function idProblems(document: unknown, reserved: ReadonlySet<string>): ManifestProblem[] {
  const providers = (document as { providers?: unknown } | null)?.providers;
  if (!Array.isArray(providers)) return [];
  const problems: ManifestProblem[] = [];
  const seen = new Map<string, number>();
  providers.forEach((provider: unknown, index) => {
    const id = (provider as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    if (reserved.has(id)) {
      problems.push({
        path: `providers[${index}].id`,
        message: `"${id}" is a built-in provider; choose another id`,
      });
    }
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({
        path: `providers[${index}].id`,
        message: `"${id}" is already used by providers[${first}]`,
      });
    } else seen.set(id, index);
  });
  return problems;
}
