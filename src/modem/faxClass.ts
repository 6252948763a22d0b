/**
 * The fax service classes a modem offers in its AT+FCLASS=? reply: Class 1 (EIA-578, T.31), Class 1.0
 * (T.31 with the Amd.1 DLE codes), Class 2 (EIA-592 draft, "2"), Class 2.0 (EIA-592 / T.32) and 2.1
 * (T.32 Amd. V.34). The session opener (src/session) picks one; profiles list them in order of
 * preference (drivers/). Layer: modem (pure vocabulary).
 */

export type FaxClass = "1" | "1.0" | "2" | "2.0" | "2.1";

/** Every class, in the order tried when a profile's preference names none the modem offers. */
export const FAX_CLASSES: readonly FaxClass[] = Object.freeze(["1", "1.0", "2", "2.0", "2.1"]);

export const isFaxClass = (s: string): s is FaxClass => (FAX_CLASSES as readonly string[]).includes(s);
