// Kept only for test/e2e/intake-full.e2e.ts, which still imports this path; remove once it imports src/shared.
export { formatDate } from '../../shared/i18n/format';
