// Loaded into every test process by scripts/run-tests.mjs (`--import`): see confined-reads.ts.
import { confineReads } from './confined-reads.js';
import { repositoryRoot } from './reference-fixtures.js';

confineReads(repositoryRoot());
