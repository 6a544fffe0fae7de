/** Renders bench/results.md and results.json again from the last run's raw figures (after a change to report.ts). */
import { readFileSync } from 'fs';
import { join } from 'path';

import { REPO } from './lib';
import { writeReport, type Results } from './report';

const results = JSON.parse(readFileSync(join(REPO, 'build', 'bench-results.raw.json'), 'utf8')) as Results;
process.stdout.write(`${writeReport(results, join(REPO, 'bench'))}\n`);
