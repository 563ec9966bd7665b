import { type DocumentNode, GraphQLError, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * PostgreSQL text cannot hold U+0000, and a lone UTF-16 surrogate has no UTF-8 form (it would be
 * stored as U+FFFD, or refused inside JSON). Either one in an argument would fail deep in a
 * query or, worse, be appended to the log and stop a projection, so it is refused at the door.
 */
const UNSAFE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type UnsafeTextProblem = 'a NUL character' | 'a lone surrogate';

export function unsafeTextProblem(text: string): UnsafeTextProblem | null {
  const match = UNSAFE.exec(text);
  if (!match) return null;
  return match[0] === '\0' ? 'a NUL character' : 'a lone surrogate';
}

export interface UnsafeText {
  /** Where it is: `$input.displayName`, `$types[1]`, or `a string literal`. */
  where: string;
  problem: UnsafeTextProblem;
}

/**
 * The first unsafe string among the variables, their object keys included (a JSON argument's keys
 * are stored too). Iterative: variables come from a JSON body and may be nested thousands deep.
 */
export function findUnsafeVariable(
  variables: Readonly<Record<string, unknown>> | null | undefined,
): UnsafeText | null {
  const pending: Array<[string, unknown]> = [['$', variables]];
  while (pending.length > 0) {
    const [path, value] = pending.pop()!;
    if (typeof value === 'string') {
      const problem = unsafeTextProblem(value);
      if (problem) return { where: path, problem };
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) pending.push([`${path}[${index}]`, item]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const problem = unsafeTextProblem(key);
        if (problem) return { where: `a key in ${path}`, problem };
        pending.push([path === '$' ? `$${key}` : `${path}.${key}`, item]);
      }
    }
  }
  return null;
}

/** The first unsafe string literal of a document (GraphQL's `\u0000` escape makes a NUL). */
export function findUnsafeLiteral(document: DocumentNode): UnsafeText | null {
  let found: UnsafeText | null = null;
  visit(document, {
    [Kind.STRING]: (node) => {
      const problem = unsafeTextProblem(node.value);
      if (!problem) return undefined;
      found = { where: 'a string literal', problem };
      return false;
    },
  });
  return found;
}

/** The refusal, before any resolver runs: a request error (400 over HTTP) with BAD_USER_INPUT. */
export function unsafeTextError(unsafe: UnsafeText): GraphQLError {
  return new GraphQLError(`Text arguments may not contain ${unsafe.problem} (found in ${unsafe.where})`, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

/**
 * Refuses an operation whose variables or string literals hold a NUL or a lone surrogate. Runs at
 * execute and subscribe, so it covers HTTP and graphql-ws alike (both go through the envelop).
 */
export function useSafeTextInputs(): Plugin {
  // Documents are parsed once and cached by Yoga, so each is scanned once.
  const literals = new WeakMap<DocumentNode, UnsafeText | null>();
  const check = (document: DocumentNode, variables: Readonly<Record<string, unknown>> | null | undefined) => {
    let literal = literals.get(document);
    if (literal === undefined) {
      literal = findUnsafeLiteral(document);
      literals.set(document, literal);
    }
    const unsafe = literal ?? findUnsafeVariable(variables);
    return unsafe && { errors: [unsafeTextError(unsafe)] };
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      const refusal = check(args.document, args.variableValues);
      if (refusal) setResultAndStopExecution(refusal);
    },
    onSubscribe: ({ args, setResultAndStopExecution }) => {
      const refusal = check(args.document, args.variableValues);
      if (refusal) setResultAndStopExecution(refusal);
    },
  };
}
