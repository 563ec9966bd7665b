#!/usr/bin/env node
// Checks a Switchboard audit export (npm run audit -- export, or GET /audit/export) offline, with
// nothing but Node's own modules: an auditor can read this whole file and run it without the hub,
// its database or its dependencies. What it recomputes is copied from src/audit on purpose.
//
//   node scripts/verify-audit-proof.mjs trail.ndjson [--key hub-key.json] [--key-id KEY_ID]
//   node scripts/verify-audit-proof.mjs --proof proof.json --key hub-key.json [--event event.json]
//
// --proof   one inclusion proof as the hub's auditProof query answers it (the GraphQL response, or
//           its auditProof object with position, leafIndex, treeSize, leafHash, auditPath and seal):
//           checks the seal's signature with the pinned key and the audit path to its root. With
//           --event (the event as stored: an export's event line, e.g. one exported before it was
//           sealed), also that the event's fields give the proven leaf hash at that position.
// --key     a public key obtained apart from the file (a JWK, a JWKS {"keys": [...]}, or the
//           hub's /.well-known/switchboard-audit-keys answer): only its keys are trusted.
// --key-id  trust only the key with this RFC 7638 thumbprint.
// Without either, the keys in the file's header are used: that proves the file is consistent, not
// that the hub signed it.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const EXPORT_FORMAT = 'switchboard-audit-export-v1';
const LEAF_FORMAT = 'switchboard-event-v1';
const SEAL_CONTEXT = 'switchboard-audit-seal-v1\n';
const MAX_FAILURES_SHOWN = 20;

/** src/shared/canonical-json.ts: keys sorted by UTF-16 code units (RFC 8785 order), no whitespace. */
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** RFC 6962 2.1: leaves hashed with a 0x00 prefix, inner nodes with 0x01. */
const leafHash = (text) => sha256(Buffer.from([0]), Buffer.from(text, 'utf8'));
const nodeHash = (left, right) => sha256(Buffer.from([1]), left, right);

/**
 * src/audit/event-leaf.ts (switchboard-event-v1): what a seal commits to for one event. A line of
 * canonical JSON with its place and identity, then its data and its metadata as stored (the JSON
 * text the hub wrote, which JSON.stringify gives back from the parsed line: key order is kept).
 */
const eventLeafBytes = (event) =>
  `${canonicalJson({
    id: event.id,
    position: event.position,
    revision: event.revision,
    stream: event.stream,
    type: event.type,
  })}\n${JSON.stringify(event.data) ?? 'null'}\n${JSON.stringify(event.metadata) ?? 'null'}`;

/** RFC 9162 2.1.3.2: the root from a leaf hash and its audit path. */
function rootFromPath(leaf, index, treeSize, path) {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) return null;
  let fn = index;
  let sn = treeSize - 1;
  let hash = leaf;
  for (const sibling of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      hash = nodeHash(sibling, hash);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? hash : null;
}

/** src/audit/seal-statement.ts: the bytes a seal's Ed25519 signature covers. */
const sealStatement = (seal) =>
  Buffer.from(
    SEAL_CONTEXT +
      canonicalJson({
        count: seal.count,
        fromPosition: seal.fromPosition,
        keyId: seal.keyId,
        leafFormat: seal.leafFormat,
        previousRoot: seal.previousRoot,
        root: seal.root,
        toPosition: seal.toPosition,
      }),
    'utf8',
  );

/** RFC 7638 thumbprint of an Ed25519 JWK: the key id anyone can recompute. */
const thumbprint = (jwk) =>
  createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }))
    .digest('base64url');

function signatureValid(jwk, seal) {
  try {
    const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
    return verify(null, sealStatement(seal), key, Buffer.from(seal.signature, 'base64url'));
  } catch {
    return false;
  }
}

/** Public keys from a JWK, a JWKS, or entries of {keyId, publicKey}. */
function keysIn(json) {
  const entries = Array.isArray(json) ? json : Array.isArray(json?.keys) ? json.keys : [json];
  return entries
    .map((entry) => entry?.publicKey ?? entry)
    .filter((jwk) => jwk?.kty === 'OKP' && jwk?.crv === 'Ed25519');
}

const isDecimal = (value) => typeof value === 'string' && /^\d+$/.test(value);
const tenantOfStream = (stream) => {
  const rest = String(stream).slice(String(stream).indexOf('-') + 1);
  return rest.includes('.') ? rest.slice(0, rest.indexOf('.')) : null;
};

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      'key-id': { type: 'string' },
      proof: { type: 'string' },
      event: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const proofMode = values.proof !== undefined;
  if (
    values.help ||
    positionals.length !== (proofMode ? 0 : 1) ||
    (proofMode && !values.key) ||
    (!proofMode && values.event !== undefined)
  ) {
    process.stderr.write(
      'Usage: node scripts/verify-audit-proof.mjs EXPORT.ndjson [--key KEY.json] [--key-id KEY_ID]\n' +
        '       node scripts/verify-audit-proof.mjs --proof PROOF.json --key KEY.json [--key-id KEY_ID] [--event EVENT.json]\n',
    );
    return values.help ? 0 : 64;
  }
  const pinned = values.key ? keysIn(JSON.parse(readFileSync(values.key, 'utf8'))) : null;
  if (pinned && pinned.length === 0) {
    process.stderr.write(`${values.key} holds no Ed25519 public key (JWK)\n`);
    return 64;
  }
  if (proofMode) return checkProofFile(values, pinned);

  const file = positionals[0];
  const failures = [];
  const fail = (line, message) => failures.push(`line ${line}: ${message}`);

  let trusted = new Map((pinned ?? []).map((jwk) => [thumbprint(jwk), jwk]));

  let header = null;
  let ended = null;
  const seals = new Map();
  let lastSeal = null;
  let lastEvent = -1n;
  const counted = { events: 0, sealedEvents: 0, unsealedEvents: 0, seals: 0 };
  let lineNumber = 0;

  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    let line;
    try {
      line = JSON.parse(text);
    } catch {
      fail(lineNumber, 'is not JSON');
      continue;
    }
    if (ended) {
      fail(lineNumber, 'comes after the end line');
      continue;
    }
    if (!header) {
      if (line.kind !== 'header' || line.format !== EXPORT_FORMAT) {
        fail(lineNumber, `the file does not start with a ${EXPORT_FORMAT} header: nothing can be checked`);
        break;
      }
      header = line;
      if (header.leafFormat !== LEAF_FORMAT)
        fail(lineNumber, `leaf format ${header.leafFormat} is not ${LEAF_FORMAT}`);
      for (const key of header.keys ?? []) {
        if (thumbprint(key.publicKey) !== key.keyId)
          fail(lineNumber, `key ${key.keyId} is not the thumbprint of the key given with it`);
        else if (!pinned) trusted.set(key.keyId, key.publicKey);
      }
      if (values['key-id']) {
        const only = trusted.get(values['key-id']);
        trusted = new Map(only ? [[values['key-id'], only]] : []);
        if (!only)
          fail(
            lineNumber,
            `no key with id ${values['key-id']} ${pinned ? `in ${values.key}` : 'in the header'}`,
          );
      }
      continue;
    }
    if (line.kind === 'seal') checkSeal(line);
    else if (line.kind === 'event') checkEvent(line);
    else if (line.kind === 'end') {
      ended = line;
      for (const field of ['events', 'sealedEvents', 'unsealedEvents', 'seals']) {
        if (line[field] !== counted[field])
          fail(lineNumber, `the end line counts ${line[field]} ${field}, the file holds ${counted[field]}`);
      }
    } else fail(lineNumber, `unknown line kind ${JSON.stringify(line.kind)}`);
  }

  function checkSeal(seal) {
    counted.seals++;
    const name = `seal ${seal.revision} (${seal.fromPosition}..${seal.toPosition})`;
    if (![seal.revision, seal.fromPosition, seal.toPosition].every(isDecimal))
      return fail(lineNumber, `${name} is malformed`);
    const revision = BigInt(seal.revision);
    if (lastSeal) {
      const expected = BigInt(lastSeal.revision) + 1n;
      if (revision !== expected)
        fail(lineNumber, `${name}: the chain has a hole, seal ${expected} should come next`);
      else {
        if (seal.previousRoot !== lastSeal.root)
          fail(
            lineNumber,
            `${name} does not name the root of seal ${lastSeal.revision}: the chain is broken`,
          );
        if (BigInt(seal.fromPosition) !== BigInt(lastSeal.toPosition) + 1n)
          fail(lineNumber, `${name} does not start right after seal ${lastSeal.revision}'s range`);
      }
    } else if (revision === 0n && (seal.previousRoot !== null || seal.fromPosition !== '0')) {
      fail(lineNumber, `${name} is the first of the chain but names a previous root or does not start at 0`);
    }
    if (BigInt(seal.fromPosition) <= lastEvent)
      fail(lineNumber, `${name} comes after an event it covers (position ${lastEvent})`);
    if (seal.leafFormat !== LEAF_FORMAT)
      fail(lineNumber, `${name} uses leaf format ${seal.leafFormat}, which this script cannot check`);
    const key = trusted.get(seal.keyId);
    if (!key)
      fail(
        lineNumber,
        `${name} is signed by key ${seal.keyId}, which is not ${pinned || values['key-id'] ? 'the pinned key' : 'in the header'}`,
      );
    else if (!signatureValid(key, seal))
      fail(lineNumber, `${name}: the signature does not verify with key ${seal.keyId}`);
    seals.set(seal.revision, seal);
    lastSeal = seal;
  }

  function checkEvent(event) {
    counted.events++;
    if (!isDecimal(event.position) || !isDecimal(event.revision))
      return fail(lineNumber, 'an event without a decimal position and revision');
    const position = BigInt(event.position);
    const at = `position ${event.position}`;
    if (position <= lastEvent) fail(lineNumber, `${at} does not come after position ${lastEvent}`);
    lastEvent = position;
    if (tenantOfStream(event.stream) !== header.tenant)
      fail(lineNumber, `${at} is in stream ${event.stream}, not one of tenant ${header.tenant}`);
    if (
      (header.from !== null && position < BigInt(header.from)) ||
      (header.to !== null && position > BigInt(header.to))
    )
      fail(lineNumber, `${at} is outside the exported range`);
    const proof = event.proof;
    if (proof === null || proof === undefined) {
      counted.unsealedEvents++;
      if (event.sealed !== false)
        return fail(
          lineNumber,
          `${at} is sealed but has no proof${event.problem ? `: ${event.problem}` : ''}`,
        );
      if (lastSeal && BigInt(lastSeal.toPosition) >= position)
        fail(lineNumber, `${at} is marked not sealed, but seal ${lastSeal.revision} covers it`);
      return;
    }
    counted.sealedEvents++;
    const seal = seals.get(proof.sealRevision);
    if (!seal)
      return fail(
        lineNumber,
        `${at}: its proof names seal ${proof.sealRevision}, which is not before it in the file`,
      );
    const name = `seal ${seal.revision}`;
    if (position < BigInt(seal.fromPosition) || position > BigInt(seal.toPosition))
      return fail(
        lineNumber,
        `${at} is outside the range of ${name} (${seal.fromPosition}..${seal.toPosition})`,
      );
    if (proof.treeSize !== seal.count)
      return fail(lineNumber, `${at}: the proof's tree size is not the count of ${name}`);
    const leaf = leafHash(eventLeafBytes(event));
    if (leaf.toString('hex') !== proof.leafHash)
      return fail(
        lineNumber,
        `${at}: the event's fields no longer give the leaf hash sealed in ${name} (its id, type, stream, revision, data or metadata was changed)`,
      );
    const path = Array.isArray(proof.auditPath)
      ? proof.auditPath.map((hash) => Buffer.from(String(hash), 'hex'))
      : [];
    const root = rootFromPath(leaf, proof.leafIndex, proof.treeSize, path);
    if (!root || root.toString('hex') !== seal.root)
      fail(lineNumber, `${at}: the audit path does not lead to the root of ${name}`);
  }

  if (header && !ended) fail(lineNumber, 'the file has no end line: it was cut short');
  const out = process.stdout;
  out.write(`${file}: ${header ? `tenant ${header.tenant}, exported ${header.exportedAt}` : 'no header'}\n`);
  out.write(
    `  events: ${counted.events} (${counted.sealedEvents} with a proof, ${counted.unsealedEvents} not sealed yet)\n`,
  );
  const first = [...seals.keys()][0];
  out.write(
    `  seals:  ${counted.seals}${lastSeal ? ` (chain revisions ${first}..${lastSeal.revision}, through position ${lastSeal.toPosition})` : ''}\n`,
  );
  out.write(
    `  keys:   ${[...trusted.keys()].join(', ') || 'none'} (${pinned ? `pinned from ${values.key}` : values['key-id'] ? 'pinned by id' : "taken from the file's header"})\n`,
  );
  if (failures.length > 0) {
    out.write(`FAILED: ${failures.length} problem(s)\n`);
    for (const failure of failures.slice(0, MAX_FAILURES_SHOWN)) out.write(`  ${failure}\n`);
    if (failures.length > MAX_FAILURES_SHOWN)
      out.write(`  … and ${failures.length - MAX_FAILURES_SHOWN} more\n`);
    return 1;
  }
  out.write('OK: every seal is signed and chained, and every event with a proof is in its seal\n');
  if (!pinned && !values['key-id'])
    out.write(
      "  (the keys came from the file itself: pass --key or --key-id with the hub's published key to rule out a re-signed file)\n",
    );
  return 0;
}

/**
 * One auditProof answer: the seal signed by a pinned key, the audit path from the leaf hash to the
 * seal's root, and, given the event as stored, its leaf hash at that position.
 */
function checkProofFile(values, pinned) {
  const json = JSON.parse(readFileSync(values.proof, 'utf8'));
  const proof = json?.data?.auditProof ?? json?.auditProof ?? json;
  const seal = proof?.seal;
  const failures = [];
  const fail = (message) => failures.push(message);
  let trusted = new Map(pinned.map((jwk) => [thumbprint(jwk), jwk]));
  if (values['key-id']) {
    const only = trusted.get(values['key-id']);
    trusted = new Map(only ? [[values['key-id'], only]] : []);
    if (!only) fail(`no key with id ${values['key-id']} in ${values.key}`);
  }
  const decimal = (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (!seal || ![proof.position, seal.fromPosition, seal.toPosition].map(decimal).every(isDecimal)) {
    process.stderr.write(
      `${values.proof} is not an auditProof answer (position, leafHash, auditPath, seal)\n`,
    );
    return 64;
  }
  const position = BigInt(decimal(proof.position));
  const statement = {
    ...seal,
    fromPosition: decimal(seal.fromPosition),
    toPosition: decimal(seal.toPosition),
  };
  const name = `seal ${seal.revision ?? '?'} (${statement.fromPosition}..${statement.toPosition})`;
  if (seal.leafFormat !== LEAF_FORMAT)
    fail(`${name} uses leaf format ${seal.leafFormat}, which this script cannot check`);
  const key = trusted.get(seal.keyId);
  if (!key) fail(`${name} is signed by key ${seal.keyId}, which is not the pinned key`);
  else if (!signatureValid(key, statement))
    fail(`${name}: the signature does not verify with key ${seal.keyId}`);
  if (position < BigInt(statement.fromPosition) || position > BigInt(statement.toPosition))
    fail(`position ${position} is outside the range of ${name}`);
  if (proof.treeSize !== seal.count) fail(`the proof's tree size is not the count of ${name}`);
  const leaf = /^[0-9a-f]{64}$/.test(String(proof.leafHash)) ? Buffer.from(proof.leafHash, 'hex') : null;
  const path = Array.isArray(proof.auditPath)
    ? proof.auditPath.map((hash) => Buffer.from(String(hash), 'hex'))
    : [];
  const root = leaf && rootFromPath(leaf, proof.leafIndex, proof.treeSize, path);
  if (!root || root.toString('hex') !== seal.root)
    fail(`position ${position}: the audit path does not lead from the leaf hash to the root of ${name}`);
  if (values.event !== undefined) {
    const event = JSON.parse(readFileSync(values.event, 'utf8'));
    if (!isDecimal(event?.position) || BigInt(event.position) !== position)
      fail(`${values.event} is the event at position ${event?.position}, not ${position}`);
    else if (leafHash(eventLeafBytes(event)).toString('hex') !== proof.leafHash)
      fail(
        `position ${position}: the event's fields do not give the proven leaf hash (its id, type, stream, revision, data or metadata differs)`,
      );
  }
  const out = process.stdout;
  out.write(`${values.proof}: position ${position} in ${name}, key ${seal.keyId}\n`);
  if (failures.length > 0) {
    out.write(`FAILED: ${failures.length} problem(s)\n`);
    for (const failure of failures) out.write(`  ${failure}\n`);
    return 1;
  }
  out.write(
    values.event !== undefined
      ? 'OK: the seal is signed by the pinned key and the event is in it\n'
      : 'OK: the seal is signed by the pinned key and the leaf hash is in it\n' +
          '  (pass --event with the event as stored to check that it is the one this leaf hash stands for)\n',
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`verify-audit-proof: ${error?.message ?? error}\n`);
    process.exitCode = 2;
  },
);
