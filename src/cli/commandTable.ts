/**
 * Every `faxline` command as data: its arguments, each option's meaning, default and unit, and the module
 * that runs it (loaded only when the command runs, so `faxline --help` loads none of the engine). The help
 * texts, usage errors and option parsing of src/cli/program.ts are all made from this table (issue 13).
 * Layer: cli (imports nothing at run time).
 */

export interface OptionSpec {
	/** commander flags, e.g. "-d, --device <path>" or "--json" */
	flags: string;
	/** what it does */
	help: string;
	/** the default, as shown in help (the command applies it when the option is absent) */
	default?: string;
	/** unit of the value, shown in help ("seconds", "bit/s"...) */
	unit?: string;
	/** allowed values (checked by the parser, listed in help) */
	choices?: readonly string[];
	/** may be given more than once (values collected in order) */
	repeat?: boolean;
}

export interface CommandSpec {
	name: string;
	summary: string;
	/** positional arguments as shown in usage, e.g. "<file...>" */
	args?: string;
	options: OptionSpec[];
	/** extra help lines (examples, notes) */
	notes?: string[];
}

/** Rendering of PDF, PostScript, images and text (src/docs): send, submit, info, convert. */
const DOC_OPTS: OptionSpec[] = [
	{ flags: "--paper <size>", help: "paper a PDF/PostScript/text page is laid out on and fitted to", choices: ["a4", "letter", "legal"], default: "a4" },
	{ flags: "--dither <method>", help: "how photos and greys become black and white: auto picks threshold for text and line art, diffusion for photos", choices: ["auto", "threshold", "diffusion", "halftone"], default: "auto" },
];

/** A cover page made by faxline (send). */
const COVER_OPTS: OptionSpec[] = [
	{ flags: "--cover", help: "put the built-in cover page first (fields from the options below)" },
	{ flags: "--cover-template <file>", help: "a personal cover page template: SVG with {{field}} placeholders, PostScript with HylaFAX faxcover variables, or PDF with form fields named after the cover fields" },
	{ flags: "--to-name <text>", help: "cover page: recipient name" },
	{ flags: "--to-company <text>", help: "cover page: recipient company" },
	{ flags: "--from-name <text>", help: "cover page: sender name" },
	{ flags: "--from-company <text>", help: "cover page: sender company" },
	{ flags: "--from-number <text>", help: "cover page: sender fax number", default: "--tsid" },
	{ flags: "--subject <text>", help: "cover page: subject" },
	{ flags: "--note <text>", help: "cover page: note" },
];

const JSON_OPT: OptionSpec = { flags: "--json", help: "print the result as JSON on stdout (errors too, as {\"error\": ...})" };
const CONFIG_OPT: OptionSpec = {
	flags: "-c, --config <file>",
	help: "config file (else $FAXLINE_CONFIG, ./faxline.json, ~/.config/faxline/faxline.json, /etc/faxline/faxline.json)",
};
const SPOOL_OPTS: OptionSpec[] = [CONFIG_OPT, { flags: "--spool <dir>", help: "queue spool directory instead of a config file's spoolDir (or $FAXLINE_SPOOL)" }];
const PORT_OPTS: OptionSpec[] = [
	{ flags: "-d, --device <path>", help: "the modem's serial device or pty (e.g. /dev/ttyACM0)" },
	{ flags: "--profile <name>", help: "quirk profile (generic-class1, generic-class2, generic-class20, conexant, rockwell-class2, usrobotics, lucent-agere, multitech, iaxmodem)", default: "chosen from the modem's identity" },
	{ flags: "--class <c>", help: "fax class to drive: 1/1.0 (faxline runs T.30) or 2/2.0 (the modem runs T.30)", choices: ["1", "1.0", "2", "2.0", "auto"], default: "auto: the profile's preference among what AT+FCLASS=? offers" },
	{ flags: "--baud <n>", help: "serial line speed", unit: "bit/s", default: "the profile's, else 115200" },
	{ flags: "--flow <kind>", help: "serial flow control", choices: ["none", "xonxoff", "rtscts"], default: "the profile's" },
	{ flags: "--trace <file>", help: "write a JSONL protocol trace (AT lines, frames, states, timers) to this file (replaced)" },
];
const JOB_ACTION = (name: string, what: string): CommandSpec => ({ name, summary: what, args: "<jobid>", options: [...SPOOL_OPTS, JSON_OPT] });

export const COMMANDS: readonly CommandSpec[] = [
	{
		name: "send",
		summary: "send a fax now through a Class 1, 2 or 2.0 modem (exit 0 only if every page was confirmed)",
		args: "<file...>",
		options: [
			...PORT_OPTS,
			{ flags: "-t, --to <number>", help: "the number to dial (digits, spaces, - ( ) . , W P T * # +); one only: several recipients are a broadcast, use submit", repeat: true },
			{ flags: "--allow-number <number>", help: "dial this number although the dial-string rule blocks it (emergency numbers 911 112 999 000 110 119 in every dialled form)", repeat: true },
			{ flags: "--max-bad-rows <share>", help: "refuse a document page whose bad rows exceed this share (a page with fewer is sent with a warning)", unit: "percent (10%) or fraction (0.1)", default: "10%" },
			{ flags: "--tsid <id>", help: "our station id sent in TSI, at most 20 printable ASCII characters", default: "none" },
			{ flags: "--max-rate <bps>", help: "highest bit rate to try", unit: "bit/s, 2400..14400", default: "14400" },
			{ flags: "--no-ecm", help: "send without error correction mode (and so without MMR); ECM is used whenever both sides offer it" },
			...DOC_OPTS,
			...COVER_OPTS,
			JSON_OPT,
			{ flags: "-q, --quiet", help: "no progress on stderr" },
		],
		notes: ["Documents: TIFF (any), PBM, PDF, PostScript, PNG, JPEG, GIF, WebP, BMP, SVG and UTF-8 text.", "Progress goes to stderr (a live bar on a terminal, plain lines otherwise); the outcome to stdout.", "exit codes: 0 all pages confirmed, 1 the call failed, 2 usage, 130 interrupted (the call is ended with DCN first)"],
	},
	{
		name: "submit",
		summary: "queue a fax for the daemon (checked like send before anything is queued)",
		args: "<file...>",
		options: [
			{ flags: "-t, --to <number>", help: "recipient number; repeat for a broadcast (one job each)", repeat: true },
			{ flags: "--allow-number <number>", help: "queue this number although the dial-string rule blocks it (emergency numbers in every dialled form); the daemon dials it for this job only", repeat: true },
			{ flags: "--priority <p>", help: "queue priority", choices: ["low", "normal", "high"], default: "normal" },
			{ flags: "--at <when>", help: "when to send: now, discount (the discount-rate window), HH:MM (next such local time) or an ISO date/time", default: "now" },
			{ flags: "--tsid <id>", help: "our station id sent in TSI (at most 20 printable ASCII characters)", default: "the modem's tsid from the config" },
			{ flags: "--from <name>", help: "sender name (cover page, receipts)" },
			{ flags: "--name <text>", help: "document name shown in the queue", default: "the file names" },
			{ flags: "--subject <text>", help: "subject (cover page, receipts)" },
			{ flags: "--cover", help: "add a server cover page" },
			{ flags: "--note <text>", help: "cover page note" },
			{ flags: "--receipt <email>", help: "mail a delivery receipt to this address" },
			{ flags: "--group", help: "one receipt for the whole broadcast" },
			{ flags: "--attach", help: "attach the fax to the receipt" },
			...SPOOL_OPTS,
			JSON_OPT,
		],
		notes: ["Prints the job ids, one per line, in recipient order."],
	},
	{
		name: "jobs",
		summary: "list the outgoing queue (--all/--done: with finished jobs, like faxstat -d)",
		options: [
			{ flags: "--all", help: "queued and finished jobs" },
			{ flags: "--done", help: "finished jobs only (final status, pages, duration, far-end CSID)" },
			{ flags: "--limit <n>", help: "at most this many finished jobs, newest first", default: "50" },
			...SPOOL_OPTS,
			JSON_OPT,
		],
	},
	{ name: "job", summary: "show every property of one job (queued or finished)", args: "<jobid>", options: [...SPOOL_OPTS, JSON_OPT] },
	{
		name: "status",
		summary: "each modem (idle, sending to N, down and why) and the queue counts (like faxstat -s)",
		options: [...SPOOL_OPTS, JSON_OPT],
	},
	{
		name: "alter",
		summary: "change a waiting job's priority, time or retries (like faxalter)",
		args: "<jobid>",
		options: [
			{ flags: "--priority <p>", help: "new priority", choices: ["low", "normal", "high"] },
			{ flags: "--at <when>", help: "new time: now, discount, HH:MM or an ISO date/time" },
			{ flags: "--retries <n>", help: "most retries for this job after a failed attempt (replaces the queue's retries setting for it)", unit: "count, 0..99" },
			...SPOOL_OPTS,
			JSON_OPT,
		],
	},
	JOB_ACTION("cancel", "cancel a job"),
	JOB_ACTION("pause", "pause a waiting job"),
	JOB_ACTION("resume", "resume a paused job"),
	JOB_ACTION("restart", "restart a failed job"),
	{ name: "copy-tiff", summary: "copy a queued job's TIFF Class F to a file", args: "<jobid> <path>", options: [...SPOOL_OPTS] },
	{
		name: "daemon",
		summary: "run the queue and the inbox on their modems (send, receive or both per modem)",
		options: [
			CONFIG_OPT,
			{ flags: "--log-json", help: "log one JSON object per line instead of text" },
			{ flags: "--log-level <level>", help: "least severe level logged", choices: ["debug", "info", "warn", "error"], default: "info" },
			{ flags: "-q, --quiet", help: "no job events in the log (warnings and errors only)" },
		],
		notes: ["Log lines go to stdout: <ISO time> <LEVEL> <message>; SIGINT/SIGTERM stop it (running calls come back as retries)."],
	},
	{
		name: "receive",
		summary: "answer calls on a Class 1, 2 or 2.0 modem and receive faxes into TIFF Class F files (progress per page)",
		options: [
			...PORT_OPTS,
			{ flags: "-o, --out <dir>", help: "where received faxes are written (fax-<time>-<pid>-<n>.tif)", default: "." },
			{ flags: "--once", help: "stop after the first call (exit 0 only if it was received complete)" },
			{ flags: "--rings <n>", help: "answer after this many rings", unit: "rings, 0..20", default: "1" },
			{ flags: "--auto-answer", help: "let the modem answer by itself (ATS0=n) instead of ATA" },
			{ flags: "--ecm", help: "offer error correction mode (and MMR) to callers" },
			{ flags: "--csid <id>", help: "our station id sent in CSI, at most 20 printable ASCII characters", default: "none" },
			JSON_OPT,
			{ flags: "-q, --quiet", help: "no progress on stderr" },
		],
		notes: ["exit codes: 0 the fax was received complete, 1 a call failed or was incomplete (the pages received are kept), 2 usage, 130 interrupted"],
	},
	{
		name: "inbox",
		summary: "the received faxes in the daemon's inbox (FaxIncomingMessage)",
		args: "[path]",
		options: [
			...SPOOL_OPTS,
			{ flags: "--copy-tiff <id>", help: "copy this fax's TIFF to PATH" },
			{ flags: "--delete <id>", help: "delete this fax from the inbox" },
			JSON_OPT,
		],
	},
	{
		name: "incoming",
		summary: "calls being received right now (FaxIncomingJob)",
		options: [...SPOOL_OPTS, JSON_OPT],
	},
	{
		name: "probe",
		summary: "identify a modem: identity, classes, rates, chosen quirk profile",
		args: "[device]",
		options: [...PORT_OPTS, { flags: "--list", help: "list serial ports (/dev/serial/by-id, /sys/class/tty)" }, JSON_OPT],
	},
	{
		name: "info",
		summary: "per page of any document send accepts: size, resolution, compression, fill order, bad lines",
		args: "<file>",
		options: [...DOC_OPTS, JSON_OPT],
	},
	{
		name: "convert",
		summary: "convert any document send accepts (or raw T.4) to TIFF Class F, PBM or PDF (CCITT G4, lossless)",
		args: "<in> <out>",
		options: [
			{ flags: "--page <n>", help: "only this page (1-based); a .pbm output takes one page", default: "all (pbm: 1)" },
			{ flags: "--compression <c>", help: "TIFF output coding", choices: ["mh", "mr", "mmr"], default: "mh" },
			{ flags: "--align-eol", help: "byte-align EOL codes (mh/mr)" },
			{ flags: "--fill-order <n>", help: "TIFF FillOrder", choices: ["1", "2"], default: "1" },
			{ flags: "--resolution <r>", help: "vertical resolution to normalise to (98, 196, 391 lpi)", choices: ["standard", "fine", "superfine"] },
			{ flags: "--width <w>", help: "page width to normalise to: a4|b4|a3 or pixels", unit: "1728|2048|2432 px" },
			{ flags: "--raw", help: "IN is a headerless T.4/T.6 stream (needs --width, --coding, --bit-order)" },
			{ flags: "--coding <c>", help: "raw input coding", choices: ["mh", "mr", "mmr"] },
			{ flags: "--bit-order <o>", help: "raw input bit order", choices: ["msb", "lsb"] },
			{ flags: "--rows <n>", help: "raw input rows to decode", default: "until RTC/end" },
			...DOC_OPTS,
		],
		notes: ["OUT ending .tif/.tiff writes TIFF Class F; .pbm writes one page; .pdf writes a PDF, each page CCITT G4 at its true size."],
	},
	{
		name: "sim",
		summary: "run a modem simulator on a pty (Class 1, 2 or 2.0; no hardware needed)",
		options: [
			{ flags: "--link <path>", help: "symlink to create for the modem's pty (refused while another simulator holds it)" },
			{ flags: "--out <dir>", help: "write each call's received pages there as TIFF Class F" },
			{ flags: "--fault <spec>", help: "kind[:key=value,...], e.g. busy, fttAbove:bitRate=9600, postPage:page=2,response=RTN", repeat: true },
			{ flags: "--time-scale <x>", help: "real seconds per line second (0.1 = ten times faster)", unit: "ratio, (0, 10]", default: "1" },
			{ flags: "--csi <id>", help: "the far end's CSI", default: "+1 555 0100" },
			{ flags: "--rates <list>", help: "the modem's AT+FTM=? list", default: "24,48,72,73,74,96,97,98,121,122,145,146" },
			{ flags: "--call <doc>", help: "the line calls the host and a fax sends DOC (TIFF/PBM); caller faults badPage:page=1, hangup:page=2[,when=after], noDcs, crp:to=MCF, badFcs:frame=DCS" },
			{ flags: "--calls <n>", help: "how many calls the line makes with --call, one after the other", unit: "calls, 1..1000", default: "1" },
			{ flags: "--tsi <id>", help: "the calling fax's TSI", default: "+1 555 0199" },
			{ flags: "--caller-number <n>", help: "caller id number sent with RING (\"\" for private)", default: "5550199" },
			{ flags: "--caller-name <s>", help: "caller id name", default: "SIM CALLER" },
			{ flags: "--class <c>", help: "the modem to emulate: 1 a T.31 Class 1 modem; 2 or 2.0 a Class 2 (SP-2388) / 2.0 (T.32) modem whose firmware runs T.30", choices: ["1", "2", "2.0"], default: "1" },
			{ flags: "--ecm", help: "the far end offers error correction mode and T.6 (MMR) in its DIS; faults ecmCorrupt:page=1,from=3,to=5 (times=999: never), rnr:seconds=20, noReply:to=PPS, pprPhantom:frame=200, dcn:after=pps" },
		],
	},
	{
		name: "demo",
		summary: "send the bundled sample through the built-in simulator",
		args: "[file...]",
		options: [
			{ flags: "--out <dir>", help: "where the received copy and the trace go", default: "./faxline-demo" },
			{ flags: "--time-scale <x>", help: "real seconds per line second", unit: "ratio, (0, 10]", default: "0.1" },
			{ flags: "--to <number>", help: "number to dial", default: "555 0100" },
		],
	},
];

export const commandNames = (): string[] => COMMANDS.map((c) => c.name);
export const findCommand = (name: string): CommandSpec | undefined => COMMANDS.find((c) => c.name === name);
