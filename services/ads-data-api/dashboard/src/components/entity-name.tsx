import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/api-client';
import { Link } from '../router/router';
import { useSession } from '../session/session';

// Names already asked for, per API client (one per signed-in key): a list of 50 ads of three
// campaigns reads each campaign once.
const namesByClient = new WeakMap<ApiClient, Map<string, Promise<string | null>>>();

function nameOf(api: ApiClient, path: string): Promise<string | null> {
  let names = namesByClient.get(api);
  if (names === undefined) {
    names = new Map();
    namesByClient.set(api, names);
  }
  let name = names.get(path);
  if (name === undefined) {
    name = api.get<{ name?: string; title?: string }>(path).then(
      ({ data }) => data.name ?? data.title ?? null,
      () => null,
    );
    names.set(path, name);
  }
  return name;
}

/**
 * A link to an advertiser, campaign, site… by its name, read once per page of the app; the
 * id's start while the name loads or when it cannot be read.
 */
export function EntityName({ kind, id }: { kind: 'advertisers' | 'campaigns' | 'sites' | 'ads'; id: string }) {
  const { api } = useSession();
  const path = `/${kind}/${encodeURIComponent(id)}`;
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void nameOf(api, path).then((found) => {
      if (current) setName(found);
    });
    return () => {
      current = false;
    };
  }, [api, path]);
  return (
    <Link to={path} data-testid={`name-of-${kind}`}>
      {name ?? `${id.slice(0, 8)}…`}
    </Link>
  );
}
