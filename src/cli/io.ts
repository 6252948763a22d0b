/**
 * CLI I/O seam so commands can be tested in-process: result lines on stdout, messages and progress on
 * stderr (so `--json` output and pipes stay clean), whether the progress stream is a terminal, colour, and
 * the signal that SIGINT/SIGTERM abort (commands clean up, then main exits 130/143). A closed stdout
 * (EPIPE: `faxline jobs | head -1`) drops further output quietly. Layer: cli.
 */
export interface CliIO {
	/** one result line on stdout */
	out(line: string): void;
	/** one message line on stderr */
	err(line: string): void;
	/** raw progress text on stderr (bar redraws) */
	write(s: string): void;
	/** one progress line (stderr; default `err`): kept apart from messages by in-process tests */
	progress?(line: string): void;
	/** the progress stream (stderr) is a terminal: live bars instead of plain lines */
	isTTY: boolean;
	/** ANSI colour allowed on stderr (a terminal and no NO_COLOR) */
	color?: boolean;
	/** ANSI colour allowed on stdout (a terminal and no NO_COLOR) */
	outColor?: boolean;
	/** aborted by SIGINT/SIGTERM; the command ends its work cleanly and returns */
	signal?: AbortSignal;
}

const colorAllowed = (tty: boolean): boolean => tty && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "") && process.env.TERM !== "dumb";

/** The real process streams; writes after stdout/stderr closed (EPIPE) are dropped. */
export function processIO(signal?: AbortSignal): CliIO {
	const closed = { out: false, err: false };
	process.stdout.on("error", (e: NodeJS.ErrnoException) => {
		closed.out = true;
		if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") throw e;
	});
	process.stderr.on("error", () => void (closed.err = true));
	const tty = Boolean(process.stderr.isTTY);
	return {
		out: (l) => void (closed.out || process.stdout.write(l + "\n")),
		err: (l) => void (closed.err || process.stderr.write(l + "\n")),
		write: (s) => void (closed.err || process.stderr.write(s)),
		isTTY: tty,
		color: colorAllowed(tty),
		outColor: colorAllowed(Boolean(process.stdout.isTTY)),
		...(signal ? { signal } : {}),
	};
}

/** Collects output (tests): progress lines and bar redraws apart from stdout and stderr messages. */
export function memoryIO(): CliIO & { stdout: string[]; stderr: string[]; progressed: string[] } {
	const stdout: string[] = [];
	const stderr: string[] = [];
	const progressed: string[] = [];
	return {
		stdout,
		stderr,
		progressed,
		out: (l) => void stdout.push(l),
		err: (l) => void stderr.push(l),
		write: (s) => void progressed.push(s),
		progress: (l) => void progressed.push(l),
		isTTY: false,
	};
}
