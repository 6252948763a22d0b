/*
 * main.c: spandsp-peer, one fax call per run. Opens a pty (prints "PTY <slave path>"), runs SpanDSP's
 * T.31 Class 1 modem emulation on it (t31_at_rx / t31_rx / t31_tx) and, when the host dials, joins the
 * modem by 8 kHz audio in 160-sample blocks to the answering fax terminal of farend.c. Blocks are paced
 * in real time divided by --speed. At the end prints one line:
 *   RESULT {"t30":0,"t30_text":"OK","pages":2,"bad_rows":0,"bit_rate":14400,...}
 * Usage: see usage() below and hw-mocks/spandsp/README.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SPANDSP_EXPOSE_INTERNAL_STRUCTURES
#include <spandsp.h>

#include "peer.h"

volatile sig_atomic_t peer_stop_signal = 0;
#define stop_signal peer_stop_signal
static void on_signal(int sig) { stop_signal = sig; }

typedef struct {
    peer_config_t cfg;
    line_t line;
    t31_state_t *t31;
    farend_t *far;
    txmon_t mon;
    int holding;            /* the modem asked the host to pause (CTS off) */
    int dialed;
    char number[64];
    long ring_samples;      /* audio samples left before the answer / NO ANSWER; <0: not ringing */
    int host_hangup;        /* ATH/ATZ from the host, or the port closed */
    int line_dropped;       /* we told the modem the far end hung up */
    double t_dial, t_hangup;
    /* calling mode */
    double t_host_seen;     /* wall ms the host first spoke */
    long next_ring_samples; /* audio samples to the next RING; <0: not ringing */
    int rings;
    int answer_pending;     /* the host answered; tell the modem on the next block */
    int caller_gave_up;
    long long call_samples;
    double max_lag_ms;
    awgn_state_t *noise;    /* line noise towards the far end (--noise-dbm0), gated */
    long long noise_samples; /* samples of our audio that carried noise */
    long long data_start;    /* call sample where the current page-data carrier began; <0: none */
} peer_t;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int at_tx(at_state_t *s, void *user, const uint8_t *buf, size_t len)
{
    peer_t *p = user;
    (void) s;
    line_queue(&p->line, buf, len);
    return 0;
}

static int modem_control(t31_state_t *s, void *user, int op, const char *num)
{
    peer_t *p = user;
    (void) s;
    switch (op) {
    case AT_MODEM_CONTROL_CALL:
        if (!p->dialed) {
            p->dialed = 1;
            snprintf(p->number, sizeof(p->number), "%s", num ? num : "");
            p->t_dial = now_ms();
            p->ring_samples = (long) (p->cfg.no_answer ? p->cfg.ring_ms : p->cfg.answer_delay_ms) * 8;
            printf("EVENT {\"type\":\"dial\"}\n");
            fflush(stdout);
        }
        break;
    case AT_MODEM_CONTROL_ANSWER:
        /* ATA, or auto-answer after S0 rings: the calling far end starts on the next audio block */
        if (p->cfg.call_file && p->next_ring_samples >= 0 && !p->dialed) {
            p->next_ring_samples = -1;
            p->answer_pending = 1;
        }
        break;
    case AT_MODEM_CONTROL_HANGUP:
        if (p->dialed && !p->host_hangup) {
            p->host_hangup = 1;
            p->t_hangup = now_ms();
        }
        break;
    case AT_MODEM_CONTROL_CTS:
        p->holding = ((intptr_t) num) == 0;
        if (p->cfg.verbose)
            fprintf(stderr, "peer: CTS %s at %lld ms audio\n", p->holding ? "off (hold)" : "on", p->call_samples / 8);
        break;
    default:
        break;
    }
    return 0;
}

/* The call progress the modem sees: answer, busy, no answer. */
static void ring_step(peer_t *p)
{
    if (p->ring_samples < 0)
        return;
    p->ring_samples -= SAMPLES_PER_BLOCK;
    if (p->ring_samples > 0)
        return;
    p->ring_samples = -1;
    p->data_start = -1;
    if (p->cfg.busy) {
        t31_call_event(p->t31, AT_CALL_EVENT_BUSY);
    } else if (p->cfg.no_answer) {
        t31_call_event(p->t31, AT_CALL_EVENT_NO_ANSWER);
    } else {
        if (!p->cfg.silent_answer)
            farend_start(p->far);
        t31_call_event(p->t31, AT_CALL_EVENT_CONNECTED);
        printf("EVENT {\"type\":\"answer\"}\n");
        fflush(stdout);
    }
}

/*
 * Calling mode: ring the host (RING every 6 s of audio: 2 s on, 4 s off, as a North American cadence),
 * with the caller id before the first RING (SpanDSP shows it when the host enabled +VCID=1); on the
 * host's answer start the calling terminal and tell the modem (AT_CALL_EVENT_ANSWERED: CED, then V.21).
 */
static void call_step(peer_t *p)
{
    if (!p->cfg.call_file)
        return;
    if (p->answer_pending) {
        p->answer_pending = 0;
        p->dialed = 1; /* the call's clock and the host-hangup logic run as for a dialled call */
        p->t_dial = now_ms();
        if (!p->cfg.silent_call)
            farend_start(p->far);
        t31_call_event(p->t31, AT_CALL_EVENT_ANSWERED);
        printf("EVENT {\"type\":\"answered\",\"rings\":%d}\n", p->rings);
        fflush(stdout);
        return;
    }
    if (p->next_ring_samples < 0) {
        if (p->rings == 0 && p->t_host_seen > 0 && now_ms() - p->t_host_seen >= p->cfg.ring_start_ms && !p->dialed)
            p->next_ring_samples = 0;
        else
            return;
    }
    p->next_ring_samples -= SAMPLES_PER_BLOCK;
    if (p->next_ring_samples > 0)
        return;
    if (p->rings >= p->cfg.max_rings) {
        p->next_ring_samples = -1;
        p->caller_gave_up = 1;
        return;
    }
    if (p->rings == 0 && p->cfg.caller_id) {
        at_state_t *at = &p->t31->at_state;
        at_reset_call_info(at);
        at_set_call_info(at, "DATE", "1206");
        at_set_call_info(at, "TIME", "1810");
        at_set_call_info(at, "NMBR", p->cfg.caller_id);
        if (p->cfg.caller_name)
            at_set_call_info(at, "NAME", p->cfg.caller_name);
    }
    p->rings++;
    p->next_ring_samples = 6000 * 8;
    printf("EVENT {\"type\":\"ring\",\"n\":%d}\n", p->rings);
    fflush(stdout);
    t31_call_event(p->t31, AT_CALL_EVENT_ALERTING);
}

static void audio_block(peer_t *p)
{
    int16_t a[SAMPLES_PER_BLOCK], b[SAMPLES_PER_BLOCK];
    ring_step(p);
    call_step(p);
    farend_tx(p->far, a, SAMPLES_PER_BLOCK);
    t31_rx(p->t31, a, SAMPLES_PER_BLOCK);
    txmon_before(&p->mon, p->t31);
    int n = t31_tx(p->t31, b, SAMPLES_PER_BLOCK);
    txmon_after(&p->mon, p->t31);
    if (n < SAMPLES_PER_BLOCK)
        memset(b + n, 0, sizeof(int16_t) * (size_t) (SAMPLES_PER_BLOCK - n));
    /* a page-data carrier of our modem (not the TCF): the "data" gate measures from its start */
    int data_on = p->mon.active && !p->mon.sessions[p->mon.n].tcf;
    if (!data_on)
        p->data_start = -1;
    else if (p->data_start < 0)
        p->data_start = p->call_samples;
    if (p->noise && p->dialed && !p->host_hangup) {
        /* gated white noise on the line towards the far end: during the first burst ms of every period,
           counted from the call's start, or (--noise-on data) from each page-data carrier's start after a skip */
        long long ms = p->call_samples / 8;
        int on;
        if (p->cfg.noise_data_only) {
            long long d = data_on ? (p->call_samples - p->data_start) / 8 - p->cfg.noise_skip_ms : -1;
            on = d >= 0 && (p->cfg.noise_period_ms <= 0 || (d % p->cfg.noise_period_ms) < p->cfg.noise_burst_ms);
        } else {
            on = p->cfg.noise_period_ms <= 0 || (ms % p->cfg.noise_period_ms) < p->cfg.noise_burst_ms;
        }
        if (on) {
            for (int i = 0; i < SAMPLES_PER_BLOCK; i++) {
                int v = b[i] + awgn(p->noise);
                b[i] = (int16_t) (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
            }
            p->noise_samples += SAMPLES_PER_BLOCK;
        }
    }
    farend_rx(p->far, b, SAMPLES_PER_BLOCK);
    if (farend_take_line_drop(p->far) && !p->line_dropped) {
        p->line_dropped = 1;
        t31_call_event(p->t31, AT_CALL_EVENT_HANGUP);
    }
    if (p->dialed && !p->host_hangup)
        p->call_samples += SAMPLES_PER_BLOCK;
}

/*
 * Hand the host's bytes to the modem. SpanDSP's T.31 drops whatever follows DLE ETX in the same call
 * (dle_unstuff returns there), where a real modem would take it as the next command; so a chunk that may
 * hold an ETX goes in byte by byte.
 */
static void feed_modem(peer_t *p, const uint8_t *buf, int n)
{
    if (memchr(buf, 0x03, (size_t) n) == NULL) {
        t31_at_rx(p->t31, (const char *) buf, n);
        return;
    }
    for (int i = 0; i < n; i++)
        t31_at_rx(p->t31, (const char *) buf + i, 1);
}

/* Move bytes between the pty and the modem until the wall-clock deadline. */
static void serve_line(peer_t *p, double deadline)
{
    for (;;) {
        double left = deadline - now_ms();
        if (left <= 0 || stop_signal)
            return;
        struct pollfd pfd = { .fd = p->line.mfd, .events = 0 };
        if (!p->holding)
            pfd.events |= POLLIN;
        if (p->line.out_len)
            pfd.events |= POLLOUT;
        int r = poll(&pfd, 1, (int) ceil(left));
        if (r <= 0)
            continue;
        if (pfd.revents & POLLOUT)
            line_flush(&p->line);
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            uint8_t buf[256];
            int n = p->holding ? 0 : line_read(&p->line, buf, sizeof(buf));
            if (n > 0) {
                if (p->t_host_seen == 0)
                    p->t_host_seen = now_ms();
                feed_modem(p, buf, n);
            } else if (n < 0) {
                /* No host on the slave (not yet open, or closed): nothing to read until the deadline. */
                left = deadline - now_ms();
                if (left > 0)
                    usleep((useconds_t) (left * 1000));
                return;
            }
        }
    }
}

static void usage(void)
{
    fprintf(stderr,
            "usage: spandsp-peer [--link PATH] [--speed F] [--rx-file F.tif] [--ident ID]\n"
            "  [--modems v17,v29,v27ter] [--no-2d] [--resolutions standard,fine,superfine] [--ecm on|off]\n"
            "  [--hangup-after-page N] [--hangup-delay-ms MS] [--hangup-mode silent|drop]\n"
            "  [--no-answer] [--ring-ms MS] [--busy] [--silent-answer] [--answer-delay-ms MS]\n"
            "  [--refuse-rate all|R[,R...]] [--timeout S] [--linger-ms MS] [--verbose]\n"
            "  [--noise-dbm0 L [--noise-period-ms P --noise-burst-ms B] [--noise-on all|data] [--noise-skip-ms S]\n"
            "   [--noise-seed N]]\n"
            "  calling mode: --call FILE.tif [--caller-id NUM] [--caller-name NAME] [--ring-start-ms MS]\n"
            "  [--max-rings N] [--silent-call] [--page-noise N --page-noise-dbm0 L --page-noise-at-ms MS --page-noise-ms MS]\n"
            "  (--hangup-after-page N and --modems/--no-2d/--resolutions/--ecm apply to the caller too)\n"
            "  two modems on one line: --two-modems [--caller-id NUM --caller-name NAME --max-rings N] (PTY = caller, PTYB = answerer)\n");
}

static int parse_list(const char *arg, const char *const names[], const int values[], int *out)
{
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s", arg);
    *out = 0;
    for (char *tok = strtok(tmp, ","); tok; tok = strtok(NULL, ",")) {
        int i;
        for (i = 0; names[i] && strcmp(names[i], tok) != 0; i++)
            ;
        if (!names[i])
            return -1;
        *out |= values[i];
    }
    return 0;
}

static int parse_args(peer_config_t *c, int argc, char **argv)
{
    static const char *const modem_names[] = { "v17", "v29", "v27ter", NULL };
    static const int modem_values[] = { T30_SUPPORT_V17, T30_SUPPORT_V29, T30_SUPPORT_V27TER };
    static const char *const res_names[] = { "standard", "fine", "superfine", NULL };
    static const int res_values[] = { T30_SUPPORT_STANDARD_RESOLUTION, T30_SUPPORT_FINE_RESOLUTION,
                                      T30_SUPPORT_SUPERFINE_RESOLUTION };
    static const struct option opts[] = {
        { "link", 1, 0, 'l' }, { "speed", 1, 0, 's' }, { "rx-file", 1, 0, 'r' }, { "ident", 1, 0, 'i' },
        { "modems", 1, 0, 'm' }, { "no-2d", 0, 0, '1' }, { "resolutions", 1, 0, 'R' }, { "ecm", 1, 0, 'e' },
        { "hangup-after-page", 1, 0, 'H' }, { "hangup-delay-ms", 1, 0, 'D' }, { "hangup-mode", 1, 0, 'M' },
        { "no-answer", 0, 0, 'N' }, { "ring-ms", 1, 0, 'g' }, { "busy", 0, 0, 'B' },
        { "silent-answer", 0, 0, 'S' }, { "answer-delay-ms", 1, 0, 'a' }, { "refuse-rate", 1, 0, 'F' },
        { "timeout", 1, 0, 't' }, { "linger-ms", 1, 0, 'L' }, { "verbose", 0, 0, 'v' },
        { "noise-dbm0", 1, 0, 'n' }, { "noise-period-ms", 1, 0, 'P' }, { "noise-burst-ms", 1, 0, 'b' },
        { "noise-seed", 1, 0, 'z' }, { "noise-on", 1, 0, 'o' }, { "noise-skip-ms", 1, 0, 'k' },
        { "call", 1, 0, 'c' }, { "caller-id", 1, 0, 'I' }, { "caller-name", 1, 0, 'C' },
        { "ring-start-ms", 1, 0, 'y' }, { "max-rings", 1, 0, 'x' }, { "silent-call", 0, 0, 'q' },
        { "page-noise", 1, 0, 'G' }, { "page-noise-dbm0", 1, 0, 'E' }, { "page-noise-at-ms", 1, 0, 'T' },
        { "page-noise-ms", 1, 0, 'u' }, { "two-modems", 0, 0, 'W' }, { 0, 0, 0, 0 }
    };
    memset(c, 0, sizeof(*c));
    c->speed = 1.0;
    c->rx_file = "spandsp-peer-rx.tif";
    c->ident = "SPANDSP PEER";
    c->modems = T30_SUPPORT_V17 | T30_SUPPORT_V29 | T30_SUPPORT_V27TER;
    c->compressions = T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION;
    c->resolutions = T30_SUPPORT_STANDARD_RESOLUTION | T30_SUPPORT_FINE_RESOLUTION | T30_SUPPORT_SUPERFINE_RESOLUTION;
    c->hangup_after_page = -1;
    c->hangup_delay_ms = 1000;
    c->ring_ms = 6000;
    c->timeout_s = 600;
    c->linger_ms = 2000;
    c->noise_seed = 1234567;
    c->noise_skip_ms = 500;
    c->ring_start_ms = 500;
    c->max_rings = 10;
    c->page_noise_dbm0 = -20;
    c->page_noise_at_ms = 1000;
    c->page_noise_ms = 2000;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'l': c->link = optarg; break;
        case 's': c->speed = atof(optarg); if (c->speed <= 0) return -1; break;
        case 'r': c->rx_file = optarg; break;
        case 'i': c->ident = optarg; break;
        case 'm': if (parse_list(optarg, modem_names, modem_values, &c->modems) || !c->modems) return -1; break;
        case '1': c->compressions = T30_SUPPORT_T4_1D_COMPRESSION; break;
        case 'R': if (parse_list(optarg, res_names, res_values, &c->resolutions) || !c->resolutions) return -1; break;
        case 'e': c->ecm = strcmp(optarg, "on") == 0; break;
        case 'H': c->hangup_after_page = atoi(optarg); break;
        case 'D': c->hangup_delay_ms = atoi(optarg); break;
        case 'M': c->hangup_drop = strcmp(optarg, "drop") == 0; break;
        case 'N': c->no_answer = 1; break;
        case 'g': c->ring_ms = atoi(optarg); break;
        case 'B': c->busy = 1; break;
        case 'S': c->silent_answer = 1; break;
        case 'a': c->answer_delay_ms = atoi(optarg); break;
        case 'F':
            if (strcmp(optarg, "all") == 0) {
                c->refuse_all = 1;
            } else {
                char tmp[128];
                snprintf(tmp, sizeof(tmp), "%s", optarg);
                for (char *tok = strtok(tmp, ","); tok && c->n_refuse_rates < MAX_RATES; tok = strtok(NULL, ","))
                    c->refuse_rates[c->n_refuse_rates++] = atoi(tok);
            }
            break;
        case 't': c->timeout_s = atof(optarg); break;
        case 'L': c->linger_ms = atoi(optarg); break;
        case 'v': c->verbose = 1; break;
        case 'n': c->noise = 1; c->noise_dbm0 = atof(optarg); break;
        case 'P': c->noise_period_ms = atoi(optarg); break;
        case 'b': c->noise_burst_ms = atoi(optarg); break;
        case 'z': c->noise_seed = atoi(optarg); break;
        case 'o': c->noise_data_only = strcmp(optarg, "data") == 0; break;
        case 'k': c->noise_skip_ms = atoi(optarg); break;
        case 'c': c->call_file = optarg; break;
        case 'I': c->caller_id = optarg; break;
        case 'C': c->caller_name = optarg; break;
        case 'y': c->ring_start_ms = atoi(optarg); break;
        case 'x': c->max_rings = atoi(optarg); break;
        case 'q': c->silent_call = 1; break;
        case 'G': c->page_noise = atoi(optarg); break;
        case 'E': c->page_noise_dbm0 = atof(optarg); break;
        case 'T': c->page_noise_at_ms = atoi(optarg); break;
        case 'u': c->page_noise_ms = atoi(optarg); break;
        case 'W': c->two_modems = 1; break;
        default: return -1;
        }
    }
    if (c->ecm)
        c->compressions |= T30_SUPPORT_T6_COMPRESSION;
    return optind == argc ? 0 : -1;
}

static void print_result(peer_t *p, const char *why)
{
    char extra[768];
    double wall = p->dialed ? ((p->host_hangup ? p->t_hangup : now_ms()) - p->t_dial) : 0;
    snprintf(extra, sizeof(extra),
             "\"dialed\":%s,\"number\":\"%s\",\"host_hangup\":%s,\"line_dropped\":%s,\"call_wall_ms\":%.0f,"
             "\"call_audio_ms\":%lld,\"speed\":%g,\"max_lag_ms\":%.1f,\"rings\":%d,\"end\":\"%s\",\"noise_ms\":%lld",
             p->dialed ? "true" : "false", p->number, p->host_hangup ? "true" : "false",
             p->line_dropped ? "true" : "false", wall, p->call_samples / 8, p->cfg.speed, p->max_lag_ms, p->rings, why,
             p->noise_samples / 8);
    txmon_finish(&p->mon);
    farend_print_result(p->far, stdout, extra);
}

int main(int argc, char **argv)
{
    static peer_t peer;
    peer_t *p = &peer;
    if (parse_args(&p->cfg, argc, argv) != 0) {
        usage();
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    if (p->cfg.two_modems)
        return run_two_modems(&p->cfg);
    if (line_open(&p->line, p->cfg.link) != 0) {
        fprintf(stderr, "spandsp-peer: cannot open a pty: %s\n", strerror(errno));
        return 1;
    }
    p->ring_samples = -1;
    p->data_start = -1;
    p->next_ring_samples = -1;
    p->t31 = t31_init(NULL, at_tx, p, modem_control, p, NULL, NULL);
    if (p->cfg.verbose) {
        span_log_set_level(t31_get_logging_state(p->t31), SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_TAG | SPAN_LOG_SHOW_SAMPLE_TIME | SPAN_LOG_FLOW);
        span_log_set_tag(t31_get_logging_state(p->t31), "t31");
    }
    p->far = farend_new(&p->cfg, &p->mon);
    if (p->cfg.noise)
        p->noise = awgn_init_dbm0(NULL, p->cfg.noise_seed, (float) p->cfg.noise_dbm0);
    printf("PTY %s\n", p->cfg.link ? p->cfg.link : p->line.slave);
    printf("READY\n");
    fflush(stdout);

    const double period = 20.0 / p->cfg.speed;
    const double start = now_ms();
    double deadline = start + period;
    const char *why = NULL;
    while (!why) {
        serve_line(p, deadline);
        if (stop_signal) { why = "signal"; break; }
        audio_block(p);
        double lag = now_ms() - deadline;
        if (lag > p->max_lag_ms)
            p->max_lag_ms = lag;
        deadline += period;
        if (lag > 200) /* we were starved of CPU: do not burst to catch up */
            deadline = now_ms() + period;
        if (p->line.host_gone && p->dialed && !p->host_hangup) {
            p->host_hangup = 1;
            p->t_hangup = now_ms();
        }
        if (p->host_hangup)
            why = "host hung up";
        else if (p->caller_gave_up)
            why = "caller gave up (not answered)";
        else if (p->dialed && p->ring_samples < 0 && (p->cfg.busy || p->cfg.no_answer))
            why = p->cfg.busy ? "busy" : "no answer";
        else if (now_ms() - start > p->cfg.timeout_s * 1000)
            why = "timeout";
    }
    farend_terminate(p->far);
    print_result(p, why);
    /* Keep answering the host (ATH, ATZ...) for a while, unless it already closed the port. */
    double end = now_ms() + p->cfg.linger_ms;
    while (!stop_signal && !p->line.host_gone && now_ms() < end) {
        serve_line(p, now_ms() + period);
        audio_block(p);
    }
    line_flush(&p->line);
    line_close(&p->line);
    return 0;
}
