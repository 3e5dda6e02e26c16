import {
  Kind,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { ErrorCode, type Caller } from '@jobgraph/kit';

/**
 * Enforces the supergraph's `@authenticated` and `@requiresScopes` the way Apollo Router documents them:
 * a field (or a field returning a type) the caller may not see is removed from the operation before planning,
 * comes back null with an error at its path, and the rest of the operation still runs; an operation left with
 * nothing to run is refused without calling any subgraph.
 */

/** What one type or field requires; scopes are alternatives (OR) of sets (AND), as in `@requiresScopes`. */
export interface Requirement {
  authenticated: boolean;
  scopes: string[][] | null;
}

export type AuthMap = Map<string, Requirement>;

/** Reads the directives out of the composed supergraph SDL (names follow the `@link … as:` imports). */
export function buildAuthMap(supergraphSdl: string): AuthMap {
  const doc = parse(supergraphSdl);
  const names = { authenticated: 'authenticated', requiresScopes: 'requiresScopes' };
  for (const def of doc.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const dir of def.directives ?? []) {
      if (dir.name.value !== 'link') continue;
      const url = argValue(dir.arguments?.find((a) => a.name.value === 'url')?.value);
      const as = argValue(dir.arguments?.find((a) => a.name.value === 'as')?.value);
      if (typeof url !== 'string' || typeof as !== 'string') continue;
      if (url.includes('/authenticated/')) names.authenticated = as;
      if (url.includes('/requiresScopes/')) names.requiresScopes = as;
    }
  }
  const map: AuthMap = new Map();
  const read = (key: string, directives: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] | undefined) => {
    let authenticated = false;
    let scopes: string[][] | null = null;
    for (const dir of directives ?? []) {
      if (dir.name.value === names.authenticated) authenticated = true;
      if (dir.name.value === names.requiresScopes) {
        const value = argValue(dir.arguments?.find((a) => a.name.value === 'scopes')?.value);
        if (Array.isArray(value)) scopes = [...(scopes ?? []), ...value.map((set) => (Array.isArray(set) ? set.map(String) : [String(set)]))];
      }
    }
    if (authenticated || scopes) map.set(key, { authenticated, scopes });
  };
  for (const def of doc.definitions) {
    if (
      def.kind === Kind.OBJECT_TYPE_DEFINITION ||
      def.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      def.kind === Kind.OBJECT_TYPE_EXTENSION ||
      def.kind === Kind.INTERFACE_TYPE_EXTENSION
    ) {
      read(def.name.value, def.directives);
      for (const field of def.fields ?? []) read(`${def.name.value}.${field.name.value}`, field.directives);
    } else if (def.kind === Kind.UNION_TYPE_DEFINITION || def.kind === Kind.ENUM_TYPE_DEFINITION || def.kind === Kind.SCALAR_TYPE_DEFINITION) {
      read(def.name.value, def.directives);
    }
  }
  return map;
}

function argValue(node: ValueNode | undefined): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.LIST:
      return node.values.map(argValue);
    default:
      return undefined;
  }
}

/** UNAUTHENTICATED when there is no caller, FORBIDDEN when the caller lacks the scopes; null when allowed. */
export function denial(requirement: Requirement | undefined, caller: Caller | null): ErrorCode | null {
  if (!requirement) return null;
  if (!caller) return ErrorCode.UNAUTHENTICATED;
  if (requirement.scopes && !requirement.scopes.some((set) => set.every((s) => caller.scopes.includes(s)))) return ErrorCode.FORBIDDEN;
  return null;
}

/** A field taken out of the operation: where the response gets null, and where the error points. */
export interface Removal {
  /** Response keys down to the field that is set to null (an ancestor when the denied field is non-null). */
  nullAt: string[];
  /** Response keys down to the denied field. */
  deniedAt: string[];
  code: ErrorCode;
  /** Schema coordinate of what was denied, e.g. `User.email`. */
  coordinate: string;
  /** False for a denied fragment type condition: its fields are just absent, nothing is nulled. */
  placeNull: boolean;
}

export interface FilterResult {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  removals: Removal[];
  /** True when nothing is left to execute. */
  empty: boolean;
}

const MESSAGES: Record<string, string> = {
  [ErrorCode.UNAUTHENTICATED]: 'You must be signed in to see this field.',
  [ErrorCode.FORBIDDEN]: 'You are not allowed to see this field.',
};

/**
 * Returns the operation without the fields the caller may not see (fragments are inlined first, so one
 * fragment used in an allowed and a denied position is handled per position). Null when nothing was denied.
 */
export function filterOperation(
  schema: GraphQLSchema,
  map: AuthMap,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  caller: Caller | null,
): FilterResult | null {
  if (map.size === 0) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return null;
  const removals: Removal[] = [];

  type Visited<T> = { node: T | null; bubble: boolean };

  /** Filters a selection set; `node` null when nothing is left, `bubble` when a non-null field was denied inside. */
  const visit = (parent: GraphQLCompositeType, set: SelectionSetNode, path: string[], seen: Set<string>): Visited<SelectionSetNode> => {
    const kept: SelectionNode[] = [];
    let bubble = false;
    let changed = false;
    for (const sel of set.selections) {
      let result: Visited<SelectionNode>;
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(frag.name.value)) continue;
        const inline: InlineFragmentNode = { kind: Kind.INLINE_FRAGMENT, typeCondition: frag.typeCondition, directives: sel.directives, selectionSet: frag.selectionSet };
        result = visitInline(parent, inline, path, new Set([...seen, frag.name.value]));
        changed = true;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        result = visitInline(parent, sel, path, seen);
      } else {
        result = visitField(parent, sel, path, seen);
      }
      if (result.bubble) bubble = true;
      if (result.node) kept.push(result.node);
      if (result.node !== sel) changed = true;
    }
    if (kept.length === 0) return { node: null, bubble };
    return { node: changed ? { ...set, selections: kept } : set, bubble };
  };

  const visitInline = (parent: GraphQLCompositeType, frag: InlineFragmentNode, path: string[], seen: Set<string>): Visited<InlineFragmentNode> => {
    const typeName = frag.typeCondition?.name.value;
    const type = typeName ? schema.getType(typeName) : parent;
    if (!type || !isCompositeType(type)) return { node: frag, bubble: false };
    const code = denial(map.get(type.name), caller);
    if (code) {
      // The fragment's fields are simply not returned for this type; nothing is nulled.
      removals.push({ nullAt: path, deniedAt: path, code, coordinate: type.name, placeNull: false });
      return { node: null, bubble: false };
    }
    const result = visit(type, frag.selectionSet, path, seen);
    if (!result.node) return { node: null, bubble: result.bubble };
    return { node: result.node === frag.selectionSet ? frag : { ...frag, selectionSet: result.node }, bubble: result.bubble };
  };

  const visitField = (parent: GraphQLCompositeType, field: FieldNode, path: string[], seen: Set<string>): Visited<FieldNode> => {
    const name = field.name.value;
    if (name.startsWith('__') || (!isObjectType(parent) && !isInterfaceType(parent))) return { node: field, bubble: false };
    const def = parent.getFields()[name];
    if (!def) return { node: field, bubble: false };
    const here = [...path, field.alias?.value ?? name];
    const named = getNamedType(def.type);
    const nonNull = isNonNullType(def.type);
    const code = denial(map.get(`${parent.name}.${name}`), caller) ?? denial(map.get(named.name), caller);
    if (code) {
      // A non-null field cannot be null: like a resolver error, the null goes to the parent.
      removals.push({ nullAt: nonNull ? path : here, deniedAt: here, code, coordinate: `${parent.name}.${name}`, placeNull: true });
      return { node: null, bubble: nonNull };
    }
    if (!field.selectionSet || !isCompositeType(named)) return { node: field, bubble: false };
    const before = removals.length;
    const result = visit(named, field.selectionSet, here, seen);
    if (!result.node || result.bubble) {
      // Nothing left to select here, or a non-null child was denied: this field becomes null (or its parent).
      for (let i = before; i < removals.length; i++) removals[i] = { ...removals[i], nullAt: nonNull ? path : here, placeNull: true };
      return { node: null, bubble: nonNull };
    }
    return { node: result.node === field.selectionSet ? field : { ...field, selectionSet: result.node }, bubble: false };
  };

  const result = visit(root, operation.selectionSet, [], new Set());
  if (removals.length === 0) return null;
  if (!result.node || result.bubble) return { document, operation, removals, empty: true };
  const filtered: OperationDefinitionNode = { ...operation, selectionSet: result.node };
  // Fragments are inlined into the filtered operation, so only the operation itself is kept.
  return { document: { kind: Kind.DOCUMENT, definitions: [filtered] }, operation: filtered, removals, empty: false };
}

/** Writes null where fields were removed and returns one error per concrete path (capped per removal). */
export function applyRemovals(
  data: Record<string, unknown> | null | undefined,
  removals: Removal[],
  makeError: (message: string, path: (string | number)[], code: ErrorCode, coordinate: string) => GraphQLError,
  maxErrorsPerRemoval = 50,
): GraphQLError[] {
  const errors: GraphQLError[] = [];
  for (const removal of removals) {
    let count = 0;
    const rest = removal.deniedAt.slice(removal.nullAt.length);
    const walk = (value: unknown, depth: number, concrete: (string | number)[]): void => {
      if (Array.isArray(value)) {
        value.forEach((item, i) => walk(item, depth, [...concrete, i]));
        return;
      }
      if (value === null || typeof value !== 'object') return;
      const obj = value as Record<string, unknown>;
      const key = removal.nullAt[depth];
      if (depth === removal.nullAt.length - 1) {
        if (removal.placeNull) obj[key] = null;
        if (count++ < maxErrorsPerRemoval) errors.push(makeError(MESSAGES[removal.code], [...concrete, key, ...rest], removal.code, removal.coordinate));
        return;
      }
      walk(obj[key], depth + 1, [...concrete, key]);
    };
    if (removal.nullAt.length === 0 || (!removal.placeNull && removal.nullAt.length === removal.deniedAt.length)) {
      errors.push(makeError(MESSAGES[removal.code], removal.deniedAt, removal.code, removal.coordinate));
      continue;
    }
    walk(data, 0, []);
  }
  return errors;
}

export function describeRefusal(removals: Removal[]): { message: string; code: ErrorCode } {
  const code = removals.some((r) => r.code === ErrorCode.UNAUTHENTICATED) ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN;
  return {
    code,
    message:
      code === ErrorCode.UNAUTHENTICATED
        ? 'You must be signed in for this operation.'
        : 'You are not allowed to perform this operation.',
  };
}
