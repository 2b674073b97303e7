import type { Lang } from '../../src/core/lang.js';
import type { Role } from '../../src/core/roles.js';

export type { Lang, Role };

/** Shapes of the HTTP API the web app reads (docs/http-api.md is the contract). */
export interface User {
  id: string;
  email: string;
  name: string;
  lang: Lang | null;
  isAdmin: boolean;
}

export interface Project {
  id: string;
  name: string;
  timeZone: string;
  currency: string;
  weekStart: 'monday' | 'sunday';
  createdAt: string;
  role?: Role;
}

export interface Me {
  user: User;
  projects: Project[];
  csrfToken: string | null;
}

export interface ApiKeyInfo {
  id: string;
  kind: 'ingest' | 'read';
  label: string;
  prefix: string;
  userId: string | null;
  userEmail: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  since: string;
}

export interface Invitation {
  id: string;
  role: Role;
  email: string | null;
  expiresAt: string;
  token?: string;
}

export type DateRange = string | { from: string; to: string };

export interface Filter {
  property: string;
  op: string;
  value?: unknown;
}
