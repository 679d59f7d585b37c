/** The hall dashboard's figures: defined with the rest of the HTTP contract. */
export type { Dashboard } from './api-contract';
