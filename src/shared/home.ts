import type { Role } from '../domain/documents';

/** Where each role lands after signing in (and where a page it may not see sends it). */
export function homeFor(role: Role | undefined): string {
  return role === 'station' ? '/intake' : role === 'admin' ? '/admin' : role === 'hall' ? '/hall' : role === 'enterprise' ? '/enterprise' : '/sign-in';
}
