/*
 * twoline.c: --two-modems mode of spandsp-peer (issue 10): two SpanDSP T.31 Class 1 modems, each on its
 * own pty, joined by 8 kHz audio as the two ends of one telephone line. Host A (a sender: efax, faxline)
 * dials on pty A; pty B rings (RING every 6 s of audio, caller id before the first when host B enabled
 * +VCID=1) until host B answers (ATA or auto-answer), then both modems are connected and the two hosts
 * fax to each other through real V.21/V.27ter/V.29/V.17 audio. Either host hanging up drops the line for
 * the other (its modem reports NO CARRIER). Prints "PTY <A>", "PTYB <B>", "READY", events, and one
 * RESULT line. Blocks are paced in real time divided by --speed.
 */
#define _GNU_SOURCE
#define SPANDSP_EXPOSE_INTERNAL_STRUCTURES
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <spandsp.h>

#include "peer.h"

typedef struct {
    line_t line;
    t31_state_t *t31;
    int holding;
    int hangup;    /* the host hung up (ATH/ATZ or closed the port) */
    char name;
} end_t;

typedef struct {
    const peer_config_t *cfg;
    end_t a, b;
    int dialed, answered, answer_pending, rings, dropped;
    long next_ring;
    double t_dial, t_answer, t_end;
} two_t;

static two_t *g_two;
extern volatile sig_atomic_t peer_stop_signal;

static double now_ms2(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int at_tx_end(at_state_t *s, void *user, const uint8_t *buf, size_t len)
{
    end_t *e = user;
    (void) s;
    line_queue(&e->line, buf, len);
    return 0;
}

static int control(t31_state_t *s, void *user, int op, const char *num)
{
    end_t *e = user;
    two_t *w = g_two;
    (void) s;
    switch (op) {
    case AT_MODEM_CONTROL_CALL:
        if (e == &w->a && !w->dialed) {
            w->dialed = 1;
            w->t_dial = now_ms2();
            w->next_ring = 0;
            printf("EVENT {\"type\":\"dial\"}\n");
            fflush(stdout);
        }
        break;
    case AT_MODEM_CONTROL_ANSWER:
        if (e == &w->b && w->dialed && !w->answered)
            w->answer_pending = 1;
        break;
    case AT_MODEM_CONTROL_HANGUP:
        if (!e->hangup && w->dialed)
            e->hangup = 1;
        break;
    case AT_MODEM_CONTROL_CTS:
        e->holding = ((intptr_t) num) == 0;
        break;
    default:
        break;
    }
    return 0;
}

static void feed(end_t *e, const uint8_t *buf, int n)
{
    if (memchr(buf, 0x03, (size_t) n) == NULL) {
        t31_at_rx(e->t31, (const char *) buf, n);
        return;
    }
    for (int i = 0; i < n; i++)
        t31_at_rx(e->t31, (const char *) buf + i, 1);
}

static void serve(two_t *w, double deadline)
{
    end_t *ends[2] = { &w->a, &w->b };
    for (;;) {
        double left = deadline - now_ms2();
        if (left <= 0 || peer_stop_signal)
            return;
        struct pollfd p[2];
        for (int i = 0; i < 2; i++) {
            p[i].fd = ends[i]->line.mfd;
            p[i].events = (ends[i]->holding ? 0 : POLLIN) | (ends[i]->line.out_len ? POLLOUT : 0);
            p[i].revents = 0;
        }
        if (poll(p, 2, (int) ceil(left)) <= 0)
            continue;
        for (int i = 0; i < 2; i++) {
            if (p[i].revents & POLLOUT)
                line_flush(&ends[i]->line);
            if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                uint8_t buf[256];
                int n = ends[i]->holding ? 0 : line_read(&ends[i]->line, buf, sizeof(buf));
                if (n > 0)
                    feed(ends[i], buf, n);
                else if (n < 0 && !(p[i].revents & POLLIN))
                    usleep(2000); /* no host on that side (yet) */
            }
        }
    }
}

static void block(two_t *w)
{
    int16_t ab[SAMPLES_PER_BLOCK], ba[SAMPLES_PER_BLOCK];
    if (w->answer_pending) {
        w->answer_pending = 0;
        w->answered = 1;
        w->t_answer = now_ms2();
        t31_call_event(w->b.t31, AT_CALL_EVENT_ANSWERED);
        t31_call_event(w->a.t31, AT_CALL_EVENT_CONNECTED);
        printf("EVENT {\"type\":\"answered\",\"rings\":%d}\n", w->rings);
        fflush(stdout);
    }
    if (w->dialed && !w->answered && !w->dropped) {
        w->next_ring -= SAMPLES_PER_BLOCK;
        if (w->next_ring <= 0) {
            if (w->rings >= w->cfg->max_rings) {
                w->dropped = 1;
                t31_call_event(w->a.t31, AT_CALL_EVENT_NO_ANSWER);
            } else {
                if (w->rings == 0 && w->cfg->caller_id) {
                    at_state_t *at = &w->b.t31->at_state;
                    at_reset_call_info(at);
                    at_set_call_info(at, "NMBR", w->cfg->caller_id);
                    if (w->cfg->caller_name)
                        at_set_call_info(at, "NAME", w->cfg->caller_name);
                }
                w->rings++;
                w->next_ring = 6000 * 8;
                t31_call_event(w->b.t31, AT_CALL_EVENT_ALERTING);
            }
        }
    }
    int n = t31_tx(w->a.t31, ab, SAMPLES_PER_BLOCK);
    if (n < SAMPLES_PER_BLOCK)
        memset(ab + n, 0, sizeof(int16_t) * (size_t) (SAMPLES_PER_BLOCK - n));
    n = t31_tx(w->b.t31, ba, SAMPLES_PER_BLOCK);
    if (n < SAMPLES_PER_BLOCK)
        memset(ba + n, 0, sizeof(int16_t) * (size_t) (SAMPLES_PER_BLOCK - n));
    if (!w->answered) {
        memset(ab, 0, sizeof(ab));
        memset(ba, 0, sizeof(ba));
    }
    t31_rx(w->b.t31, ab, SAMPLES_PER_BLOCK);
    t31_rx(w->a.t31, ba, SAMPLES_PER_BLOCK);
    /* one host hung up: the line drops for the other */
    if (w->answered && !w->dropped && (w->a.hangup || w->b.hangup)) {
        w->dropped = 1;
        w->t_end = now_ms2();
        t31_call_event(w->a.hangup ? w->b.t31 : w->a.t31, AT_CALL_EVENT_HANGUP);
    }
}

int run_two_modems(const peer_config_t *cfg)
{
    static two_t w;
    g_two = &w;
    w.cfg = cfg;
    w.a.name = 'A';
    w.b.name = 'B';
    char link_b[300];
    snprintf(link_b, sizeof(link_b), "%s.b", cfg->link ? cfg->link : "");
    if (line_open(&w.a.line, cfg->link) != 0 || line_open(&w.b.line, cfg->link ? link_b : NULL) != 0) {
        fprintf(stderr, "spandsp-peer: cannot open the ptys\n");
        return 1;
    }
    w.a.t31 = t31_init(NULL, at_tx_end, &w.a, control, &w.a, NULL, NULL);
    w.b.t31 = t31_init(NULL, at_tx_end, &w.b, control, &w.b, NULL, NULL);
    printf("PTY %s\n", cfg->link ? cfg->link : w.a.line.slave);
    printf("PTYB %s\n", cfg->link ? link_b : w.b.line.slave);
    printf("READY\n");
    fflush(stdout);
    const double period = 20.0 / cfg->speed;
    const double start = now_ms2();
    double deadline = start + period;
    const char *why = NULL;
    double end_grace = 0;
    while (!why) {
        serve(&w, deadline);
        if (peer_stop_signal) {
            why = "signal";
            break;
        }
        block(&w);
        deadline += period;
        if (now_ms2() - deadline > 200)
            deadline = now_ms2() + period;
        if (w.dropped && end_grace == 0)
            end_grace = now_ms2() + 1000;
        if (end_grace > 0 && now_ms2() > end_grace && (w.a.hangup || w.a.line.host_gone) && (w.b.hangup || w.b.line.host_gone))
            why = "both hung up";
        else if (end_grace > 0 && now_ms2() > end_grace + cfg->linger_ms * 5.0)
            why = "line dropped";
        else if (now_ms2() - start > cfg->timeout_s * 1000)
            why = "timeout";
    }
    printf("RESULT {\"mode\":\"two-modems\",\"dialed\":%s,\"answered\":%s,\"rings\":%d,\"a_hangup\":%s,\"b_hangup\":%s,"
           "\"call_wall_ms\":%.0f,\"speed\":%g,\"end\":\"%s\"}\n",
           w.dialed ? "true" : "false", w.answered ? "true" : "false", w.rings, w.a.hangup ? "true" : "false",
           w.b.hangup ? "true" : "false", w.dialed ? ((w.t_end ? w.t_end : now_ms2()) - w.t_dial) : 0.0, cfg->speed, why);
    fflush(stdout);
    double end = now_ms2() + cfg->linger_ms;
    while (!peer_stop_signal && now_ms2() < end) {
        serve(&w, now_ms2() + period);
        block(&w);
    }
    line_flush(&w.a.line);
    line_flush(&w.b.line);
    line_close(&w.a.line);
    line_close(&w.b.line);
    return 0;
}
