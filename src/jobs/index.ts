/**
 * Public surface of the outgoing job layer (outgoing-job.md): the faxcomex-style facade (FaxServer,
 * FaxOutgoingQueue, FaxOutgoingJob(s), FaxDocument), its enums, the daemon pieces (config, modem pool
 * types, codec seam, receipts) and the store. Layer: jobs.
 */
export * from "./enums.js";
export type { FailureDetail, FailureOutcome } from "./failureMap.js";
export { mapFailure } from "./failureMap.js";
export type { AttemptRecord, AttemptResult, FaxRecipient, FaxSender, HourMinute, JobRecord, QueueSettings, SubmissionSpec } from "./types.js";
export { defaultQueueSettings } from "./types.js";
export { FaxServer } from "./FaxServer.js";
export type { DaemonOptions, FaxServerEvents, FaxServerOptions } from "./FaxServer.js";
export { FaxOutgoingQueue } from "./FaxOutgoingQueue.js";
export { FaxOutgoingJob, FaxOutgoingJobs, statusInfo } from "./FaxOutgoingJob.js";
export type { FaxJobAttempt, FaxJobStatusInfo, JobBackend } from "./FaxOutgoingJob.js";
export { FaxDocument, FaxRecipients } from "./FaxDocument.js";
export type { DocumentCodec, JobDocument, RenderedDocument } from "./codec.js";
export { tiffCodec } from "./codec.js";
export type { ModemConfig, ModemFactory } from "./ModemPool.js";
export type { DaemonConfig } from "./daemonConfig.js";
export { daemonModemFactory, loadDaemonConfig, parseDaemonConfig } from "./daemonConfig.js";
export type { ReceiptMessage, ReceiptSender, SmtpConfig } from "./receipts.js";
export { smtpReceiptSender } from "./receipts.js";
export { EpochClock, offsetClock } from "./EpochClock.js";
export { JobStore } from "./JobStore.js";
export { inDiscountWindow, nextDiscountStart } from "./schedule.js";
