import { readFileSync } from 'node:fs';
import { findRepositoryRoot } from './repository-root.js';

export const SWARMTUBE_VERSION: string = JSON.parse(readFileSync(`${findRepositoryRoot()}/package.json`, 'utf8')).version;
