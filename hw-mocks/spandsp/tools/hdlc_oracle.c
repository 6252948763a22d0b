/*
 * hdlc-oracle: SpanDSP 0.0.6's own HDLC framer and deframer (hdlc_tx / hdlc_rx, CRC-16 ITU) as a
 * command-line oracle for faxline's software HDLC (src/hdlc/framer.ts, deframer.ts). Octets on stdin
 * and stdout are in Class 1 line order: the first bit on the line is the LSB (T.31 8.3.4).
 *   hdlc-oracle tx   stdin: first line = number of leading flags, then one frame (hex, no FCS) per line;
 *                    stdout: the bit stream as hex (flags, stuffed frames with FCS, closing flags).
 *   hdlc-oracle rx   stdin: a bit stream as hex; stdout: one line per event: "ok <hex>", "bad <hex>"
 *                    (bad FCS or length, FCS octets removed), "abort".
 * Written for faxline's tests; built by ../build.sh.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#define MAX_FRAMES 4096

static uint8_t *frames[MAX_FRAMES];
static int frame_lens[MAX_FRAMES];
static int n_frames, next_frame;
static hdlc_tx_state_t *tx;

static int unhex(const char *s, uint8_t *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        while (*s && !isxdigit((unsigned char) *s))
            s++;
        if (!s[0] || !s[1])
            break;
        char b[3] = { s[0], s[1], 0 };
        out[n++] = (uint8_t) strtol(b, NULL, 16);
        s += 2;
    }
    return n;
}

static void underflow(void *user)
{
    (void) user;
    if (next_frame < n_frames) {
        hdlc_tx_frame(tx, frames[next_frame], (size_t) frame_lens[next_frame]);
        next_frame++;
    } else {
        hdlc_tx_frame(tx, NULL, 0); /* end of data after the closing flags */
    }
}

static int do_tx(void)
{
    static char line[8192];
    if (!fgets(line, sizeof(line), stdin))
        return 2;
    int flags = atoi(line);
    while (n_frames < MAX_FRAMES && fgets(line, sizeof(line), stdin)) {
        uint8_t buf[4096];
        int n = unhex(line, buf, sizeof(buf));
        if (n == 0)
            continue;
        frames[n_frames] = malloc((size_t) n);
        memcpy(frames[n_frames], buf, (size_t) n);
        frame_lens[n_frames++] = n;
    }
    tx = hdlc_tx_init(NULL, FALSE, 1, FALSE, underflow, NULL);
    hdlc_tx_flags(tx, flags);
    int acc = 0, nbits = 0;
    for (;;) {
        int bit = hdlc_tx_get_bit(tx);
        if (bit < 0)
            break;
        acc |= (bit & 1) << nbits;
        if (++nbits == 8) {
            printf("%02x", acc);
            acc = 0;
            nbits = 0;
        }
    }
    if (nbits)
        printf("%02x", acc | (0xff << nbits & 0xff));
    printf("\n");
    return 0;
}

static void rx_frame(void *user, const uint8_t *pkt, int len, int ok)
{
    (void) user;
    if (len < 0) {
        if (len == SIG_STATUS_ABORT)
            printf("abort\n");
        return;
    }
    printf("%s ", ok ? "ok" : "bad");
    for (int i = 0; i < len; i++)
        printf("%02x", pkt[i]);
    printf("\n");
}

static int do_rx(void)
{
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    int c;
    while ((c = getchar()) != EOF) {
        if (len + 1 >= cap)
            text = realloc(text, cap *= 2);
        text[len++] = (char) c;
    }
    text[len] = 0;
    uint8_t *bytes = malloc(len / 2 + 1);
    int n = unhex(text, bytes, (int) (len / 2 + 1));
    hdlc_rx_state_t *rx = hdlc_rx_init(NULL, FALSE, TRUE, 1, rx_frame, NULL);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 8; k++)
            hdlc_rx_put_bit(rx, (bytes[i] >> k) & 1);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "tx") == 0)
        return do_tx();
    if (argc == 2 && strcmp(argv[1], "rx") == 0)
        return do_rx();
    fprintf(stderr, "usage: hdlc-oracle tx|rx  (hex on stdin, see the head comment)\n");
    return 2;
}
