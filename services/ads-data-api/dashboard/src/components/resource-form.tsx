import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiProblem, type FieldProblem } from '../api/api-problem';
import { contractViolations, type ContractSchema, type CrossFieldRule } from '../domain/contract-violations';
import { assignFieldErrors } from '../domain/field-errors';
import { buildPayload, type FieldSpec, type FormValue, type FormValues } from '../domain/form-values';
import { ProblemBanner } from './problem-banner';

/** The id of a field's input; also its test id after the "field-" prefix. */
export function inputIdOf(name: string): string {
  return `field-${name.replace(/\./g, '-')}`;
}

function FieldInput({
  spec,
  value,
  disabled,
  invalid,
  required,
  describedBy,
  onChange,
}: {
  spec: FieldSpec;
  value: FormValue;
  disabled: boolean;
  invalid: boolean;
  required: boolean;
  describedBy: string | undefined;
  onChange: (value: FormValue) => void;
}) {
  const id = inputIdOf(spec.name);
  const common = {
    id,
    name: spec.name,
    'data-testid': id,
    disabled,
    'aria-invalid': invalid || undefined,
    'aria-required': required || undefined,
    'aria-describedby': describedBy,
  };
  const text = typeof value === 'string' ? value : '';
  switch (spec.kind) {
    case 'textarea':
      return (
        <textarea {...common} rows={4} value={text} placeholder={spec.placeholder} onChange={(event) => onChange(event.target.value)} />
      );
    case 'select':
      return (
        <select {...common} value={text} onChange={(event) => onChange(event.target.value)}>
          {spec.empty !== undefined && spec.empty !== 'empty' && <option value="">—</option>}
          {spec.options?.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      );
    case 'checkbox':
      return <input {...common} type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} />;
    case 'choices': {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <span className="choices" id={id} data-testid={id} role="group" aria-describedby={describedBy}>
          {spec.options?.map((option) => (
            <label key={option.value} className="choice">
              <input
                type="checkbox"
                name={spec.name}
                value={option.value}
                disabled={disabled}
                checked={chosen.includes(option.value)}
                onChange={(event) =>
                  onChange(event.target.checked ? [...chosen, option.value] : chosen.filter((item) => item !== option.value))
                }
              />
              {option.label}
            </label>
          ))}
        </span>
      );
    }
    case 'datetime':
      return <input {...common} type="datetime-local" value={text} onChange={(event) => onChange(event.target.value)} />;
    case 'number':
    case 'money':
      return (
        <input
          {...common}
          type="text"
          inputMode="decimal"
          value={text}
          placeholder={spec.placeholder}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    default:
      return (
        <input {...common} type="text" value={text} placeholder={spec.placeholder} onChange={(event) => onChange(event.target.value)} />
      );
  }
}

/** The API's messages under a field, led by its label as the form's own are ("Name is already taken"). */
function labelled(byField: Record<string, string[]>, specs: FieldSpec[]): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(byField).map(([name, messages]) => {
      const label = specs.find((spec) => spec.name === name)?.label ?? name;
      return [name, messages.map((message) => (message.startsWith(label) ? message : `${label}: ${message}`))];
    }),
  );
}

export interface ResourceFormProps {
  fields: FieldSpec[];
  initial: FormValues;
  mode: 'create' | 'edit';
  /** Sends the payload; throws the API's ApiProblem on a refusal. */
  submit: (payload: Record<string, unknown>) => Promise<void>;
  submitLabel: string;
  testId: string;
  /** Called with every change, e.g. for a live preview. */
  onValuesChange?: (values: FormValues) => void;
  /** Last say on the payload (e.g. a group of empty inputs that means null). */
  finalize?: (payload: Record<string, unknown>, values: FormValues, mode: 'create' | 'edit') => Record<string, unknown>;
  /** Rendered after the fields, before the buttons. */
  children?: ReactNode;
  onCancel?: () => void;
  /** The shared contract the payload must meet (create or update body): checked before sending. */
  schema?: ContractSchema;
  /** The contract's rules over several fields, shown with the rest. */
  rules?: readonly CrossFieldRule[];
}

/** Whether the contract requires a top-level field: its schema refuses a missing value. */
function requiredBy(schema: ContractSchema | undefined, name: string): boolean {
  const shape = (schema as { shape?: Record<string, ContractSchema> } | undefined)?.shape;
  const field = shape?.[name];
  return field !== undefined && !field.safeParse(undefined).success;
}

/**
 * A form over an API resource. The API is the judge of every value: its problem document's
 * `errors[]` are shown under the inputs they name, the rest in a banner above.
 */
export function ResourceForm(props: ResourceFormProps) {
  const [values, setValues] = useState<FormValues>(props.initial);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [otherErrors, setOtherErrors] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const shown = props.fields.filter((spec) => (spec.only === undefined || spec.only === props.mode) && !spec.hidden?.(values));

  useEffect(() => {
    props.onValuesChange?.(values);
  }, [values]);

  useEffect(() => {
    const first = shown.find((spec) => fieldErrors[spec.name]?.length);
    if (first) formRef.current?.querySelector<HTMLElement>(`#${inputIdOf(first.name)}`)?.focus();
  }, [fieldErrors]);

  function change(name: string, value: FormValue) {
    setValues((current) => ({ ...current, [name]: value }));
    setFieldErrors((current) => {
      if (!(name in current)) return current;
      const { [name]: _dropped, ...rest } = current;
      return rest;
    });
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const built = buildPayload(props.fields, values, props.mode, props.initial);
    const payload = props.finalize ? props.finalize(built.payload, values, props.mode) : built.payload;
    // Every field is checked at once: values that cannot be converted, the contract's rules
    // for each field, and its rules over several fields, before anything is sent.
    const whole = buildPayload(props.fields, values, 'create', props.initial).payload;
    const full = props.finalize ? props.finalize(whole, values, 'create') : whole;
    const checked = contractViolations(props.schema, props.rules ?? [], payload, full, shown, new Set(Object.keys(built.localErrors)));
    const local = { ...checked.byField };
    for (const [name, messages] of Object.entries(built.localErrors)) local[name] = [...messages, ...(local[name] ?? [])];
    if (Object.keys(local).length > 0 || checked.other.length > 0) {
      const count = Object.values(local).reduce((sum, messages) => sum + messages.length, 0) + checked.other.length;
      setFieldErrors(local);
      setProblem(
        new ApiProblem(0, 'FORM', `${count === 1 ? 'one value needs' : `${count} values need`} changing; see the fields marked below`),
      );
      setOtherErrors(checked.other.map((message) => ({ field: '', message })));
      return;
    }
    setBusy(true);
    try {
      await props.submit(payload);
      setProblem(null);
      setFieldErrors({});
      setOtherErrors([]);
    } catch (error) {
      const refusal = error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', (error as Error).message);
      const assigned = assignFieldErrors(
        refusal.fieldErrors,
        shown.map((spec) => spec.name),
      );
      setProblem(refusal);
      setFieldErrors(labelled(assigned.byField, shown));
      setOtherErrors(assigned.other);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={formRef} className="resource-form" data-testid={props.testId} onSubmit={(event) => void handleSubmit(event)} noValidate>
      <ProblemBanner
        problem={problem}
        other={otherErrors}
        summary={
          problem?.code !== 'FORM' && Object.keys(fieldErrors).length > 0 && otherErrors.length === 0
            ? 'not saved; see the fields marked below'
            : undefined
        }
        testId={`${props.testId}-problem`}
      />
      {shown.some((spec) => spec.required ?? requiredBy(props.schema, spec.name)) && (
        <p className="muted small">
          <span className="required-mark" aria-hidden="true">
            *
          </span>{' '}
          required
        </p>
      )}
      {shown.map((spec) => {
        const errors = fieldErrors[spec.name] ?? [];
        const live = spec.liveCheck?.(values[spec.name] ?? '') ?? null;
        const liveId = live === null ? undefined : `${inputIdOf(spec.name)}-live`;
        const errorId = errors.length > 0 ? `${inputIdOf(spec.name)}-error` : undefined;
        const helpId = spec.help ? `${inputIdOf(spec.name)}-help` : undefined;
        const describedBy = [errorId, liveId, helpId].filter(Boolean).join(' ') || undefined;
        const disabled = busy || (props.mode === 'edit' && spec.fixedOnEdit === true);
        const required = spec.required ?? requiredBy(props.schema, spec.name);
        const mark = required ? (
          <span className="required-mark" aria-hidden="true">
            *
          </span>
        ) : null;
        return (
          <div
            key={spec.name}
            className={`form-row${errors.length > 0 ? ' has-error' : ''}${spec.kind === 'checkbox' ? ' form-row-checkbox' : ''}`}
          >
            {spec.kind === 'choices' ? (
              <span className="label" id={`${inputIdOf(spec.name)}-label`}>
                {spec.label}
                {mark}
              </span>
            ) : (
              <label htmlFor={inputIdOf(spec.name)}>
                {spec.label}
                {mark}
              </label>
            )}
            <div className="form-control">
              <FieldInput
                spec={spec}
                value={values[spec.name] ?? ''}
                disabled={disabled}
                invalid={errors.length > 0 || live !== null}
                required={required}
                describedBy={describedBy}
                onChange={(value) => change(spec.name, value)}
              />
              {live !== null && (
                <p className="field-error" id={liveId} data-testid={liveId} role="status">
                  {live}
                </p>
              )}
              {spec.help && (
                <p className="help" id={helpId}>
                  {spec.help}
                </p>
              )}
              {errors.length > 0 && (
                <p className="field-error" id={errorId} data-testid={`${inputIdOf(spec.name)}-error`}>
                  {errors.join('; ')}
                </p>
              )}
            </div>
          </div>
        );
      })}
      {props.children}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy} data-testid={`${props.testId}-submit`}>
          {busy ? 'Saving…' : props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" className="button" onClick={props.onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
