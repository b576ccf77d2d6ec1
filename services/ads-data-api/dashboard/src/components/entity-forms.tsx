import { useState, type ReactNode } from 'react';
import { ApiProblem } from '../api/api-problem';
import type { ContractSchema, CrossFieldRule } from '../domain/contract-violations';
import { valuesOf, type FieldSpec, type FormValues } from '../domain/form-values';
import { navigate } from '../router/router';
import { useSession } from '../session/session';
import { Notice, ProblemBanner } from './problem-banner';
import { ResourceForm } from './resource-form';
import { useEntity } from './use-entity';

interface CreateFormProps<T extends { id: string }> {
  /** REST collection, e.g. "/advertisers". */
  path: string;
  fields: FieldSpec[];
  defaults: Record<string, unknown>;
  testId: string;
  submitLabel: string;
  /** Where to go with the created entity. */
  afterCreate: (created: T) => string;
  finalize?: (payload: Record<string, unknown>, values: FormValues, mode: 'create' | 'edit') => Record<string, unknown>;
  onValuesChange?: (values: FormValues) => void;
  children?: ReactNode;
  /** The contract of the create body, checked before sending. */
  schema?: ContractSchema;
  rules?: readonly CrossFieldRule[];
}

/** POSTs a new entity (with an Idempotency-Key) and goes to its page. */
export function CreateForm<T extends { id: string }>(props: CreateFormProps<T>) {
  const { api } = useSession();
  const [initial] = useState(() => valuesOf(props.fields, props.defaults));
  return (
    <ResourceForm
      fields={props.fields}
      initial={initial}
      mode="create"
      testId={props.testId}
      submitLabel={props.submitLabel}
      finalize={props.finalize}
      onValuesChange={props.onValuesChange}
      schema={props.schema}
      rules={props.rules}
      onCancel={() => window.history.back()}
      submit={async (payload) => {
        const { data } = await api.create<T>(props.path, payload);
        navigate(props.afterCreate(data), { replace: true });
      }}
    >
      {props.children}
    </ResourceForm>
  );
}

interface EditFormProps<T> {
  /** REST path of the entity, e.g. "/advertisers/123". */
  path: string;
  fields: FieldSpec[];
  testId: string;
  finalize?: (payload: Record<string, unknown>, values: FormValues, mode: 'create' | 'edit') => Record<string, unknown>;
  onValuesChange?: (values: FormValues) => void;
  /** Rendered above the form once the entity is loaded. */
  header?(entity: T, reload: () => void): ReactNode;
  /** Rendered below the form once the entity is loaded. */
  footer?(entity: T, reload: () => void): ReactNode;
  /** Rendered next to the form (e.g. a preview). */
  aside?: (entity: T) => ReactNode;
  /** An extra class of the form-and-aside row (e.g. a wider aside). */
  asideClassName?: string;
  /** The contract of the update body, checked before sending. */
  schema?: ContractSchema;
  rules?: readonly CrossFieldRule[];
}

/**
 * Loads an entity with its ETag and PATCHes what changed with If-Match; a lost update (412)
 * is explained and the form can be reloaded with the current values.
 */
export function EditForm<T>(props: EditFormProps<T>) {
  const { api } = useSession();
  const loaded = useEntity<T>(props.path);
  const [saved, setSaved] = useState(false);
  if (loaded.problem && loaded.data === undefined) return <ProblemBanner problem={loaded.problem} />;
  if (loaded.data === undefined) return <p className="muted">Loading…</p>;
  const { data: entity, etag } = loaded.data;
  return (
    <>
      {props.header?.(entity, loaded.reload)}
      {saved && <Notice testId="saved">Saved.</Notice>}
      <div className={props.aside ? `form-with-aside${props.asideClassName ? ` ${props.asideClassName}` : ''}` : 'form-only'}>
        <ResourceForm
          // A new ETag means new initial values: the form starts over from what is stored.
          key={etag ?? JSON.stringify(entity)}
          fields={props.fields}
          initial={valuesOf(props.fields, entity)}
          mode="edit"
          testId={props.testId}
          submitLabel="Save changes"
          finalize={props.finalize}
          onValuesChange={props.onValuesChange}
          schema={props.schema}
          rules={props.rules}
          submit={async (payload) => {
            setSaved(false);
            if (Object.keys(payload).length === 0) {
              setSaved(true);
              return;
            }
            try {
              await api.update<T>(props.path, payload, etag);
            } catch (error) {
              if (error instanceof ApiProblem && error.status === 412) {
                throw new ApiProblem(
                  412,
                  error.code,
                  `${error.detail} — someone changed it since this page loaded; reload to see the current values`,
                  error.fieldErrors,
                );
              }
              throw error;
            }
            setSaved(true);
            loaded.reload();
          }}
        >
          {loaded.problem && <ProblemBanner problem={loaded.problem} />}
        </ResourceForm>
        {props.aside?.(entity)}
      </div>
      <p>
        <button type="button" className="button button-small" onClick={loaded.reload}>
          Reload
        </button>
      </p>
      {props.footer?.(entity, loaded.reload)}
    </>
  );
}
