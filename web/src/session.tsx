import { createContext, useContext } from 'react';
import type { Me, Project } from './types.js';

export interface SessionState {
  me: Me;
  reloadMe(): Promise<void>;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}

/** The project the current page is about, with the caller's role on it. */
export interface ProjectState {
  project: Project;
  canEdit: boolean;
  isOwner: boolean;
}

export const ProjectContext = createContext<ProjectState | null>(null);

export function useProject(): ProjectState {
  const p = useContext(ProjectContext);
  if (!p) throw new Error('useProject outside ProjectContext');
  return p;
}
