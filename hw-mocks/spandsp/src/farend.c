/*
 * farend.c: the answering fax machine of the peer: a SpanDSP fax terminal (fax_init in answer mode,
 * T.30 receiver) that stores what it gets as a TIFF (t30_set_rx_file), its restrictions (modems,
 * compressions, resolutions, ECM), the faults it can play (hang up mid-page, refuse rates) and the
 * machine-readable RESULT line. T.30 facts used: DCS bits 11-14 select the rate (T.30 Table 2);
 * the receiver answers CFR or FTT after the TCF (T.30 5.3.2 / SpanDSP t30.c trainability test).
 *
 * Calling mode (--call FILE, issue 10): the same terminal set up as the calling party (fax_init calling,
 * t30_set_tx_file), started when the host answers; it sends the TIFF and records the host's answers
 * (CFR/FTT, MCF/RTP/RTN). Its faults: hang up N pages into the call, AWGN on one page's image carrier,
 * a caller that never speaks fax (no DCS).
 *
 * "Refusing a rate" is fault injection into SpanDSP's own trainability check: while a TCF at a
 * refused rate is received, the receiver's zero-run counters are cleared every block, so its own
 * TCF evaluation fails and it sends FTT by its own T.30 state machine (uses exposed structures).
 */
#define SPANDSP_EXPOSE_INTERNAL_STRUCTURES
#include <spandsp.h>

#include "peer.h"

typedef struct {
    int bad_rows, width, length, x_res, y_res, encoding, bit_rate;
} page_info_t;

typedef struct {
    int rate;
    int ftt;
} training_t;

struct farend_s {
    const peer_config_t *cfg;
    txmon_t *mon;
    fax_state_t *fax;
    t30_state_t *t30;
    int active;        /* the fax terminal is on the line */
    int finished;      /* phase E reported */
    int completion;
    int hung_up;       /* fault: the far end went on-hook mid-page */
    int drop_pending;
    int refusing;
    int dcs_pending;
    int dcs_rate;
    int answers;       /* MCF/RTP/RTN sent (answering) or received (calling) */
    int caller;        /* calling mode: we send the document */
    int image_tx;      /* calling mode: SpanDSP is sending page data now */
    int bursts;        /* calling mode: image bursts begun so far */
    long burst_samples;
    awgn_state_t noise;
    awgn_state_t tcf_noise;
    char responses[MAX_PAGES * 2][4];
    int n_responses;
    int armed;
    long armed_samples;
    page_info_t pages[MAX_PAGES];
    int n_pages;
    training_t trainings[MAX_TRAININGS];
    int n_trainings;
    t30_stats_t last;
    /* ECM exchanges seen (T.30 Annex A): commands from our sender, answers of the far end */
    int pps, ctc, eor, rr;
    int ppr, ctr, err, rnr;
    int ppr_frames;      /* frames of the block named by all PPRs */
    int pps_frames;      /* frames in the block, from the last PPS */
};

static int dcs_rate(const uint8_t *msg, int len)
{
    if (len < 5)
        return 0;
    switch ((msg[4] >> 2) & 0x0F) { /* bits 11..14 of the FIF, bit 11 lowest */
    case 0x0: return 2400;
    case 0x2: return 4800;
    case 0x3: return 7200;   /* V.29 */
    case 0xB: return 7200;   /* V.17 */
    case 0x1: return 9600;   /* V.29 */
    case 0x9: return 9600;   /* V.17 */
    case 0xA: return 12000;
    case 0x8: return 14400;
    default: return -1;
    }
}

static int refused(const farend_t *f, int rate)
{
    if (f->cfg->refuse_all)
        return 1;
    for (int i = 0; i < f->cfg->n_refuse_rates; i++)
        if (f->cfg->refuse_rates[i] == rate)
            return 1;
    return 0;
}

static void frame_handler(t30_state_t *s, void *user, int incoming, const uint8_t *msg, int len)
{
    farend_t *f = user;
    (void) s;
    if (len < 3)
        return;
    int fcf = msg[2] & 0xFE;
    /* the T.30 sender is the host when we answer, SpanDSP when we call */
    int from_sender = f->caller ? !incoming : incoming;
    if ((fcf == T30_MCF || fcf == T30_RTP || fcf == T30_RTN || fcf == T30_PIN || fcf == T30_PIP) && !from_sender
        && f->n_responses < MAX_PAGES * 2) {
        const char *name = fcf == T30_MCF ? "MCF" : fcf == T30_RTP ? "RTP" : fcf == T30_RTN ? "RTN" : fcf == T30_PIN ? "PIN" : "PIP";
        snprintf(f->responses[f->n_responses++], sizeof(f->responses[0]), "%s", name);
    }
    if (f->caller) {
        if (!incoming && fcf == (T30_DCS & 0xFE))
            f->dcs_rate = dcs_rate(msg, len);
        if (incoming && (fcf == T30_CFR || fcf == T30_FTT) && f->n_trainings < MAX_TRAININGS) {
            f->trainings[f->n_trainings].rate = f->dcs_rate;
            f->trainings[f->n_trainings].ftt = fcf == T30_FTT;
            f->n_trainings++;
        }
        if (incoming && (fcf == T30_MCF || fcf == T30_RTP || fcf == T30_RTN)) {
            f->answers++;
            int n = f->cfg->hangup_after_page;
            if (n > 0 && f->answers == n)
                f->armed = 1;
        }
        return;
    }
    if (incoming) {
        if (fcf == (T30_PPS & 0xFE)) {
            f->pps++;
            if (len >= 7)
                f->pps_frames = msg[6] + 1;
        }
        if (fcf == (T30_CTC & 0xFE)) f->ctc++;
        if (fcf == (T30_EOR & 0xFE)) f->eor++;
        if (fcf == (T30_RR & 0xFE)) f->rr++;
        if (fcf == (T30_DCS & 0xFE)) {
            f->dcs_rate = dcs_rate(msg, len);
            f->dcs_pending = 1; /* SpanDSP's own reading of the rate is taken after it processed the DCS */
            f->mon->next_is_tcf = 1;
        }
        return;
    }
    if ((fcf == T30_CFR || fcf == T30_FTT) && f->n_trainings < MAX_TRAININGS) {
        f->trainings[f->n_trainings].rate = f->dcs_rate;
        f->trainings[f->n_trainings].ftt = fcf == T30_FTT;
        f->n_trainings++;
        f->refusing = 0;
    }
    if (fcf == T30_MCF || fcf == T30_RTP || fcf == T30_RTN)
        f->answers++;
    if (fcf == T30_PPR) {
        f->ppr++;
        for (int i = 3; i < len && i < 35; i++)
            for (int b = 0; b < 8; b++)
                f->ppr_frames += ((i - 3) * 8 + b < f->pps_frames) && ((msg[i] >> b) & 1);
    }
    if (fcf == T30_CTR) f->ctr++;
    if (fcf == T30_ERR) f->err++;
    if (fcf == T30_RNR) f->rnr++;
    int n = f->cfg->hangup_after_page;
    if (n >= 0 && !f->armed && ((n == 0 && fcf == T30_CFR) || (n > 0 && f->answers == n && fcf != T30_CFR)))
        f->armed = 1;
}

static int phase_d_handler(t30_state_t *s, void *user, int result)
{
    farend_t *f = user;
    t30_stats_t t;
    (void) result;
    t30_get_transfer_statistics(s, &t);
    if (f->n_pages < MAX_PAGES) {
        page_info_t *p = &f->pages[f->n_pages++];
        p->bad_rows = t.bad_rows;
        p->width = t.width;
        p->length = t.length;
        p->x_res = t.x_resolution;
        p->y_res = t.y_resolution;
        p->encoding = t.encoding;
        p->bit_rate = t.bit_rate;
    }
    return T30_ERR_OK;
}

static void phase_e_handler(t30_state_t *s, void *user, int completion)
{
    farend_t *f = user;
    t30_get_transfer_statistics(s, &f->last);
    f->completion = completion;
    f->finished = 1;
}

farend_t *farend_new(const peer_config_t *cfg, txmon_t *mon)
{
    farend_t *f = calloc(1, sizeof(*f));
    f->cfg = cfg;
    f->mon = mon;
    f->completion = -1;
    return f;
}

void farend_start(farend_t *f)
{
    const peer_config_t *c = f->cfg;
    f->caller = c->call_file != NULL;
    f->fax = fax_init(NULL, f->caller);
    f->t30 = fax_get_t30_state(f->fax);
    fax_set_transmit_on_idle(f->fax, TRUE);
    t30_set_tx_ident(f->t30, c->ident);
    if (f->caller) {
        t30_set_tx_file(f->t30, c->call_file, -1, -1);
        /* the caller may send B4/A3-wide and B4/unlimited-long pages when our DIS allows them */
        t30_set_supported_image_sizes(f->t30, T30_SUPPORT_215MM_WIDTH | T30_SUPPORT_255MM_WIDTH | T30_SUPPORT_303MM_WIDTH
                                                  | T30_SUPPORT_A4_LENGTH | T30_SUPPORT_B4_LENGTH | T30_SUPPORT_UNLIMITED_LENGTH);
        if (c->hangup_after_page == 0)
            f->armed = 1;
        awgn_init_dbm0(&f->noise, 1234567, (float) c->page_noise_dbm0);
        awgn_init_dbm0(&f->tcf_noise, 7654321, -15.0f);
    } else {
        t30_set_rx_file(f->t30, c->rx_file, -1);
    }
    t30_set_supported_modems(f->t30, c->modems);
    t30_set_supported_compressions(f->t30, c->compressions);
    t30_set_supported_resolutions(f->t30, c->resolutions);
    t30_set_ecm_capability(f->t30, c->ecm);
    t30_set_phase_d_handler(f->t30, phase_d_handler, f);
    t30_set_phase_e_handler(f->t30, phase_e_handler, f);
    t30_set_real_time_frame_handler(f->t30, frame_handler, f);
    if (c->verbose) {
        int level = SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL | SPAN_LOG_SHOW_TAG | SPAN_LOG_SHOW_SAMPLE_TIME | SPAN_LOG_FLOW;
        span_log_set_level(t30_get_logging_state(f->t30), level);
        span_log_set_tag(t30_get_logging_state(f->t30), "far");
        span_log_set_level(fax_get_logging_state(f->fax), level);
        span_log_set_tag(fax_get_logging_state(f->fax), "far");
    }
    f->active = 1;
}

int farend_active(const farend_t *f) { return f->active && !f->hung_up && !f->finished; }

/* SpanDSP 0.0.6 t30.c enums (not in its headers): T30_PHASE_C_NON_ECM_TX = 6, T30_PHASE_C_ECM_TX = 8;
   T30_STATE_D_TCF = 5 (the TCF goes out in phase C_NON_ECM_TX too) */
#define PEER_PHASE_C_NON_ECM_TX 6
#define PEER_PHASE_C_ECM_TX 8
#define PEER_STATE_D_TCF 5

/* Calling mode: follow the image bursts, play the noise fault and the hang-up fault on them. */
static void caller_step(farend_t *f, int16_t *buf, int len)
{
    int fast = f->t30->phase == PEER_PHASE_C_NON_ECM_TX || f->t30->phase == PEER_PHASE_C_ECM_TX;
    int tcf = fast && f->t30->state == PEER_STATE_D_TCF;
    if (tcf && refused(f, f->dcs_rate)) {
        /* --refuse-rate in calling mode: the line is too noisy for this rate during the TCF, so the
           answerer's training check fails (FTT) and SpanDSP falls back by its own T.30 */
        for (int i = 0; i < len; i++)
            buf[i] = saturate(buf[i] + awgn(&f->tcf_noise));
    }
    int image = fast && !tcf;
    if (image && !f->image_tx) {
        f->bursts++;
        f->burst_samples = 0;
    }
    f->image_tx = image;
    if (!image)
        return;
    const peer_config_t *c = f->cfg;
    long at = f->burst_samples;
    f->burst_samples += len;
    if (c->page_noise == f->bursts) {
        long from = (long) c->page_noise_at_ms * 8, to = from + (long) c->page_noise_ms * 8;
        for (int i = 0; i < len; i++)
            if (at + i >= from && at + i < to)
                buf[i] = saturate(buf[i] + awgn(&f->noise));
    }
    if (f->armed && at >= (long) c->hangup_delay_ms * 8) {
        f->hung_up = 1;
        f->drop_pending = c->hangup_drop;
        t30_get_transfer_statistics(f->t30, &f->last);
        t30_terminate(f->t30);
    }
}

void farend_tx(farend_t *f, int16_t *buf, int len)
{
    int n = 0;
    if (f->active && !f->hung_up)
        n = fax_tx(f->fax, buf, len);
    if (n < len)
        memset(buf + n, 0, sizeof(int16_t) * (size_t) (len - n));
    if (f->caller && f->active && !f->hung_up)
        caller_step(f, buf, len);
}

int farend_is_caller(const farend_t *f) { return f->caller; }

void farend_rx(farend_t *f, const int16_t *buf, int len)
{
    if (!f->active || f->hung_up)
        return;
    fax_rx(f->fax, (int16_t *) buf, len);
    if (f->dcs_pending) {
        t30_stats_t t;
        t30_get_transfer_statistics(f->t30, &t);
        f->dcs_pending = 0;
        if (t.bit_rate > 0)
            f->dcs_rate = t.bit_rate;
        f->refusing = refused(f, f->dcs_rate);
    }
    if (f->refusing) {
        /* keep SpanDSP's trainability test from ever seeing a long run of zeros */
        f->t30->tcf_current_zeros = 0;
        f->t30->tcf_most_zeros = 0;
    }
    if (!f->caller && f->armed && f->t30->rx_trained) {
        f->armed_samples += len;
        if (f->armed_samples >= (long) f->cfg->hangup_delay_ms * 8) {
            f->hung_up = 1;
            f->drop_pending = f->cfg->hangup_drop;
            t30_get_transfer_statistics(f->t30, &f->last);
            t30_terminate(f->t30); /* phase E: call dropped; closes the rx file */
        }
    }
}

int farend_take_line_drop(farend_t *f)
{
    int d = f->drop_pending;
    f->drop_pending = 0;
    return d;
}

int farend_done(const farend_t *f) { return f->finished || f->hung_up; }

void farend_terminate(farend_t *f)
{
    if (f->active && !f->finished) {
        t30_get_transfer_statistics(f->t30, &f->last);
        t30_terminate(f->t30);
    }
}

static void json_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char) *s;
        if (c == '"' || c == '\\')
            fprintf(o, "\\%c", c);
        else if (c < 0x20 || c > 0x7E)
            fprintf(o, "\\u%04x", c);
        else
            fputc(c, o);
    }
    fputc('"', o);
}

void farend_print_result(farend_t *f, FILE *o, const char *extra)
{
    int bad = 0;
    for (int i = 0; i < f->n_pages; i++)
        bad += f->pages[i].bad_rows;
    int code = f->completion;
    fprintf(o, "RESULT {\"t30\":%d,\"t30_text\":", code);
    json_str(o, code >= 0 ? t30_completion_code_to_str(code) : "no call");
    fprintf(o, ",\"pages\":%d,\"bad_rows\":%d,\"bit_rate\":%d,\"ecm\":%s,\"rx_file\":", f->n_pages, bad,
            f->active ? f->last.bit_rate : 0, f->active && f->last.error_correcting_mode ? "true" : "false");
    json_str(o, f->cfg->rx_file);
    fprintf(o, ",\"remote_ident\":");
    json_str(o, f->active ? t30_get_rx_ident(f->t30) : "");
    fprintf(o, ",\"answered\":%s,\"far_end_hangup\":%s,\"page_info\":[", f->active ? "true" : "false",
            f->hung_up ? "true" : "false");
    for (int i = 0; i < f->n_pages; i++) {
        page_info_t *p = &f->pages[i];
        fprintf(o, "%s{\"bad_rows\":%d,\"width\":%d,\"length\":%d,\"x_res\":%d,\"y_res\":%d,\"encoding\":%d,\"bit_rate\":%d}",
                i ? "," : "", p->bad_rows, p->width, p->length, p->x_res, p->y_res, p->encoding, p->bit_rate);
    }
    fprintf(o, "],\"trainings\":[");
    for (int i = 0; i < f->n_trainings; i++)
        fprintf(o, "%s{\"rate\":%d,\"result\":\"%s\"}", i ? "," : "", f->trainings[i].rate,
                f->trainings[i].ftt ? "FTT" : "CFR");
    fprintf(o, "],\"mode\":\"%s\",\"pages_tx\":%d,\"responses\":[", f->cfg->call_file ? "call" : "answer",
            f->active ? f->last.pages_tx : 0);
    for (int i = 0; i < f->n_responses; i++)
        fprintf(o, "%s\"%s\"", i ? "," : "", f->responses[i]);
    fprintf(o, "],\"image_bursts\":%d,\"tx_data\":[", f->bursts);
    int underruns = 0;
    long fill = 0;
    for (int i = 0; i < f->mon->n; i++) {
        tx_session_t *s = &f->mon->sessions[i];
        fprintf(o, "%s{\"kind\":\"%s\",\"rate\":%d,\"bytes\":%ld,\"fill_bytes\":%ld,\"gaps\":%d}", i ? "," : "",
                s->tcf ? "tcf" : "page", s->bit_rate, s->bytes, s->fill_bytes, s->gaps);
        if (!s->tcf) {
            underruns += s->gaps;
            fill += s->fill_bytes;
        }
    }
    fprintf(o, "],\"underruns\":%d,\"underrun_bytes\":%ld", underruns, fill);
    fprintf(o, ",\"ecm_exchanges\":{\"pps\":%d,\"ppr\":%d,\"ppr_frames\":%d,\"ctc\":%d,\"ctr\":%d,\"eor\":%d,\"err\":%d,\"rr\":%d,\"rnr\":%d}",
            f->pps, f->ppr, f->ppr_frames, f->ctc, f->ctr, f->eor, f->err, f->rr, f->rnr);
    fprintf(o, "%s%s}\n", extra && *extra ? "," : "", extra ? extra : "");
    fflush(o);
}
