/* table-window.c - a handle that maps only what one call touches.
 *
 * A table of 2^22 slots is over 1 GiB; Dovecot limits each mail process's
 * address space (default_vsz_limit = 256M), so the plugin cannot map it
 * whole. A handle opened with RT_OPEN_WINDOW maps the header page at open,
 * and, for each lookup, upsert or delete of one IP, the two buckets of that
 * IP: each bucket's 16 slots are exactly one page (slots_off is page
 * aligned and buckets start at multiples of 16 slots) and its 16 tags lie
 * in one page of the tag array (on a kernel whose pages are not 4096 bytes,
 * rt_table_open maps the whole file instead). At most five pages (20 KiB)
 * are mapped at
 * any time. The windows stay mapped after a call, so a session's refreshes
 * of its own IP map nothing new.
 *
 * rt_slot_at() and rt_tag_at() (table-priv.h) translate a slot index into
 * these pages; an index outside the current windows (a bug: every index a
 * windowed call uses comes from rt_candidates) reaches a private spare slot,
 * never memory outside a mapping. The SIGBUS guard (table-guard.c) knows
 * these pages too, through rt_table_maps() and rt_table_unback(). */
#include "table-priv.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define RT_PAGE 4096

static int rt_prot(const struct rt_table *t)
{
	return PROT_READ | (t->writable ? PROT_WRITE : 0);
}

static void rt_win_drop(struct rt_win *w)
{
	if (w->slots != NULL)
		munmap(w->slots, RT_PAGE);
	if (w->tag_page != NULL)
		munmap(w->tag_page, RT_PAGE);
	w->slots = NULL;
	w->tag_page = NULL;
	w->tags = NULL;
	w->first = UINT64_MAX;
}

/* Map file page off at *addr: over the page already there (one system
 * call), or anywhere if *addr is NULL. The page is populated at once: it is
 * about to be touched, and one call beats a fault per page. */
static int rt_page_map(struct rt_table *t, uint8_t **addr, uint64_t off)
{
	int flags = MAP_SHARED | MAP_POPULATE | (*addr != NULL ? MAP_FIXED : 0);
	void *p = mmap(*addr, RT_PAGE, rt_prot(t), flags, t->fd, (off_t)off);

	if (p == MAP_FAILED) {
		int saved = errno;

		if (*addr != NULL)	/* a failed MAP_FIXED may have unmapped it */
			munmap(*addr, RT_PAGE);
		*addr = NULL;
		errno = saved;
		return -1;
	}
	*addr = p;
	return 0;
}

/* Map the bucket whose first slot is b into w, over its old bucket. */
static int rt_win_map(struct rt_table *t, struct rt_win *w, uint64_t b)
{
	uint64_t tag_off = RT_HDR_SIZE + b * sizeof(uint32_t);
	uint64_t tag_page = tag_off & ~(uint64_t)(RT_PAGE - 1);
	uint8_t *s = (uint8_t *)w->slots;

	w->first = UINT64_MAX;
	w->slots = NULL;
	w->tags = NULL;
	if (rt_page_map(t, &s, t->slots_off + b * RT_SLOT_SIZE) != 0)
		return -1;
	w->slots = (struct rt_slot *)s;
	if (tag_page != w->tag_off || w->tag_page == NULL) {
		if (rt_page_map(t, &w->tag_page, tag_page) != 0)
			return -1;
		w->tag_off = tag_page;
	}
	w->tags = (uint32_t *)(w->tag_page + (tag_off - tag_page));
	w->first = b;
	return 0;
}

bool rt_window_possible(const struct rt_table *t)
{
	_Static_assert(RT_WINDOW * RT_SLOT_SIZE == RT_PAGE,
		       "a bucket's slots are one page");
	return sysconf(_SC_PAGESIZE) == RT_PAGE && t->window == RT_WINDOW;
}

int rt_window_init(struct rt_table *t)
{
	if ((t->spare = calloc(1, sizeof(*t->spare))) == NULL)
		return -1;
	for (unsigned k = 0; k < RT_NWIN; k++)
		t->win[k].first = UINT64_MAX;
	t->windowed = true;
	return 0;
}

void rt_window_fini(struct rt_table *t)
{
	if (!t->windowed)
		return;
	for (unsigned k = 0; k < RT_NWIN; k++)
		rt_win_drop(&t->win[k]);
	free(t->spare);
	t->spare = NULL;
}

int rt_window_map(struct rt_table *t, const struct rt_cand *c)
{
	uint64_t want[RT_NWIN] = { UINT64_MAX, UINT64_MAX };
	unsigned n = c->n / t->window;

	if (!t->windowed)
		return 0;
	if (n > RT_NWIN)
		n = RT_NWIN;
	for (unsigned k = 0; k < n; k++)
		want[k] = c->idx[k * t->window];
	/* keep a window already on a wanted bucket, in either position */
	if (n == 2 && t->win[0].first == want[1] && t->win[1].first == want[0]) {
		want[0] = t->win[0].first;
		want[1] = t->win[1].first;
	}
	for (unsigned k = 0; k < n; k++) {
		if (t->win[k].first == want[k])
			continue;
		if (rt_win_map(t, &t->win[k], want[k]) != 0)
			return -1;
	}
	return 0;
}

struct rt_slot *rt_window_slot(const struct rt_table *t, uint64_t i)
{
	for (unsigned k = 0; k < RT_NWIN; k++) {
		const struct rt_win *w = &t->win[k];

		if (w->slots != NULL && i >= w->first && i - w->first < t->window)
			return &w->slots[i - w->first];
	}
	return &t->spare->slot;
}

uint32_t *rt_window_tag(const struct rt_table *t, uint64_t i)
{
	for (unsigned k = 0; k < RT_NWIN; k++) {
		const struct rt_win *w = &t->win[k];

		if (w->tags != NULL && i >= w->first && i - w->first < t->window)
			return &w->tags[i - w->first];
	}
	return &t->spare->tag;
}

/* For the SIGBUS handler: is a inside one of t's mappings? */
bool rt_table_maps(const struct rt_table *t, const void *a)
{
	const uint8_t *p = a;

	if (p >= t->map && p < t->map + t->map_size)
		return true;
	if (!t->windowed)
		return false;
	for (unsigned k = 0; k < RT_NWIN; k++) {
		const struct rt_win *w = &t->win[k];

		if (w->slots != NULL && p >= (const uint8_t *)w->slots &&
		    p < (const uint8_t *)w->slots + RT_PAGE)
			return true;
		if (w->tag_page != NULL && p >= w->tag_page &&
		    p < w->tag_page + RT_PAGE)
			return true;
	}
	return false;
}

/* For the SIGBUS handler: replace every mapping of t by private zero pages
 * at the same addresses (async-signal-safe: mmap only). */
int rt_table_unback(struct rt_table *t)
{
	const int fl = MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS;

	if (mmap(t->map, t->map_size, rt_prot(t), fl, -1, 0) == MAP_FAILED)
		return -1;
	if (!t->windowed)
		return 0;
	for (unsigned k = 0; k < RT_NWIN; k++) {
		struct rt_win *w = &t->win[k];

		if (w->slots != NULL &&
		    mmap(w->slots, RT_PAGE, rt_prot(t), fl, -1, 0) == MAP_FAILED)
			return -1;
		if (w->tag_page != NULL &&
		    mmap(w->tag_page, RT_PAGE, rt_prot(t), fl, -1, 0) == MAP_FAILED)
			return -1;
	}
	return 0;
}
