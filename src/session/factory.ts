/**
 * The seam between the session opener and one fax class: what a per-class session factory gets and
 * returns (issue 8). Class 1 implements it in class1.ts; Class 2 / 2.0 add theirs the same way and list
 * it in classes.ts SESSION_FACTORIES. Layer: session (types only).
 */
import type { Clock } from "../core/Clock.js";
import type { Tracer } from "../core/trace.js";
import type { AtChannel } from "../at/AtChannel.js";
import type { FaxClass } from "../modem/faxClass.js";
import type { FaxModem } from "../modem/FaxModem.js";
import type { ModemIdentification } from "../modem/probe.js";
import type { Class1SessionOptions } from "../t30/Class1Session.js";

/** Options every factory may read (class-specific ones are ignored by the other classes; Class 2 adds its own here). */
export type SessionOptions = Class1SessionOptions;

/** What a factory gets: the channel after identifyModem (AT+FCLASS=? asked, no class entered yet). */
export interface SessionFactoryInput {
	/** the device path (FaxModem.id unless options.id) */
	path: string;
	channel: AtChannel;
	found: ModemIdentification;
	faxClass: FaxClass;
	clock: Clock;
	tracer?: Tracer;
	options: SessionOptions;
}

/** Enter `faxClass`, finish its set-up and return the FaxModem; it closes nothing on failure (the opener does). */
export type SessionFactory = (input: SessionFactoryInput) => Promise<FaxModem>;
