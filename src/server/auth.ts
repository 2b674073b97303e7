import type { FastifyRequest } from 'fastify';
import { FupanError } from '../core/errors/index.js';
import { ROLES, type Role } from '../core/roles.js';

export { ROLES, type Role };

/**
 * Who is calling. `admin` is the local operator (the CLI through the server, holding the
 * token in the data directory's lock file); `key` is a project API key; `user` is a
 * signed-in person whose role per project comes from the membership table.
 */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'key'; keyId: string; projectId: string; keyKind: 'ingest' | 'read' }
  | { kind: 'user'; userId: string; email: string; roles: Record<string, Role> };

/** Resolves a principal from a request, or returns undefined to let the next one try. */
export type PrincipalResolver = (req: FastifyRequest) => Promise<Principal | undefined>;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

function rank(role: Role): number {
  return ROLES.indexOf(role);
}

/** The caller's role on a project, or undefined when it has none. */
export function roleOn(principal: Principal | undefined, projectId: string): Role | undefined {
  if (!principal) return undefined;
  if (principal.kind === 'admin') return 'owner';
  if (principal.kind === 'key') return principal.projectId === projectId && principal.keyKind === 'read' ? 'viewer' : undefined;
  return principal.roles[projectId];
}

/**
 * Throws unless the caller holds at least `min` on the project. A caller with no role
 * gets `not_found` rather than `forbidden`, so a member of one project cannot even learn
 * that another project exists.
 *
 * @example authorize(req, params.id, 'editor')
 */
export function authorize(req: FastifyRequest, projectId: string, min: Role): void {
  if (!req.principal) throw new FupanError('unauthorized', { problem: 'sign in, or send Authorization: Bearer <read key>' });
  const role = roleOn(req.principal, projectId);
  if (!role) throw new FupanError('not_found', { what: 'project', id: projectId });
  if (rank(role) < rank(min)) throw new FupanError('forbidden', { action: `${min} actions on project ${projectId}` });
}

/** Throws unless someone is signed in (any project). */
export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new FupanError('unauthorized', { problem: 'sign in, or send Authorization: Bearer <read key>' });
  return req.principal;
}
