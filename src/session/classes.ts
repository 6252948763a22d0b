/**
 * The per-class session factories and the class choice of the session opener (issue 8 "a class-neutral
 * openFaxModem ... picks Class 1, 1.0, 2 or 2.0 from +FCLASS=? and the profile's preference"; HylaFAX
 * faxd ModemServer::deduceModem). A factory turns a probed AT channel into a FaxModem for one class;
 * Class 2 plugs in by adding its factory to SESSION_FACTORIES (nothing else branches on the class).
 * Layer: session (above t30 and modem, below jobs).
 */
import { FaxError } from "../core/FaxError.js";
import { FAX_CLASSES, isFaxClass, type FaxClass } from "../modem/faxClass.js";
import { class1Session } from "./class1.js";
import type { SessionFactory } from "./factory.js";

export type { SessionFactory, SessionFactoryInput, SessionOptions } from "./factory.js";

/** The classes faxline drives today. Class 2 / 2.0 (issue 11) add their factory here. */
export const SESSION_FACTORIES: Readonly<Partial<Record<FaxClass, SessionFactory>>> = Object.freeze({
	"1": class1Session,
	"1.0": class1Session,
});

const human = (cs: readonly string[]): string => cs.map((c) => `Class ${c}`).join(", ");

/**
 * The class to use: `forced` when given (it must be offered and have a factory), else the first class of the
 * profile's preference, then of FAX_CLASSES, that the modem offers and that has a factory.
 * Throws MODEM_NOT_FAX_CLASS1 (no fax class offered) or MODEM_CLASS_UNSUPPORTED (offered classes have no
 * factory yet, e.g. a Class-2-only modem; or the forced class is not offered).
 */
export function pickClass(
	offered: readonly string[],
	preference: readonly string[],
	factories: Readonly<Partial<Record<FaxClass, SessionFactory>>>,
	forced?: FaxClass,
): { faxClass: FaxClass; factory: SessionFactory } {
	const fax = offered.filter(isFaxClass);
	if (forced !== undefined) {
		if (!fax.includes(forced)) throw new FaxError("MODEM_CLASS_UNSUPPORTED", `Class ${forced} was asked for, but the modem offers ${human(fax) || "no fax class"}`, { context: { offered, forced } });
		const factory = factories[forced];
		if (!factory) throw new FaxError("MODEM_CLASS_UNSUPPORTED", `Class ${forced} support is not available yet in faxline`, { context: { offered, forced } });
		return { faxClass: forced, factory };
	}
	if (fax.length === 0) throw new FaxError("MODEM_NOT_FAX_CLASS1", `Modem offers classes ${offered.join(",") || "(none)"}: no fax class`, { context: { classes: offered }, disposition: "fail" });
	const order = [...preference.filter(isFaxClass), ...FAX_CLASSES.filter((c) => !preference.includes(c))];
	for (const c of order) {
		const factory = factories[c];
		if (fax.includes(c) && factory) return { faxClass: c, factory };
	}
	const class2 = fax.some((c) => c.startsWith("2"));
	throw new FaxError("MODEM_CLASS_UNSUPPORTED", `Modem offers ${human(fax)} only; ${class2 ? "Class 2 support is not available yet" : "no driver for these classes"} (faxline drives ${human(Object.keys(factories))})`, {
		context: { offered, supported: Object.keys(factories) },
	});
}
