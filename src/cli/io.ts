/**
 * CLI I/O seam so commands can be tested in-process: stdout/stderr writers and TTY detection.
 * Layer: cli.
 */
export interface CliIO {
	out(line: string): void;
	err(line: string): void;
	/** raw write to stdout (progress bars) */
	write(s: string): void;
	isTTY: boolean;
}

export const processIO: CliIO = {
	out: (l) => void process.stdout.write(l + "\n"),
	err: (l) => void process.stderr.write(l + "\n"),
	write: (s) => void process.stdout.write(s),
	isTTY: Boolean(process.stdout.isTTY),
};

/** Collects output (tests). */
export function memoryIO(): CliIO & { stdout: string[]; stderr: string[] } {
	const stdout: string[] = [];
	const stderr: string[] = [];
	return { stdout, stderr, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l), write: (s) => void stdout.push(s), isTTY: false };
}
