import type { Db } from '../store/db.js';
import { ensureOrganization } from '../store/organizations.js';
import { createToken } from '../store/tokens.js';

export interface DemoSeed {
  organizationId: string;
  organizationName: string;
  token: string;
  stops: number;
  vehicles: number;
}

/** Seeds the demo organization. (Depot, fleet and stops land in the next commit.) */
export function seedDemo(db: Db): DemoSeed {
  const { organization } = ensureOrganization(db, 'Demo');
  const { token } = createToken(db, organization.id, { name: 'admin', scope: 'full_access' });
  return { organizationId: organization.id, organizationName: organization.name, token, stops: 0, vehicles: 0 };
}
