/*
 * gen_events: writes realistic nested NDJSON events to stdout, the same bytes
 * for the same seed on every machine, so benchmark runs compare like with like.
 *
 *   gen_events --bytes 500M [--seed S]     stop after the line that reaches N bytes
 *   gen_events --rows 100000 [--seed S]    stop after N lines
 *   gen_events ... --keys-early 1          every key in the first events
 *
 * Each event has nested objects (user, device, device.screen), a list of item
 * objects, a list of strings, nulls, optional keys, and rare extra keys that
 * first show up deep in the stream so a loader has to evolve its schema
 * mid-file. Types of a given key never change, so a loader that infers types
 * from a sample does not fail on a later line.
 *
 * With --keys-early 1 the first EARLY_EVENTS events also carry every rare key
 * (and at least one item with every item key), so every key of the file shows
 * up within the first rows: the input on which a tool that infers its schema
 * from a sample of the first records (DuckDB's read_json default) is at no
 * disadvantage. The rest of the stream is the same as without the option.
 *
 * Speed matters more than generality here: every string comes from a fixed
 * table, already JSON-escaped, and is copied into one large buffer that is
 * written with write(2) when full.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* write(2) and ssize_t under a strict -std=c17 */
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- PRNG: splitmix64, small, fast, and identical on every platform ---- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rng_next(rng *r)
{
	return mix64(r->s += UINT64_C(0x9e3779b97f4a7c15));
}

/* Uniform in [0, n) by multiply-shift: no division; the bias, at most
 * n / 2^32, is invisible for the small n used here. */
static uint32_t rng_below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* True with probability 1/n. */
static bool one_in(rng *r, uint32_t n)
{
	return rng_below(r, n) == 0;
}

/* ---- output buffer ---- */

/* A record is far below this; flushing only between records keeps the
 * append helpers free of bounds checks. */
#define MAX_RECORD 16384
#define BUF_SIZE (1u << 20)

typedef struct out {
	char buf[BUF_SIZE + MAX_RECORD];
	size_t len;
	uint64_t total;
} out;

static bool flush_out(out *o)
{
	size_t done = 0;
	while (done < o->len) {
		ssize_t n = write(STDOUT_FILENO, o->buf + done, o->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "gen_events: write: %s\n", strerror(errno));
			return false;
		}
		done += (size_t)n;
	}
	o->total += o->len;
	o->len = 0;
	return true;
}

static void put(out *o, const char *s, size_t n)
{
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void put_s(out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* String literals: the length is known at compile time. */
#define PUT_LIT(o, lit) put((o), (lit), sizeof(lit) - 1)

static void put_c(out *o, char c)
{
	o->buf[o->len++] = c;
}

static void put_u64(out *o, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put_c(o, tmp[--n]);
}

/* Exactly `width` digits with leading zeros, for dates and fractions. */
static void put_fixed(out *o, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		o->buf[o->len + (size_t)i] = (char)('0' + v % 10);
		v /= 10;
	}
	o->len += (size_t)width;
}

/* Money as a JSON number with two decimals, so it always parses as a double
 * ("12.00", never "12"), as prices arrive from most shop systems. */
static void put_cents(out *o, int64_t cents)
{
	if (cents < 0) {
		put_c(o, '-');
		cents = -cents;
	}
	put_u64(o, (uint64_t)cents / 100);
	put_c(o, '.');
	put_fixed(o, (unsigned)((uint64_t)cents % 100), 2);
}

static void put_str(out *o, const char *s)
{
	put_c(o, '"');
	put_s(o, s);
	put_c(o, '"');
}

/* ---- fixed vocabularies (already JSON-escaped) ---- */

typedef struct person_name {
	const char *display; /* JSON string content: raw UTF-8 or \u escapes */
	const char *slug;    /* ASCII, for the email address */
} person_name;

static const person_name first_names[] = {
	{ "Ada", "ada" },          { "Grace", "grace" },     { "Kwame", "kwame" },
	{ "Jürgen", "juergen" },   { "José", "jose" },       { "Øyvind", "oyvind" },
	{ "Mei", "mei" },          { "Priya", "priya" },     { "Olu", "olu" },
	{ "小明", "xiaoming" },    { "Søren", "soren" },     { "Fatima", "fatima" },
	{ "Liam", "liam" },        { "Álvaro", "alvaro" },   { "Ngọc Anh", "ngocanh" },
	{ "Yuki", "yuki" },        { "Sam", "sam" },         { "Ana", "ana" },
	/* the same kind of names as JSON escapes, which a parser must decode */
	{ "Zo\\u00eb", "zoe" },   { "Chlo\\u00e9", "chloe" },
};

static const person_name last_names[] = {
	{ "Lovelace", "lovelace" }, { "Hopper", "hopper" },   { "Mensah", "mensah" },
	{ "Weiß", "weiss" },        { "Müller", "mueller" },  { "García", "garcia" },
	{ "Nguyễn", "nguyen" },     { "王", "wang" },         { "Okafor", "okafor" },
	{ "Kowalski", "kowalski" }, { "O'Brien", "obrien" },  { "Tanaka", "tanaka" },
	{ "Smith", "smith" },       { "Dubois", "dubois" },   { "Patel", "patel" },
	{ "Silva", "silva" },       { "Sch\\u00f6n", "schoen" },
	{ "\\\"Bud\\\" Lee", "lee" }, /* an escaped quote inside a string */
};

static const char *const email_domains[] = {
	"example.com", "mail.example.org", "corp.example.net", "example.co.uk", "example.jp",
};

static const char *const countries[] = {
	"US", "DE", "GB", "FR", "JP", "BR", "IN", "NG", "PT", "VN", "CN", "PL", "ES", "DK",
};

static const char *const currencies[] = { "EUR", "USD", "GBP", "JPY" };

/* Repeats weight the draw: most traffic is page views. */
static const char *const event_types[] = {
	"page_view", "page_view", "page_view", "page_view", "page_view", "search", "search",
	"login", "add_to_cart", "add_to_cart", "remove_from_cart", "checkout", "purchase",
	"purchase", "refund", "logout",
};

static const char *const tags[] = {
	"new", "returning", "promo", "mobile", "vip", "beta", "holiday", "ab:test",
};

static const char *const referrers[] = {
	"https://www.google.com/", "https://duckduckgo.com/", "https://t.co/x1Y2z3",
	"https://news.example.com/article?id=42&utm_source=feed", "android-app://com.example",
};

static const char *const coupons[] = { "WELCOME10", "SPRING24", "FREESHIP", "VIP-20" };

static const char *const experiments[] = { "checkout_v2", "new_search", "dark_mode" };

typedef struct os_info {
	const char *name;
	unsigned major_min, major_span;
	bool mobile;
	const char *const *models;
	size_t nmodels;
	unsigned w, h;
} os_info;

static const char *const ios_models[] = { "iPhone15,2", "iPhone14,7", "iPad13,4" };
static const char *const android_models[] = { "Pixel 8", "SM-S911B", "moto g54" };
static const char *const desktop_models[] = { "desktop", "laptop" };

static const os_info oses[] = {
	{ "iOS", 15, 3, true, ios_models, COUNT(ios_models), 1170, 2532 },
	{ "Android", 11, 4, true, android_models, COUNT(android_models), 1080, 2400 },
	{ "Windows", 10, 2, false, desktop_models, COUNT(desktop_models), 1920, 1080 },
	{ "macOS", 12, 3, false, desktop_models, COUNT(desktop_models), 2560, 1600 },
	{ "Linux", 5, 2, false, desktop_models, COUNT(desktop_models), 1920, 1200 },
};

#define PICK(r, table) ((table)[rng_below((r), (uint32_t)COUNT(table))])

/* ---- calendar ---- */

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm), so the
 * output does not depend on the C library's time zone handling. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* ISO-8601 UTC with milliseconds: "2024-01-01T00:00:00.000Z". */
static void put_timestamp(out *o, int64_t ms)
{
	int64_t days = ms / 86400000, rest = ms % 86400000, y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	put_c(o, '"');
	put_fixed(o, (unsigned)y, 4);
	put_c(o, '-');
	put_fixed(o, m, 2);
	put_c(o, '-');
	put_fixed(o, d, 2);
	put_c(o, 'T');
	put_fixed(o, (unsigned)(rest / 3600000), 2);
	put_c(o, ':');
	put_fixed(o, (unsigned)(rest / 60000 % 60), 2);
	put_c(o, ':');
	put_fixed(o, (unsigned)(rest / 1000 % 60), 2);
	put_c(o, '.');
	put_fixed(o, (unsigned)(rest % 1000), 3);
	PUT_LIT(o, "Z\"");
}

/* ---- one event ---- */

typedef struct gen {
	rng r;
	uint64_t seed;
	int64_t clock_ms; /* advances per event, so timestamps read like a log */
	uint64_t next_id;
	bool keys_early; /* --keys-early: every key within the first events */
} gen;

/* How many events carry every key with --keys-early: a handful, far inside
 * any sample a reader takes of the first records. */
#define EARLY_EVENTS 10u

#define NUSERS 200000u

/* A user's attributes come from a hash of the user id, not from the event
 * stream, so the same user id always has the same name, email and country. */
static void put_user(out *o, const gen *g, uint32_t uid)
{
	uint64_t h = mix64(g->seed ^ (uid * UINT64_C(0x9e3779b97f4a7c15)));
	const person_name *fn = &first_names[h % COUNT(first_names)];
	const person_name *ln = &last_names[(h >> 8) % COUNT(last_names)];
	PUT_LIT(o, "\"user\": {\"id\": ");
	put_u64(o, uid);
	PUT_LIT(o, ", \"name\": \"");
	put_s(o, fn->display);
	put_c(o, ' ');
	put_s(o, ln->display);
	PUT_LIT(o, "\", \"email\": \"");
	put_s(o, fn->slug);
	put_c(o, '.');
	put_s(o, ln->slug);
	put_u64(o, uid % 1000);
	put_c(o, '@');
	put_s(o, email_domains[(h >> 16) % COUNT(email_domains)]);
	PUT_LIT(o, "\", \"country\": ");
	put_str(o, countries[(h >> 24) % COUNT(countries)]);
	PUT_LIT(o, ", \"premium\": ");
	if ((h >> 32) % 7 == 0)
		PUT_LIT(o, "true}");
	else
		PUT_LIT(o, "false}");
}

static void put_device(out *o, rng *r, const os_info *os)
{
	PUT_LIT(o, "\"device\": {\"os\": ");
	put_str(o, os->name);
	PUT_LIT(o, ", \"version\": \"");
	put_u64(o, os->major_min + rng_below(r, os->major_span));
	put_c(o, '.');
	put_u64(o, rng_below(r, 8));
	put_c(o, '.');
	put_u64(o, rng_below(r, 4));
	PUT_LIT(o, "\", \"model\": ");
	put_str(o, os->models[rng_below(r, (uint32_t)os->nmodels)]);
	PUT_LIT(o, ", \"screen\": {\"w\": ");
	put_u64(o, os->w);
	PUT_LIT(o, ", \"h\": ");
	put_u64(o, os->h);
	put_c(o, '}');
	/* an app build number only some clients send: a nullable, optional key */
	if (os->mobile) {
		PUT_LIT(o, ", \"app_build\": ");
		if (one_in(r, 10))
			PUT_LIT(o, "null");
		else
			put_u64(o, 4000 + rng_below(r, 300));
	}
	put_c(o, '}');
}

/* Writes the items list and returns its total in cents; `every_key` puts
 * the rare item keys into the first item. */
static int64_t put_items(out *o, rng *r, unsigned n, bool every_key)
{
	int64_t total = 0;
	PUT_LIT(o, "\"items\": [");
	for (unsigned i = 0; i < n; i++) {
		unsigned qty = 1 + rng_below(r, 4);
		int64_t price = 99 + rng_below(r, 25000);
		total += (int64_t)qty * price;
		if (i)
			PUT_LIT(o, ", ");
		PUT_LIT(o, "{\"sku\": \"SKU-");
		put_fixed(o, rng_below(r, 5000), 5);
		PUT_LIT(o, "\", \"qty\": ");
		put_u64(o, qty);
		PUT_LIT(o, ", \"price\": ");
		put_cents(o, price);
		/* a key that appears in a child table only now and then */
		if (one_in(r, 1000) || (every_key && i == 0))
			PUT_LIT(o, ", \"gift_wrap\": true");
		put_c(o, '}');
	}
	put_c(o, ']');
	return total;
}

static void put_tags(out *o, rng *r)
{
	unsigned n = rng_below(r, 4);
	PUT_LIT(o, "\"tags\": [");
	for (unsigned i = 0; i < n; i++) {
		if (i)
			PUT_LIT(o, ", ");
		put_str(o, PICK(r, tags));
	}
	put_c(o, ']');
}

static void put_session(out *o, rng *r)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t v = rng_next(r);
	PUT_LIT(o, "\"session_id\": \"");
	for (int i = 0; i < 16; i++, v >>= 4)
		put_c(o, hex[v & 15]);
	put_c(o, '"');
}

/* Keys so rare that most first appear far into a large file: the loader
 * must add columns (and a child table) after it has written rows. `every_key`
 * writes all of them. */
static void put_rare_keys(out *o, rng *r, bool every_key)
{
	if (one_in(r, 500) || every_key) {
		PUT_LIT(o, ", \"experiment\": {\"name\": ");
		put_str(o, PICK(r, experiments));
		PUT_LIT(o, ", \"variant\": ");
		put_str(o, one_in(r, 2) ? "A" : "B");
		put_c(o, '}');
	}
	if (one_in(r, 5000) || every_key) {
		PUT_LIT(o, ", \"campaign\": {\"source\": \"newsletter\", \"medium\": \"email\", \"id\": ");
		put_u64(o, 100 + rng_below(r, 50));
		put_c(o, '}');
	}
	if (one_in(r, 20000) || every_key)
		PUT_LIT(o, ", \"ab_flags\": [\"fast_checkout\", \"one_click\"]");
	if (one_in(r, 100000) || every_key)
		PUT_LIT(o, ", \"gdpr_consent\": true");
}

static bool is_commerce(const char *type)
{
	return strcmp(type, "add_to_cart") == 0 || strcmp(type, "remove_from_cart") == 0 ||
	       strcmp(type, "checkout") == 0 || strcmp(type, "purchase") == 0 ||
	       strcmp(type, "refund") == 0;
}

static void put_money(out *o, rng *r, const char *type, int64_t cents)
{
	PUT_LIT(o, ", \"amount\": ");
	if (cents < 0) {
		PUT_LIT(o, "null");
		return;
	}
	put_cents(o, strcmp(type, "refund") == 0 ? -cents : cents);
	PUT_LIT(o, ", \"currency\": ");
	put_str(o, PICK(r, currencies));
	if (strcmp(type, "checkout") == 0 || strcmp(type, "purchase") == 0) {
		PUT_LIT(o, ", \"coupon\": ");
		if (one_in(r, 5))
			put_str(o, PICK(r, coupons));
		else
			PUT_LIT(o, "null");
	}
}

static void put_referrer(out *o, rng *r)
{
	uint32_t k = rng_below(r, 10);
	if (k < 4)
		return; /* absent */
	PUT_LIT(o, ", \"referrer\": ");
	if (k == 4)
		PUT_LIT(o, "null");
	else
		put_str(o, PICK(r, referrers));
}

static void put_event(out *o, gen *g)
{
	rng *r = &g->r;
	const char *type = PICK(r, event_types);
	const os_info *os = &PICK(r, oses);
	bool commerce = is_commerce(type);
	bool every_key = g->keys_early && g->next_id <= EARLY_EVENTS;

	g->clock_ms += rng_below(r, 2000);
	PUT_LIT(o, "{\"id\": ");
	put_u64(o, g->next_id++);
	PUT_LIT(o, ", \"event_type\": ");
	put_str(o, type);
	PUT_LIT(o, ", \"timestamp\": ");
	put_timestamp(o, g->clock_ms);
	PUT_LIT(o, ", ");
	put_user(o, g, 1 + rng_below(r, NUSERS));
	PUT_LIT(o, ", ");
	put_device(o, r, os);
	PUT_LIT(o, ", \"is_mobile\": ");
	put_s(o, os->mobile ? "true" : "false");
	PUT_LIT(o, ", ");
	put_session(o, r);
	PUT_LIT(o, ", ");
	put_tags(o, r);
	PUT_LIT(o, ", ");
	/* carts hold 1-5 items; a few other events (a product view) name one */
	unsigned nitems = commerce ? 1 + rng_below(r, 5) : (unsigned)one_in(r, 8);
	if (every_key && nitems == 0)
		nitems = 1;
	int64_t cents = put_items(o, r, nitems, every_key);
	put_money(o, r, type, commerce ? cents : -1);
	put_referrer(o, r);
	put_rare_keys(o, r, every_key);
	PUT_LIT(o, "}\n");
}

/* ---- command line ---- */

static void usage(void)
{
	fputs("usage: gen_events (--bytes N[K|M|G] | --rows N) [--seed S] [--keys-early 0|1]\n"
	      "  writes NDJSON events to stdout; K, M, G are powers of 1000\n",
	      stderr);
}

/* Parses a count with an optional K/M/G suffix; false if malformed. */
static bool parse_count(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return false;
	uint64_t mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1000, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1000000, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1000000000, end++;
	if (*end || (n && mult > UINT64_MAX / n))
		return false;
	*v = (uint64_t)n * mult;
	return true;
}

typedef struct options {
	uint64_t bytes, rows, seed, keys_early;
} options;

static bool parse_args(int argc, char **argv, options *opt)
{
	*opt = (options){ .bytes = 0, .rows = 0, .seed = 1, .keys_early = 0 };
	for (int i = 1; i < argc; i += 2) {
		uint64_t *slot = strcmp(argv[i], "--bytes") == 0  ? &opt->bytes
				 : strcmp(argv[i], "--rows") == 0 ? &opt->rows
				 : strcmp(argv[i], "--seed") == 0 ? &opt->seed
				 : strcmp(argv[i], "--keys-early") == 0 ? &opt->keys_early
								  : NULL;
		if (!slot || i + 1 >= argc || !parse_count(argv[i + 1], slot))
			return false;
	}
	return (opt->bytes || opt->rows) && opt->keys_early <= 1;
}

static bool done(const out *o, const gen *g, const options *opt)
{
	uint64_t rows = g->next_id - 1;
	return (opt->rows && rows >= opt->rows) || (opt->bytes && o->total + o->len >= opt->bytes);
}

int main(int argc, char **argv)
{
	options opt;
	if (!parse_args(argc, argv, &opt)) {
		usage();
		return 2;
	}
	static out o; /* over a megabyte: keep it off the stack */
	gen g = { .r = { mix64(opt.seed) }, .seed = opt.seed,
		  .clock_ms = INT64_C(1704067200000), /* 2024-01-01T00:00:00Z */
		  .next_id = 1, .keys_early = opt.keys_early == 1 };
	while (!done(&o, &g, &opt)) {
		put_event(&o, &g);
		if (o.len >= BUF_SIZE && !flush_out(&o))
			return 1;
	}
	return flush_out(&o) ? 0 : 1;
}
