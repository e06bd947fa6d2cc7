/**
 * The signed-in administrator, in memory only: never in localStorage, sessionStorage or a cookie, so a
 * reload (or a closed tab) signs out and a script injected elsewhere finds nothing to steal.
 */
export interface Session {
  accessToken: string;
  refreshToken: string;
  email: string;
}

let current: Session | null = null;

export const currentSession = (): Session | null => current;

export function startSession(session: Session): void {
  current = session;
}

export function replaceTokens(accessToken: string, refreshToken: string): void {
  if (current) current = { ...current, accessToken, refreshToken };
}

export function endSession(): void {
  current = null;
}
