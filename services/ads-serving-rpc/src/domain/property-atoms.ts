import type { PageProperties, PropertyExpression, PropertyLiteral } from '@ads/ads-client';

// An atom is one fact a slot's properties may hold: "key has this value" (a text value, or an
// entry of a list value; a number; a boolean) or "key is present". Candidates are grouped by
// atoms, and a slot looks only at the groups of the atoms it holds.

const SEPARATOR = '\u0000';

/** The atom "`key` has the value `value`" (a list holds one per entry). */
export function valueAtom(key: string, value: PropertyLiteral): string {
  const type = typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'b';
  return `${key}${SEPARATOR}${type}${String(value)}`;
}

/** The atom "`key` is present". */
export function presenceAtom(key: string): string {
  return `${key}${SEPARATOR}?`;
}

function isPresence(atom: string): boolean {
  return atom.endsWith(`${SEPARATOR}?`);
}

/**
 * A necessary condition of an expression as atoms: whenever the expression holds, at least one
 * of them holds. Null when none can be derived (a NOT, a `!=`, or an OR with such a branch):
 * such a campaign must be checked on every request.
 */
export function necessaryPropertyAtoms(expression: PropertyExpression): string[] | null {
  switch (expression.kind) {
    case 'has':
      return [presenceAtom(expression.key)];
    case 'is-true':
      return [valueAtom(expression.key, true)];
    case 'in':
      return [...new Set(expression.values)].map((value) => valueAtom(expression.key, value));
    case 'compare':
      if (expression.op === '!=') return null;
      return expression.op === '=' ? [valueAtom(expression.key, expression.value)] : [presenceAtom(expression.key)];
    case 'not':
      return null;
    case 'or': {
      const atoms = new Set<string>();
      for (const operand of expression.operands) {
        const operandAtoms = necessaryPropertyAtoms(operand);
        if (operandAtoms === null) return null;
        for (const atom of operandAtoms) atoms.add(atom);
      }
      return [...atoms];
    }
    case 'and': {
      // Any operand's condition will do: take the narrowest (values before mere presence).
      let best: string[] | null = null;
      let bestCost = Infinity;
      for (const operand of expression.operands) {
        const atoms = necessaryPropertyAtoms(operand);
        if (atoms === null) continue;
        const cost = atoms.length + (atoms.some(isPresence) ? 1_000_000 : 0);
        if (cost < bestCost) {
          best = atoms;
          bestCost = cost;
        }
      }
      return best;
    }
  }
}

/** Every atom a slot's properties hold, each once. */
export function heldPropertyAtoms(properties: PageProperties): string[] {
  const atoms = new Set<string>();
  for (const key in properties) {
    const value = properties[key]!;
    atoms.add(presenceAtom(key));
    if (typeof value === 'object') for (const entry of value) atoms.add(valueAtom(key, entry));
    else atoms.add(valueAtom(key, value));
  }
  return [...atoms];
}
