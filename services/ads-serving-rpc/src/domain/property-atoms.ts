import type { PageProperties, PropertyExpression, PropertyLiteral, PropertyValue } from '@ads/ads-client';

/**
 * One fact a slot's properties may hold: `key` has `value` (a text value, or an entry of a list
 * value; a number; a boolean), or, when `value` is undefined, `key` is present. Candidates are
 * grouped by atoms, and a slot looks only at the groups of the atoms it holds.
 */
export interface PropertyAtom {
  key: string;
  value: PropertyLiteral | undefined;
}

/** A slot's property by key; own properties only (a key such as `constructor` is allowed). */
export function propertyValueOf(properties: PageProperties, key: string): PropertyValue | undefined {
  return Object.hasOwn(properties, key) ? properties[key] : undefined;
}

/** Whether the slot's properties hold the atom. */
export function propertyAtomHeld(atom: PropertyAtom, properties: PageProperties): boolean {
  const value = propertyValueOf(properties, atom.key);
  if (value === undefined) return false;
  if (atom.value === undefined) return true;
  if (Array.isArray(value)) return (value as readonly string[]).includes(atom.value as string);
  return value === atom.value;
}

function atomId(atom: PropertyAtom): string {
  return atom.value === undefined ? `${atom.key}?` : `${atom.key}=${typeof atom.value}:${String(atom.value)}`;
}

function distinct(atoms: PropertyAtom[]): PropertyAtom[] {
  return [...new Map(atoms.map((atom) => [atomId(atom), atom])).values()];
}

/**
 * A necessary condition of an expression as atoms: whenever the expression holds, at least one
 * of them holds (each listed once). Null when none can be derived (a NOT, a `!=`, or an OR with
 * such a branch): such a campaign must be checked on every request.
 */
export function necessaryPropertyAtoms(expression: PropertyExpression): PropertyAtom[] | null {
  switch (expression.kind) {
    case 'has':
      return [{ key: expression.key, value: undefined }];
    case 'is-true':
      return [{ key: expression.key, value: true }];
    case 'in':
      return distinct(expression.values.map((value) => ({ key: expression.key, value })));
    case 'compare':
      if (expression.op === '!=') return null;
      return [{ key: expression.key, value: expression.op === '=' ? expression.value : undefined }];
    case 'not':
      return null;
    case 'or': {
      const atoms: PropertyAtom[] = [];
      for (const operand of expression.operands) {
        const operandAtoms = necessaryPropertyAtoms(operand);
        if (operandAtoms === null) return null;
        atoms.push(...operandAtoms);
      }
      return distinct(atoms);
    }
    case 'and': {
      // Any operand's condition will do: take the narrowest (values before mere presence).
      let best: PropertyAtom[] | null = null;
      let bestCost = Infinity;
      for (const operand of expression.operands) {
        const atoms = necessaryPropertyAtoms(operand);
        if (atoms === null) continue;
        const cost = atoms.length + (atoms.some((atom) => atom.value === undefined) ? 1_000_000 : 0);
        if (cost < bestCost) {
          best = atoms;
          bestCost = cost;
        }
      }
      return best;
    }
  }
}

/** How many of the atoms the slot's properties hold. */
export function heldPropertyAtoms(atoms: readonly PropertyAtom[], properties: PageProperties): number {
  let held = 0;
  for (const atom of atoms) if (propertyAtomHeld(atom, properties)) held += 1;
  return held;
}
