/** Small helpers shared by the benchmarks. */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join, resolve } from 'path';

/** The repository root, from the compiled file (build/bench/bench/*.js) or from the source. */
export const REPO = resolve(__dirname, __dirname.includes(`${join('build', 'bench')}`) ? '../../..' : '..');

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export const MB = 1024 * 1024;

/** Resident set size of a process in bytes, from /proc (Linux); undefined once it is gone. */
export function rssOf(pid: number): number | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
		return kb === undefined ? undefined : Number(kb) * 1024;
	} catch {
		return undefined;
	}
}

let clockTicks: number | undefined;
/** CPU time (user + system) a process has used so far, in ms; undefined once it is gone. */
export function cpuMsOf(pid: number): number | undefined {
	clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the parenthesised command name: state is the 1st, utime the 12th, stime the 13th.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
	} catch {
		return undefined;
	}
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak seen. */
export function sampleRss(read: () => number | undefined, everyMs = 10): { stop: () => number } {
	let peak = read() ?? 0;
	const timer = setInterval(() => {
		const now = read();
		if (now !== undefined && now > peak) peak = now;
	}, everyMs);
	return {
		stop: () => {
			clearInterval(timer);
			const now = read();
			if (now !== undefined && now > peak) peak = now;
			return peak;
		},
	};
}

export function log(line: string): void {
	process.stdout.write(`[bench] ${line}\n`);
}
