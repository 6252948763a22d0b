/*
 * spandsp-peer: a Class 1 fax modem (SpanDSP T.31) on a pty, joined by 8 kHz audio to a SpanDSP
 * fax terminal that answers and receives (T.30 receiver, ITU-T T.30/T.31/T.4 as implemented by
 * SpanDSP 0.0.6). Shared declarations of the peer's parts: line (pty), far end (fax terminal,
 * faults, result), txmon (transmit-underrun monitor of the T.31 modem).
 * Written for faxline's interop tests; see hw-mocks/spandsp/README.md.
 */
#ifndef FAXLINE_SPANDSP_PEER_H
#define FAXLINE_SPANDSP_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SAMPLES_PER_BLOCK 160 /* 20 ms at 8 kHz */
#define MAX_RATES 8
#define MAX_PAGES 64
#define MAX_SESSIONS 128
#define MAX_TRAININGS 32

typedef struct {
    const char *link;        /* symlink to create for the pty slave, or NULL */
    double speed;            /* audio blocks run this many times faster than real time */
    const char *rx_file;     /* TIFF the far end writes */
    const char *ident;       /* far end's CSI */
    int modems;              /* T30_SUPPORT_V27TER | V29 | V17 */
    int compressions;        /* T30_SUPPORT_T4_1D_COMPRESSION | 2D | T6 */
    int resolutions;         /* T30_SUPPORT_STANDARD_RESOLUTION | FINE | SUPERFINE */
    int ecm;                 /* far end offers ECM */
    int hangup_after_page;   /* -1: never; N: go on-hook during page N+1 */
    int hangup_delay_ms;     /* audio ms of image carrier before the far end hangs up */
    int hangup_drop;         /* 1: our modem reports the line drop (NO CARRIER); 0: line just goes silent */
    int no_answer;           /* ring, then the modem reports NO ANSWER */
    int busy;                /* the modem reports BUSY */
    int silent_answer;       /* answered by something that never speaks fax */
    int answer_delay_ms;     /* audio ms between ATD and the answer */
    int ring_ms;             /* audio ms of ringing before NO ANSWER */
    int refuse_all;          /* fail every TCF (FTT) */
    int refuse_rates[MAX_RATES];
    int n_refuse_rates;
    double timeout_s;        /* wall-clock limit for the whole run */
    int linger_ms;           /* wall ms to keep serving the pty after the result */
    int verbose;             /* SpanDSP protocol logs to stderr */
    int noise;               /* add noise to the line from our modem to the far end */
    double noise_dbm0;       /* its level (white Gaussian, SpanDSP awgn) */
    int noise_period_ms;     /* gating: noise during the first noise_burst_ms of every period (audio ms); 0 = always */
    int noise_burst_ms;
    int noise_seed;
    int noise_data_only;     /* gate relative to each page-data carrier of our modem (not TCF, not V.21), after noise_skip_ms */
    int noise_skip_ms;
    /* calling mode (the far end calls the host and sends a document; issue 10) */
    const char *call_file;   /* TIFF the calling far end sends; NULL = answering mode */
    const char *caller_id;   /* NMBR shown with RING when the host enabled +VCID */
    const char *caller_name; /* NAME shown with RING */
    int ring_start_ms;       /* wall ms after the host first spoke before the first RING */
    int max_rings;           /* the caller gives up after this many RINGs unanswered */
    int silent_call;         /* the caller never speaks fax after the answer (no DCS: the host's T1) */
    int page_noise;          /* 1-based image burst (page transmission) to add noise to; 0 none (calling mode) */
    double page_noise_dbm0;  /* its AWGN level, dBm0 */
    int page_noise_at_ms;    /* audio ms into the burst where the noise starts */
    int page_noise_ms;       /* audio ms of noise */
    int two_modems;          /* two T.31 modems on one line (twoline.c) */
} peer_config_t;

/* ---- twoline.c: --two-modems ---- */
int run_two_modems(const peer_config_t *cfg);

/* ---- line.c: the pty ---- */
typedef struct {
    int mfd;
    char slave[128];
    const char *link;
    uint8_t *out;
    size_t out_len;
    size_t out_cap;
    int host_seen;   /* the host has written something */
    int host_gone;   /* the host closed the slave after host_seen */
} line_t;

int line_open(line_t *l, const char *link);
void line_queue(line_t *l, const uint8_t *buf, size_t len);
void line_flush(line_t *l);
/* Read at most max bytes into buf; returns count, 0 when nothing, -1 when the host is not there. */
int line_read(line_t *l, uint8_t *buf, size_t max);
void line_close(line_t *l);

/* ---- txmon.c: underrun accounting of the T.31 transmitter ---- */
typedef struct {
    int tcf;             /* 1: the training check after a DCS, 0: page (image) data */
    int bit_rate;
    long bytes;          /* real bytes the modem sent from the host's data */
    long fill_bytes;     /* bytes the modem had to invent because its buffer ran dry */
    int gaps;            /* separate underrun episodes */
} tx_session_t;

typedef struct {
    tx_session_t sessions[MAX_SESSIONS];
    int n;
    int active;
    int in_gap;
    int ended;       /* the host closed the data with DLE ETX */
    int next_is_tcf;
    int before_out;
    int before_ok;
} txmon_t;

struct t31_state_s;
void txmon_before(txmon_t *m, struct t31_state_s *t31);
void txmon_after(txmon_t *m, struct t31_state_s *t31);
void txmon_finish(txmon_t *m);

/* ---- farend.c: the answering fax terminal, faults and the result ---- */
typedef struct farend_s farend_t;
farend_t *farend_new(const peer_config_t *cfg, txmon_t *mon);
void farend_start(farend_t *f);
int farend_active(const farend_t *f);
/* One block: audio from the far end into buf (silence if none), then after the modem's block, feed it. */
void farend_tx(farend_t *f, int16_t *buf, int len);
void farend_rx(farend_t *f, const int16_t *buf, int len);
/* Returns 1 once when the far end has just hung up and the modem should report the line drop. */
int farend_take_line_drop(farend_t *f);
int farend_done(const farend_t *f);
void farend_terminate(farend_t *f);
void farend_print_result(farend_t *f, FILE *out, const char *extra_json);
/* Calling mode: the host answered (ATA / auto-answer); start the calling terminal. */
int farend_is_caller(const farend_t *f);

#endif
