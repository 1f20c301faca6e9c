import fc from 'fast-check';

/**
 * Mutations of JSON values for the fuzzers: a random walk picks a node, an operation bends it (a value of the wrong
 * type, null, deleted, wrapped in or taken out of an array, a null inserted into an array, a huge string, deep
 * nesting). Shared by the request fuzzer and the FHIR data fuzzer.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const oddStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ud800',
  '../../../etc/passwd',
  '{{context.patientId}}',
  '{{today() - 99999 days}}',
  '<script>alert(1)</script>',
  'Patient/',
  'Patient/../../x',
  '\u202e\u0041',
  '🧪'.repeat(50),
  'null',
  'NaN',
  '1e999',
  'http://169.254.169.254/latest/meta-data/',
  'Bundle',
  'OperationOutcome',
);
const oddNumbers = fc.constantFrom(0, -0, -1, 0.5, 1e308, -1e308, 2 ** 53 + 1, 1e-320);
export const oddResource = fc.oneof(
  fc.record(
    {
      resourceType: fc.oneof(
        fc.constantFrom('Bundle', 'Condition', 'Observation', 'OperationOutcome', 'Patient', 'MedicationRequest', 'DiagnosticReport', '', 'Nope'),
        fc.string({ maxLength: 12 }),
      ),
      id: fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)),
    },
    { requiredKeys: ['resourceType'] },
  ),
  fc.record({
    resourceType: fc.constant('Bundle'),
    type: fc.constantFrom('searchset', 'collection', 'transaction', 42),
    entry: fc.oneof(
      fc.constant(null),
      fc.string({ maxLength: 5 }),
      fc.array(fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.record({ resource: fc.jsonValue({ maxDepth: 2 }) })), { maxLength: 4 }),
    ),
    link: fc.oneof(fc.constant(undefined), fc.constant([{ relation: 'next', url: 'http://127.0.0.1:9/fhir/x' }]), fc.jsonValue({ maxDepth: 1 })),
  }),
);

export type Mutation =
  | { op: 'replace'; value: Json }
  | { op: 'delete' }
  | { op: 'wrap' }
  | { op: 'unwrap' }
  | { op: 'huge'; length: number }
  | { op: 'nest'; depth: number }
  | { op: 'null-into-array'; at: number }
  | { op: 'proto' };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .oneof(fc.jsonValue({ maxDepth: 2 }), oddStrings, oddNumbers, fc.constant(null), fc.boolean(), oddResource)
      .map((value) => ({ op: 'replace' as const, value: value as Json })),
  },
  { weight: 3, arbitrary: fc.constant({ op: 'delete' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'wrap' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'unwrap' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 200_000 }).map((length) => ({ op: 'huge' as const, length })) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 3000 }).map((depth) => ({ op: 'nest' as const, depth })) },
  { weight: 1, arbitrary: fc.nat({ max: 10 }).map((at) => ({ op: 'null-into-array' as const, at })) },
  { weight: 1, arbitrary: fc.constant({ op: 'proto' as const }) },
);

function mutate(value: Json, m: Mutation): Json | undefined {
  switch (m.op) {
    case 'replace':
      return m.value;
    case 'delete':
      return undefined;
    case 'wrap':
      return [value];
    case 'unwrap':
      return Array.isArray(value) ? (value[0] ?? null) : value && typeof value === 'object' ? (Object.values(value)[0] ?? null) : value;
    case 'huge':
      return 'x'.repeat(m.length);
    case 'nest': {
      let nested: Json = value;
      for (let i = 0; i < m.depth; i++) nested = i % 2 ? [nested] : { a: nested };
      return nested;
    }
    case 'null-into-array':
      if (!Array.isArray(value)) return [value, null];
      return [...value.slice(0, m.at % (value.length + 1)), null, ...value.slice(m.at % (value.length + 1))];
    case 'proto':
      return value; // applied on the request text (a JSON value cannot hold it)
  }
}

/** Applies `m` at the node reached by walking `path` (each step picks a child by index modulo the child count). */
export function applyAt(root: Json, path: readonly number[], m: Mutation): Json {
  if (path.length === 0 || root === null || typeof root !== 'object') return mutate(root, m) ?? null;
  const keys = Array.isArray(root) ? root.map((_, i) => i) : Object.keys(root);
  if (keys.length === 0) return mutate(root, m) ?? null;
  const key = keys[(path[0] ?? 0) % keys.length] as string | number;
  const child = (root as Record<string | number, Json>)[key] as Json;
  const next = path.length === 1 ? mutate(child, m) : applyAt(child, path.slice(1), m);
  if (Array.isArray(root)) {
    const copy = root.slice();
    if (next === undefined) copy.splice(key as number, 1);
    else copy[key as number] = next;
    return copy;
  }
  const copy: { [k: string]: Json } = { ...root };
  if (next === undefined) delete copy[key as string];
  else copy[key as string] = next;
  return copy;
}

/**
 * JSON text of a value, also when it is nested deeper than `JSON.stringify` can recurse (stacked `nest` mutations):
 * then it is written iteratively. A JSON parser reads such text fine, so a client can send it.
 */
export function toJsonText(value: Json): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  type Frame = { text: string } | { value: Json };
  const out: string[] = [];
  const stack: Frame[] = [{ value }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('text' in frame) {
      out.push(frame.text);
      continue;
    }
    const v = frame.value;
    if (v === null || typeof v !== 'object') {
      out.push(JSON.stringify(v));
    } else if (Array.isArray(v)) {
      stack.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i] ?? null });
        if (i > 0) stack.push({ text: ',' });
      }
      stack.push({ text: '[' });
    } else {
      const keys = Object.keys(v);
      stack.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push({ value: v[key] ?? null });
        stack.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` });
      }
      stack.push({ text: '{' });
    }
  }
  return out.join('');
}
