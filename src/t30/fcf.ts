/**
 * T.30 facsimile control fields (T.30 §5.3.6, Table 1) in DTE-link form: the octet as the Class 1 modem
 * delivers it, i.e. bit-reversed relative to the bit strings printed in T.30 (DIS "0000 0001" = 0x80).
 * The X bit (T.30 §5.3.6.1, first bit sent = 0x01 here) is 1 on every frame from the station that received
 * the DIS (normally the caller), so our DCS goes out as 0x83. The initial identification and polling
 * commands (DIS/CSI/NSF, DTC/CIG/NSC/PWD/SEP/PSA/CIA/ISP) have no X bit: their 0x01 is part of the code.
 * Values checked against SpanDSP t30_fcf.h. Layer: t30 (pure table).
 */

export const Fcf = {
	// Initial identification, called -> calling (no X bit)
	DIS: 0x80, // 0000 0001 digital identification signal
	CSI: 0x40, // 0000 0010 called subscriber identification
	NSF: 0x20, // 0000 0100 non-standard facilities
	// Polling commands (no X bit)
	DTC: 0x81, // 1000 0001 digital transmit command
	CIG: 0x41, // 1000 0010 calling subscriber identification
	NSC: 0x21, // 1000 0100 non-standard facilities command
	PWD: 0xc1, // 1000 0011 password (polling)
	SEP: 0xa1, // 1000 0101 selective polling
	PSA: 0x61, // 1000 0110 polled subaddress
	CIA: 0xe1, // 1000 0111 calling subscriber internet address
	ISP: 0x11, // 1000 1000 internet selective polling address
	// Commands to receive (X bit)
	DCS: 0x82, // X100 0001 digital command signal
	TSI: 0x42, // X100 0010 transmitting subscriber identification
	NSS: 0x22, // X100 0100 non-standard facilities set-up
	SUB: 0xc2, // X100 0011 subaddress
	SID: 0xa2, // X100 0101 sender identification (password with DCS)
	TSA: 0x62, // X100 0110 transmitting subscriber internet address
	IRA: 0xe2, // X100 0111 internet routing address
	CTC: 0x12, // X100 1000 continue to correct
	// Pre-message responses
	CFR: 0x84, // X010 0001 confirmation to receive
	FTT: 0x44, // X010 0010 failure to train
	CTR: 0xc4, // X010 0011 response to CTC
	CSA: 0x24, // X010 0100 called subscriber internet address
	// Post-message commands
	EOM: 0x8e, // X111 0001 end of message
	MPS: 0x4e, // X111 0010 multipage signal
	EOP: 0x2e, // X111 0100 end of procedure
	PRI_EOM: 0x9e, // X111 1001
	PRI_MPS: 0x5e, // X111 1010
	PRI_EOP: 0x3e, // X111 1100
	EOS: 0x1e, // X111 1000 end of selection
	PPS: 0xbe, // X111 1101 partial page signal (ECM)
	EOR: 0xce, // X111 0011 end of retransmission (ECM)
	RR: 0x6e, // X111 0110 receive ready (ECM)
	// Post-message responses
	MCF: 0x8c, // X011 0001 message confirmation
	RTP: 0xcc, // X011 0011 retrain positive
	RTN: 0x4c, // X011 0010 retrain negative
	PIP: 0xac, // X011 0101 procedure interrupt positive
	PIN: 0x2c, // X011 0100 procedure interrupt negative
	PPR: 0xbc, // X011 1101 partial page request (ECM)
	RNR: 0xec, // X011 0111 receive not ready (ECM)
	ERR: 0x1c, // X011 1000 response to EOR (ECM)
	FDM: 0xfc, // X011 1111 file diagnostics message
	// Other line control
	DCN: 0xfa, // X101 1111 disconnect
	CRP: 0x1a, // X101 1000 command repeat
	FNV: 0xca, // X101 0011 field not valid
	TNR: 0xea, // X101 0111 transmit not ready
	TR: 0x6a, // X101 0110 transmit ready
	PID: 0x6c, // X011 0110 procedure interrupt disconnect
} as const;

export type FcfName = keyof typeof Fcf;

/** The X bit (T.30 §5.3.6.1) in DTE-link form. */
const X_BIT = 0x01;

/** FCFs whose low bit is part of the code, not an X bit. */
const NO_X_BIT: ReadonlySet<number> = new Set<number>([Fcf.DIS, Fcf.CSI, Fcf.NSF, Fcf.DTC, Fcf.CIG, Fcf.NSC, Fcf.PWD, Fcf.SEP, Fcf.PSA, Fcf.CIA, Fcf.ISP]);

const byValue = new Map<number, FcfName>(Object.entries(Fcf).map(([k, v]) => [v, k as FcfName]));

/** Does this FCF carry an X bit? */
export const hasXBit = (fcf: number): boolean => !NO_X_BIT.has(fcf & 0xff);

/** The table value of a received FCF: X bit removed where the code has one. */
export const baseFcf = (fcf: number): number => (NO_X_BIT.has(fcf & 0xff) ? fcf & 0xff : fcf & 0xfe);

/** The FCF as we send it: with `x` (default true: we are the caller that received DIS) where it applies. */
export const withX = (fcf: number, x = true): number => (hasXBit(fcf) ? (x ? fcf | X_BIT : fcf & 0xfe) : fcf);

/** The spec name of a received FCF ("DCS", "MCF"), or undefined for an unknown code. */
export const fcfName = (fcf: number): FcfName | undefined => byValue.get(baseFcf(fcf));

/** A name for traces: the spec name, or "FCF 0x5a" for unknown codes. */
export const fcfLabel = (fcf: number): string => fcfName(fcf) ?? `FCF 0x${(fcf & 0xff).toString(16).padStart(2, "0")}`;

/** Does received `fcf` mean `name`, ignoring the X bit? */
export const isFcf = (fcf: number, name: FcfName): boolean => baseFcf(fcf) === Fcf[name];
