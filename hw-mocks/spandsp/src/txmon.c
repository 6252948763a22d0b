/*
 * txmon.c: transmit-underrun accounting for the T.31 modem (T.31 8.3.3 / T.4 zero fill).
 *
 * SpanDSP 0.0.6's T.31 does not report an underrun to the host: when its transmit buffer runs dry
 * during +FTM (non-ECM data) it sends 0xFF before the first data byte and 0x00 afterwards, silently.
 * So the peer watches the modem's buffer itself, around every t31_tx() block, through the structures
 * SpanDSP exposes with SPANDSP_EXPOSE_INTERNAL_STRUCTURES (tx.in_bytes/out_bytes/data_started/final,
 * modem, bit_rate): a block in which the buffer emptied before the host ended the data with DLE ETX,
 * and in which the modulator got fewer bytes than its bit rate needs, is an underrun (T.31 clears its
 * "final" flag once the data is out, so the session remembers having seen DLE ETX); the shortfall is
 * counted as fill bytes. One session per +FTM carrier; the first after a DCS is the TCF.
 */
#define SPANDSP_EXPOSE_INTERNAL_STRUCTURES
#include <spandsp.h>

#include "peer.h"

static int is_fast_tx(const t31_state_t *t)
{
    /* After DLE ETX the AT interpreter is back in command mode while the modem still drains its buffer,
       so the session lasts as long as the high-speed transmitter runs. */
    return t->modem == FAX_MODEM_V17_TX || t->modem == FAX_MODEM_V27TER_TX || t->modem == FAX_MODEM_V29_TX;
}

void txmon_before(txmon_t *m, struct t31_state_s *t31)
{
    m->before_ok = is_fast_tx(t31);
    m->before_out = t31->tx.out_bytes;
    if (t31->tx.final)
        m->ended = 1; /* DLE ETX seen: what follows is the modem's own shutdown, not an underrun */
    if (m->before_ok && !m->active && m->n < MAX_SESSIONS) {
        tx_session_t *s = &m->sessions[m->n];
        memset(s, 0, sizeof(*s));
        s->tcf = m->next_is_tcf;
        s->bit_rate = t31->bit_rate;
        m->next_is_tcf = 0;
        m->active = 1;
        m->in_gap = 0;
        m->ended = t31->tx.final;
    }
}

void txmon_after(txmon_t *m, struct t31_state_s *t31)
{
    if (!m->active)
        return;
    tx_session_t *s = &m->sessions[m->n];
    if (!m->before_ok) {
        txmon_finish(m);
        return;
    }
    int consumed = t31->tx.out_bytes - m->before_out;
    if (consumed < 0)
        consumed = 0;
    s->bytes += consumed;
    /* bytes the modulator needs per 160-sample block: bit_rate * 0.02 s / 8 */
    int need = s->bit_rate / 400;
    if (t31->tx.final)
        m->ended = 1;
    int dry = t31->tx.data_started && !m->ended && t31->tx.in_bytes == t31->tx.out_bytes;
    if (dry && consumed < need - 1) {
        s->fill_bytes += need - consumed;
        if (!m->in_gap)
            s->gaps++;
        m->in_gap = 1;
    } else {
        m->in_gap = 0;
    }
    if (!is_fast_tx(t31))
        txmon_finish(m);
}

void txmon_finish(txmon_t *m)
{
    if (m->active) {
        m->active = 0;
        m->n++;
    }
}
