import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SwitchboardError } from '../shared/errors.js';
import { BUILT_IN_MANIFESTS } from './built-ins.js';
import { resolveExtension, syncProblems } from './provider-extension.js';
import { manifestSchema, type ProviderManifest } from './sdk/manifest.js';
import { describeProblems, type ManifestProblem, problemsOf } from './sdk/problems.js';

/**
 * SWITCHBOARD_PROVIDERS_FILE: `{"providers": [manifest, ...]}` in JSON or YAML, validated by the
 * same schema as the built-in manifests. An entry with `extends` patches a built-in manifest
 * (provider-extension.ts) and is validated once merged. A bad file stops startup with every problem
 * at once, each at its exact path (`providers[1].auth.tokenUrl: Invalid URL`).
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

/** The file's shape; each entry is checked on its own once any `extends` is resolved. */
const providersFileSchema = z.strictObject({ providers: z.array(z.unknown()) });

export interface LoadProvidersOptions {
  /** What a custom provider may extend and whose ids it may not take (tests give their own). */
  builtIns?: readonly ProviderManifest[];
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
  const document = providersFileSchema.safeParse(decode(path, text));
  if (!document.success) throw new ProvidersFileError(path, problemsOf(document.error));
  const entries = document.data.providers;
  const builtIns = new Map(
    (options.builtIns ?? BUILT_IN_MANIFESTS).map((manifest) => [manifest.id, manifest]),
  );
  const customIds = new Set(entries.map(idOf).filter((id) => id !== undefined));
  const problems: ManifestProblem[] = [];
  const manifests: ProviderManifest[] = [];
  entries.forEach((entry, index) => {
    const parsed = parseEntry(entry, index, builtIns, customIds);
    problems.push(...parsed.problems);
    if (parsed.manifest) manifests.push(parsed.manifest);
  });
  problems.push(...idProblems(entries, new Set(builtIns.keys())));
  if (problems.length > 0) throw new ProvidersFileError(path, problems);
  return manifests;
}

function parseEntry(
  entry: unknown,
  index: number,
  builtIns: ReadonlyMap<string, ProviderManifest>,
  customIds: ReadonlySet<string>,
): { manifest?: ProviderManifest; problems: ManifestProblem[] } {
  const resolved = resolveExtension(entry, index, builtIns, customIds);
  if (!resolved.ok) return { problems: resolved.problems };
  const result = manifestSchema.safeParse(resolved.input);
  if (!result.success) return { problems: problemsOf(result.error, ['providers', index]) };
  return { manifest: result.data, problems: syncProblems(result.data, resolved.base, index) };
}

function idOf(entry: unknown): string | undefined {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
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

/** Collisions are checked on the raw entries so they are reported with the schema's problems. */
function idProblems(entries: readonly unknown[], reserved: ReadonlySet<string>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const id = idOf(entry);
    if (id === undefined) return;
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
