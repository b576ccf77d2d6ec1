/**
 * A handler result given as its JSON text, for a hot path that assembles the text from parts
 * encoded ahead of time (JSON.stringify of a few kilobytes of ads costs more than the rest of
 * a decision). The JSON serializer sends `json` as it is, without parsing or re-encoding it;
 * MessagePack, batches and output validation use `value`, parsed from the text on first use.
 * The handler must produce valid JSON of its output type; its tests check the text against
 * the output schema.
 */
export class PreEncodedResult<Value> {
  private parsed: { value: Value } | undefined;

  constructor(readonly json: string) {}

  /** The result as a value (JSON.parse of `json`, once). */
  get value(): Value {
    this.parsed ??= { value: JSON.parse(this.json) as Value };
    return this.parsed.value;
  }

  /** JSON.stringify of an enclosing value (a batch answer) sees the plain value. */
  toJSON(): Value {
    return this.value;
  }
}
