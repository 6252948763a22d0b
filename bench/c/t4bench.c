/*
 * libtiff reference benchmark for bench/codec.bench.ts: encodes and decodes the same bilevel pages
 * with libtiff's CCITT codecs (G3 1-D, G3 2-D, G4), in memory (TIFFClientOpen on a growable buffer),
 * one strip per page, and prints median thread CPU times (CLOCK_THREAD_CPUTIME_ID: robust on a shared,
 * loaded machine) and coded sizes as one JSON line.
 *
 * usage: t4bench PAGES_FILE WIDTH HEIGHT NPAGES YRES SCHEME ROUNDS
 *   PAGES_FILE: NPAGES pages of HEIGHT rows of ceil(WIDTH/8) bytes (1 = black, MSB first)
 *   SCHEME: mh | mr | mmr   (MR K factor follows libtiff: 4 when YRES > 150, else 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tiffio.h>

typedef struct { unsigned char *data; tsize_t size, cap; toff_t pos; } MemFile;

static tsize_t mem_read(thandle_t h, tdata_t buf, tsize_t n) {
	MemFile *m = (MemFile *)h;
	if (m->pos >= (toff_t)m->size) return 0;
	if ((toff_t)n > m->size - m->pos) n = m->size - m->pos;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return n;
}
static tsize_t mem_write(thandle_t h, tdata_t buf, tsize_t n) {
	MemFile *m = (MemFile *)h;
	if (m->pos + n > (toff_t)m->cap) {
		tsize_t c = m->cap ? m->cap : 1 << 20;
		while ((toff_t)c < m->pos + n) c *= 2;
		m->data = realloc(m->data, c);
		m->cap = c;
	}
	memcpy(m->data + m->pos, buf, n);
	m->pos += n;
	if ((toff_t)m->size < m->pos) m->size = m->pos;
	return n;
}
static toff_t mem_seek(thandle_t h, toff_t off, int whence) {
	MemFile *m = (MemFile *)h;
	if (whence == SEEK_SET) m->pos = off;
	else if (whence == SEEK_CUR) m->pos += off;
	else m->pos = m->size + off;
	return m->pos;
}
static int mem_close(thandle_t h) { (void)h; return 0; }
static toff_t mem_size(thandle_t h) { return ((MemFile *)h)->size; }
static int mem_map(thandle_t h, tdata_t *base, toff_t *size) {
	MemFile *m = (MemFile *)h;
	*base = m->data;
	*size = m->size;
	return 1;
}
static void mem_unmap(thandle_t h, tdata_t base, toff_t size) { (void)h; (void)base; (void)size; }

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}
static int cmp(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}
static void quiet(const char *m, const char *f, va_list ap) { (void)m; (void)f; (void)ap; }

int main(int argc, char **argv) {
	if (argc != 8) {
		fprintf(stderr, "usage: t4bench PAGES_FILE WIDTH HEIGHT NPAGES YRES SCHEME ROUNDS\n");
		return 2;
	}
	const char *path = argv[1];
	int width = atoi(argv[2]), height = atoi(argv[3]), npages = atoi(argv[4]);
	double yres = atof(argv[5]);
	const char *scheme = argv[6];
	int rounds = atoi(argv[7]);
	int stride = (width + 7) / 8;
	size_t pageBytes = (size_t)stride * height;
	unsigned char *pages = malloc(pageBytes * npages);
	FILE *f = fopen(path, "rb");
	if (!f || fread(pages, 1, pageBytes * npages, f) != pageBytes * npages) { fprintf(stderr, "cannot read %s\n", path); return 2; }
	fclose(f);
	int compression = strcmp(scheme, "mmr") == 0 ? COMPRESSION_CCITTFAX4 : COMPRESSION_CCITTFAX3;
	uint32_t t4opts = strcmp(scheme, "mr") == 0 ? GROUP3OPT_2DENCODING : 0;
	TIFFSetWarningHandler(quiet);

	double *enc = calloc(rounds, sizeof(double)), *dec = calloc(rounds, sizeof(double));
	MemFile mf = {0};
	unsigned long long bytes = 0;
	unsigned char *out = malloc(pageBytes);
	unsigned long long check = 0;
	for (int r = 0; r < rounds; r++) {
		free(mf.data);
		memset(&mf, 0, sizeof mf);
		TIFF *tif = TIFFClientOpen("mem", "w", (thandle_t)&mf, mem_read, mem_write, mem_seek, mem_close, mem_size, mem_map, mem_unmap);
		double t = 0;
		for (int p = 0; p < npages; p++) {
			TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
			TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, width);
			TIFFSetField(tif, TIFFTAG_IMAGELENGTH, height);
			TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
			TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
			TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
			TIFFSetField(tif, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
			TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
			TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, height);
			TIFFSetField(tif, TIFFTAG_XRESOLUTION, 204.0);
			TIFFSetField(tif, TIFFTAG_YRESOLUTION, yres);
			TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
			TIFFSetField(tif, TIFFTAG_COMPRESSION, compression);
			if (compression == COMPRESSION_CCITTFAX3) TIFFSetField(tif, TIFFTAG_GROUP3OPTIONS, t4opts);
			double t0 = now();
			if (TIFFWriteEncodedStrip(tif, 0, pages + pageBytes * p, pageBytes) < 0) { fprintf(stderr, "encode failed\n"); return 1; }
			t += now() - t0;
			TIFFWriteDirectory(tif);
		}
		TIFFClose(tif);
		enc[r] = t;
		// decode every page of the file just written
		mf.pos = 0;
		tif = TIFFClientOpen("mem", "rm", (thandle_t)&mf, mem_read, mem_write, mem_seek, mem_close, mem_size, mem_map, mem_unmap);
		t = 0;
		bytes = 0;
		for (int p = 0; p < npages; p++) {
			TIFFSetDirectory(tif, p);
			uint64_t *bc;
			TIFFGetField(tif, TIFFTAG_STRIPBYTECOUNTS, &bc);
			bytes += bc[0];
			double t0 = now();
			if (TIFFReadEncodedStrip(tif, 0, out, pageBytes) < 0) { fprintf(stderr, "decode failed\n"); return 1; }
			t += now() - t0;
			check += out[pageBytes / 2];
		}
		TIFFClose(tif);
		dec[r] = t;
	}
	qsort(enc, rounds, sizeof(double), cmp);
	qsort(dec, rounds, sizeof(double), cmp);
	printf("{\"scheme\":\"%s\",\"pages\":%d,\"encodeSec\":%.6f,\"decodeSec\":%.6f,\"bytes\":%llu,\"check\":%llu}\n",
	       scheme, npages, enc[rounds / 2], dec[rounds / 2], bytes, check);
	return 0;
}
