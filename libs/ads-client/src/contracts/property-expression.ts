import { MAX_PROPERTY_TEXT_LENGTH, PROPERTY_RESERVED_WORDS, isPropertyKey } from './page-properties.js';

// The language a campaign targets page properties with (key-value targeting):
//
//   expression := or
//   or         := and ("OR" and)*
//   and        := unary ("AND" unary)*
//   unary      := "NOT" unary | primary
//   primary    := "(" expression ")"
//               | "HAS" key                          the page (or slot) has the property
//               | key "IN" "(" text ("," text)* ")"   text value among these, or a list sharing one
//               | key ("=" | "!=") literal             equal (a list value: one entry equals)
//               | key ("<" | "<=" | ">" | ">=") number
//               | key                                the property is the boolean true
//   literal    := text | number | "true" | "false"
//
// Words are case-insensitive; keys are lower-case (`PROPERTY_KEY_PATTERN`); texts are JSON
// strings in double quotes; numbers are JSON-like (`-12`, `0.5`, `1e3`). A comparison with a
// value of another type is false, and so is any test of an absent property; `k != v` is
// `NOT k = v`, so it holds when `k` is absent.

/** Longest expression text a campaign may store. */
export const MAX_PROPERTY_EXPRESSION_LENGTH = 2000;
/** Deepest nesting of NOT and parentheses. */
export const MAX_PROPERTY_EXPRESSION_DEPTH = 32;
/** Most tests (comparisons, HAS, IN, bare keys) in one expression. */
export const MAX_PROPERTY_EXPRESSION_TESTS = 100;
/** Most texts of one IN list. */
export const MAX_PROPERTY_IN_LIST_LENGTH = 100;

export type PropertyComparison = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type PropertyLiteral = string | number | boolean;

/** The syntax tree of an expression. `and`/`or` hold two or more operands. */
export type PropertyExpression =
  | { kind: 'and'; operands: PropertyExpression[] }
  | { kind: 'or'; operands: PropertyExpression[] }
  | { kind: 'not'; operand: PropertyExpression }
  | { kind: 'has'; key: string }
  | { kind: 'is-true'; key: string }
  | { kind: 'in'; key: string; values: string[] }
  | { kind: 'compare'; key: string; op: PropertyComparison; value: PropertyLiteral };

/** Where and why an expression text is refused. */
export interface PropertyExpressionFault {
  /** 0-based offset into the text (UTF-16 units). */
  position: number;
  /** 1-based line and column of `position`. */
  line: number;
  column: number;
  /** What the parser expected there, e.g. `a value (text, number, true or false)`. */
  expected: string;
  /** What it found: a token's text, or `end of expression`. */
  found: string;
  /** `line 1, column 14: expected …, found …`. */
  message: string;
}

export type PropertyExpressionParse = { ok: true; expression: PropertyExpression } | { ok: false; fault: PropertyExpressionFault };

type TokenKind = 'word' | 'text' | 'number' | 'symbol' | 'end';
interface Token {
  kind: TokenKind;
  /** The source text of the token (a word as written, a text with its quotes). */
  source: string;
  position: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// eslint-disable-next-line no-control-regex -- JSON refuses raw control characters in a string
const TEXT = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SYMBOL = /<=|>=|!=|[=<>(),]/y;
const SPACE = /[ \t\r\n]*/y;

/** Thrown inside the parser only; `parsePropertyExpression` turns it into a fault. */
class ParseFailure extends Error {
  constructor(
    readonly position: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`expected ${expected}, found ${found}`);
    this.name = 'ParseFailure';
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of expression' : `"${token.source}"`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  for (;;) {
    SPACE.lastIndex = at;
    SPACE.test(text);
    at = SPACE.lastIndex;
    if (at >= text.length) break;
    let matched: string | undefined;
    let kind: TokenKind | undefined;
    for (const [pattern, patternKind] of [
      [WORD, 'word'],
      [NUMBER, 'number'],
      [TEXT, 'text'],
      [SYMBOL, 'symbol'],
    ] as const) {
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (match !== null) {
        matched = match[0];
        kind = patternKind;
        break;
      }
    }
    if (matched === undefined || kind === undefined) {
      const found = text.charAt(at) === '"' ? 'an unterminated or badly escaped text' : `"${String.fromCodePoint(text.codePointAt(at)!)}"`;
      throw new ParseFailure(at, 'a key, a value, an operator or a parenthesis', found);
    }
    tokens.push({ kind, source: matched, position: at });
    at += matched.length;
  }
  tokens.push({ kind: 'end', source: '', position: text.length });
  return tokens;
}

class Parser {
  private at = 0;
  private depth = 0;
  private tests = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): PropertyExpression {
    const expression = this.or();
    const next = this.peek();
    if (next.kind !== 'end') throw new ParseFailure(next.position, 'AND, OR or the end of the expression', describe(next));
    return expression;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.source.toLowerCase() === word;
  }

  private isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.source === symbol;
  }

  private expectSymbol(symbol: string, expected: string): void {
    if (!this.isSymbol(symbol)) throw new ParseFailure(this.peek().position, expected, describe(this.peek()));
    this.at += 1;
  }

  private or(): PropertyExpression {
    const operands = [this.and()];
    while (this.isWord('or')) {
      this.at += 1;
      operands.push(this.and());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private and(): PropertyExpression {
    const operands = [this.unary()];
    while (this.isWord('and')) {
      this.at += 1;
      operands.push(this.unary());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private nested<T>(position: number, parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_PROPERTY_EXPRESSION_DEPTH)
      throw new ParseFailure(position, `at most ${MAX_PROPERTY_EXPRESSION_DEPTH} levels of NOT and parentheses`, 'a deeper one');
    const result = parse();
    this.depth -= 1;
    return result;
  }

  private unary(): PropertyExpression {
    const token = this.peek();
    if (this.isWord('not')) {
      this.at += 1;
      return this.nested(token.position, () => ({ kind: 'not', operand: this.unary() }));
    }
    if (this.isSymbol('(')) {
      this.at += 1;
      const inner = this.nested(token.position, () => this.or());
      this.expectSymbol(')', 'AND, OR or ")"');
      return inner;
    }
    return this.test();
  }

  private countTest(position: number): void {
    this.tests += 1;
    if (this.tests > MAX_PROPERTY_EXPRESSION_TESTS)
      throw new ParseFailure(position, `at most ${MAX_PROPERTY_EXPRESSION_TESTS} tests in one expression`, 'one more');
  }

  private key(): string {
    const token = this.peek();
    if (token.kind !== 'word' || PROPERTY_RESERVED_WORDS.has(token.source.toLowerCase()))
      throw new ParseFailure(token.position, 'a property key, HAS, NOT or "("', describe(token));
    if (!isPropertyKey(token.source))
      throw new ParseFailure(
        token.position,
        'a property key (lower-case a-z, 0-9 and "_", starting with a letter, at most 40)',
        describe(token),
      );
    this.at += 1;
    return token.source;
  }

  private test(): PropertyExpression {
    const start = this.peek();
    this.countTest(start.position);
    if (this.isWord('has')) {
      this.at += 1;
      return { kind: 'has', key: this.key() };
    }
    const key = this.key();
    if (this.isWord('in')) {
      this.at += 1;
      this.expectSymbol('(', '"(" and a list of texts');
      const values = [this.text()];
      while (this.isSymbol(',')) {
        this.at += 1;
        if (values.length >= MAX_PROPERTY_IN_LIST_LENGTH)
          throw new ParseFailure(this.peek().position, `at most ${MAX_PROPERTY_IN_LIST_LENGTH} texts in an IN list`, 'more');
        values.push(this.text());
      }
      this.expectSymbol(')', '"," and a text, or ")"');
      return { kind: 'in', key, values };
    }
    const operator = this.peek();
    if (operator.kind !== 'symbol' || !['=', '!=', '<', '<=', '>', '>='].includes(operator.source)) {
      return { kind: 'is-true', key };
    }
    this.at += 1;
    const op = operator.source as PropertyComparison;
    if (op === '=' || op === '!=') return { kind: 'compare', key, op, value: this.literal() };
    const value = this.peek();
    if (value.kind !== 'number') throw new ParseFailure(value.position, `a number after "${op}"`, describe(value));
    this.at += 1;
    return { kind: 'compare', key, op, value: this.number(value) };
  }

  private number(token: Token): number {
    const value = Number(token.source);
    if (!Number.isFinite(value)) throw new ParseFailure(token.position, 'a finite number', describe(token));
    // -0 prints as 0: one value, one text.
    return value === 0 ? 0 : value;
  }

  private text(): string {
    const token = this.peek();
    if (token.kind !== 'text') throw new ParseFailure(token.position, 'a text in double quotes', describe(token));
    const value = JSON.parse(token.source) as string;
    if (value.length > MAX_PROPERTY_TEXT_LENGTH)
      throw new ParseFailure(token.position, `a text of at most ${MAX_PROPERTY_TEXT_LENGTH} characters`, 'a longer one');
    this.at += 1;
    return value;
  }

  private literal(): PropertyLiteral {
    const token = this.peek();
    if (token.kind === 'text') return this.text();
    if (token.kind === 'number') {
      this.at += 1;
      return this.number(token);
    }
    if (this.isWord('true') || this.isWord('false')) {
      this.at += 1;
      return token.source.toLowerCase() === 'true';
    }
    throw new ParseFailure(token.position, 'a value (a text in double quotes, a number, true or false)', describe(token));
  }
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = 0; at < position; at += 1) {
    if (text.charCodeAt(at) === 10) {
      line += 1;
      lineStart = at + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/** Parses an expression text; a refusal says where (line, column) and what was expected. */
export function parsePropertyExpression(text: string): PropertyExpressionParse {
  try {
    if (text.length > MAX_PROPERTY_EXPRESSION_LENGTH)
      throw new ParseFailure(MAX_PROPERTY_EXPRESSION_LENGTH, `at most ${MAX_PROPERTY_EXPRESSION_LENGTH} characters`, 'a longer text');
    return { ok: true, expression: new Parser(tokenize(text)).parse() };
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    const { line, column } = lineAndColumn(text, error.position);
    return {
      ok: false,
      fault: {
        position: error.position,
        line,
        column,
        expected: error.expected,
        found: error.found,
        message: `line ${line}, column ${column}: expected ${error.expected}, found ${error.found}`,
      },
    };
  }
}

function printLiteral(value: PropertyLiteral): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function printOperand(operand: PropertyExpression, parent: 'and' | 'or' | 'not'): string {
  const printed = printPropertyExpression(operand);
  // AND binds tighter than OR; a nested AND in AND (or OR in OR) keeps its parentheses so that
  // the tree reads back as it was.
  const needsParentheses = operand.kind === 'or' || (operand.kind === 'and' && parent !== 'or');
  return needsParentheses ? `(${printed})` : printed;
}

/** The canonical text of an expression: `parsePropertyExpression(print(e))` gives `e` back. */
export function printPropertyExpression(expression: PropertyExpression): string {
  switch (expression.kind) {
    case 'and':
      return expression.operands.map((operand) => printOperand(operand, 'and')).join(' AND ');
    case 'or':
      return expression.operands.map((operand) => printOperand(operand, 'or')).join(' OR ');
    case 'not':
      return `NOT ${printOperand(expression.operand, 'not')}`;
    case 'has':
      return `HAS ${expression.key}`;
    case 'is-true':
      return expression.key;
    case 'in':
      return `${expression.key} IN (${expression.values.map((value) => JSON.stringify(value)).join(', ')})`;
    case 'compare':
      return `${expression.key} ${expression.op} ${printLiteral(expression.value)}`;
  }
}
