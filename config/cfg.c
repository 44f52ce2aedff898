/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every group of the file is described by a table of its keys. The table
 * drives the unknown-setting check, the required check, the type and range
 * checks and the defaults, so most settings are one line of a table; the
 * rules that relate settings to each other live in the key's hook.
 *
 * Checking stops at the first problem: each check returns -1 straight up
 * the call chain after fail() has written the one message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "vlan.h"

#define UNUSED __attribute__((unused))
#define N(a)   (sizeof(a) / sizeof((a)[0]))

#define PATH_LEN  128
#define QUOTE_LEN 72   /* a user string in a message: quoted, escaped, shortened */
#define MAX_CPU	  1024 /* EAL keeps the CPUs after "@" in a cpu_set_t */

#define NAME_CHARS "_.-"
#define TAG_CHARS  "_-"
/* struct key's chars for opaque protocol strings (secrets, Remote End IDs):
 * any octet but NUL, which a C string cannot hold anyway */
static const char OCTETS[] = "";

#define MBUFS_MIN      1023
#define MBUF_CACHE_MAX 512
/*
 * rte_mempool_create() refuses a cache larger than mbufs / 1.5. The ranges
 * alone guarantee that, so there is no check to make at load time.
 */
_Static_assert(MBUF_CACHE_MAX * 3 / 2 <= MBUFS_MIN, "dataplane.mbuf_cache needs a check");

/* Finds duplicates among up to millions of sessions without a quadratic scan. */
struct dedup {
	unsigned int *slot; /* element index + 1; 0 when free */
	size_t mask;
};

/*
 * A list whose elements have unique names: ports, sessions, l2tp.peers,
 * circuits. Every element type starts with its name and has a line.
 */
struct list {
	const char *what; /* the element in messages: "session" */
	char *arr;
	size_t size;
	size_t line_off;
	struct dedup names;
};

struct ctx {
	struct cfg *c;
	const char *src;
	char *err;
	size_t errlen;
	char path[PATH_LEN];
	/* the innermost group being read that exists in the file: where a
	 * default that cannot be had is reported */
	const config_setting_t *grp;
	struct cfg_port *port;			 /* the port whose neighbors are being read */
	unsigned int worker;			 /* the worker whose rx list is being read */
	unsigned int lcore_owner[CFG_MAX_LCORE]; /* worker index + 1 */
	unsigned int rxq_owner[CFG_MAX_PORTS][CFG_MAX_RX_QUEUES]; /* worker index + 1 */
	/* the one attachment circuit namespace of sessions and circuits */
	struct dedup ac_sess, ac_circ;
	struct list *list; /* the named list being read */
	struct list ports, sessions, peers, circuits;
	struct dedup neigh, sess_id, end_id;
};

enum kind {
	K_INT,
	K_BOOL,
	K_STR,
	K_ENUM,
	K_GROUP,
	K_FN,
};

struct choice {
	const char *name;
	int value;
};

struct key {
	const char *name;
	enum kind kind;
	bool required;
	size_t off; /* where the value goes in the group's object */
	size_t size;
	long long min, max, def;
	const char *defstr; /* K_STR */
	const char *chars;  /* K_STR: allowed besides letters and digits; NULL: any but space */
	const struct choice *choices; /* K_ENUM, ended by a NULL name */
	const struct key *sub;	      /* K_GROUP */
	size_t n_sub;
	long long arg; /* for fn */
	bool inherit;  /* absent: keep the value already there (an override) */
	/*
	 * K_FN: reads the setting; other kinds: runs after the value (or the
	 * default) is stored. s is NULL when the setting is absent.
	 */
	int (*fn)(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj);
};

/* One macro per kind keeps each table entry on a line or two. */
#define AT(t, f) .off = offsetof(t, f), .size = sizeof(((t *)NULL)->f)
#define KEY_INT(n, req, t, f, lo, hi, d, hook)                                             \
	{                                                                                  \
		.name = n, .kind = K_INT, .required = req, AT(t, f), .min = lo, .max = hi, \
		.def = d, .fn = hook                                                       \
	}
#define KEY_BOOL(n, t, f, d, hook)                                        \
	{                                                                 \
		.name = n, .kind = K_BOOL, AT(t, f), .def = d, .fn = hook \
	}
#define KEY_STR(n, req, t, f, chars_, d, hook)                                                     \
	{                                                                                          \
		.name = n, .kind = K_STR, .required = req, AT(t, f), .chars = chars_, .defstr = d, \
		.fn = hook                                                                         \
	}
#define KEY_ENUM(n, req, t, f, choices_, d, hook)                                          \
	{                                                                                  \
		.name = n, .kind = K_ENUM, .required = req, AT(t, f), .choices = choices_, \
		.def = d, .fn = hook                                                       \
	}
#define KEY_GROUP(n, req, off_, sub_, hook)                                            \
	{                                                                              \
		.name = n, .kind = K_GROUP, .required = req, .off = off_, .sub = sub_, \
		.n_sub = N(sub_), .fn = hook                                           \
	}
#define KEY_FN(n, req, hook)                                         \
	{                                                            \
		.name = n, .kind = K_FN, .required = req, .fn = hook \
	}
#define KEY_FN_ARG(n, off_, arg_, hook)                                       \
	{                                                                     \
		.name = n, .kind = K_FN, .off = off_, .arg = arg_, .fn = hook \
	}
/* An integer that keeps the value already in the object when inh is true. */
#define KEY_INHERIT(n, t, f, lo, hi, d, inh)                                                       \
	{                                                                                          \
		.name = n, .kind = K_INT, AT(t, f), .min = lo, .max = hi, .def = d, .inherit = inh \
	}

static int parse_keys(struct ctx *x, const config_setting_t *grp, const struct key *keys,
		      size_t n_keys, void *obj);
static void report(struct ctx *x, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static size_t path_add(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Messages */

/* "SOURCE:LINE: PATH: message", or "SOURCE: ..." when line is 0 */
static void
report(struct ctx *x, unsigned int line, const char *fmt, ...)
{
	char msg[CFG_ERR_MAX], where[32] = ":";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line != 0)
		snprintf(where, sizeof(where), ":%u:", line);
	if (x->errlen != 0)
		snprintf(x->err, x->errlen, "%s%s %s%s%s", x->src, where, x->path,
			 x->path[0] != '\0' ? ": " : "", msg);
}

static unsigned int
line_of(const config_setting_t *s)
{
	return s != NULL ? config_setting_source_line(s) : 0;
}

/*
 * Macros so that the compiler, too, sees that "return fail(...)" returns -1.
 * fail() reports at setting s (at the top level when s is NULL).
 */
#define fail(x, s, ...)	     (report((x), line_of(s), __VA_ARGS__), -1)
#define fail_line(x, l, ...) (report((x), (l), __VA_ARGS__), -1)

static int
oom(struct ctx *x)
{
	x->path[0] = '\0';
	return fail_line(x, 0, "out of memory");
}

/* Appends to the path; returns the length to restore it to. */
static size_t
path_add(struct ctx *x, const char *fmt, ...)
{
	size_t len = strlen(x->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->path + len, sizeof(x->path) - len, fmt, ap);
	va_end(ap);
	return len;
}

static void
path_cut(struct ctx *x, size_t len)
{
	x->path[len] = '\0';
}

/* User text for a message: quoted, escaped, shortened when long. */
static const char *
quote(char buf[QUOTE_LEN], const char *s)
{
	size_t o = 0;
	char tmp[5];
	int n;

	buf[o++] = '"';
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			n = snprintf(tmp, sizeof(tmp), "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			n = snprintf(tmp, sizeof(tmp), "\\x%02x", ch);
		else
			n = snprintf(tmp, sizeof(tmp), "%c", ch);
		/* leave room for "...", the closing quote and the NUL */
		if (o + (size_t)n + 5 > QUOTE_LEN) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, tmp, (size_t)n);
		o += (size_t)n;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static const char *
fmt_addr(char buf[ADDR_STR_MAX], const struct vcs_addr *a)
{
	return addr_format(a, buf, ADDR_STR_MAX);
}

static const char *
fmt_prefix(char buf[ADDR_STR_MAX + 4], const struct vcs_prefix *p)
{
	char a[ADDR_STR_MAX];

	snprintf(buf, ADDR_STR_MAX + 4, "%s/%u", fmt_addr(a, &p->addr), p->len);
	return buf;
}

static const char *
family_key(int family)
{
	return family == AF_INET ? "ipv4" : "ipv6";
}

static const char *
family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* Typed getters: each reports a wrong type or range itself. */

static int
get_int(struct ctx *x, const config_setting_t *s, long long lo, long long hi, long long *v)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		*v = config_setting_get_int(s);
		break;
	case CONFIG_TYPE_INT64:
		*v = config_setting_get_int64(s);
		break;
	default:
		return fail(x, s, "expected an integer");
	}
	if (*v < lo || *v > hi)
		return fail(x, s, "must be between %lld and %lld, got %lld", lo, hi, *v);
	return 0;
}

static int
get_bool(struct ctx *x, const config_setting_t *s, bool *v)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail(x, s, "expected true or false");
	*v = config_setting_get_bool(s) != 0;
	return 0;
}

/* NULL after reporting a setting that is not a string. */
static const char *
get_str(struct ctx *x, const config_setting_t *s)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		report(x, line_of(s), "expected a string");
		return NULL;
	}
	return config_setting_get_string(s);
}

static bool
is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* chars as in struct key */
static bool
chars_ok(const char *v, const char *chars)
{
	if (chars == OCTETS)
		return true;
	for (; *v != '\0'; v++)
		if (chars == NULL ? (*v <= ' ' || *v >= 0x7f)
				  : !is_alnum(*v) && strchr(chars, *v) == NULL)
			return false;
	return true;
}

static bool
valid_name(const char *v)
{
	return v[0] != '\0' && strlen(v) < CFG_NAME_MAX && chars_ok(v, NAME_CHARS);
}

static int
get_text(struct ctx *x, const config_setting_t *s, const struct key *k, const char **v)
{
	char q[QUOTE_LEN];
	size_t len;

	*v = get_str(x, s);
	if (*v == NULL)
		return -1;
	len = strlen(*v);
	if (len == 0)
		return fail(x, s, "must not be empty");
	if (len >= k->size)
		return fail(x, s, "must be at most %zu characters long, got %zu", k->size - 1, len);
	if (chars_ok(*v, k->chars))
		return 0;
	if (k->chars == NULL)
		return fail(x, s,
			    "may only contain printable ASCII characters other than space, got %s",
			    quote(q, *v));
	return fail(x, s, "may only contain letters, digits and \"%s\", got %s", k->chars,
		    quote(q, *v));
}

static const char *
choice_name(const struct choice *ch, int value)
{
	while (ch->value != value)
		ch++;
	return ch->name;
}

static int
get_choice(struct ctx *x, const config_setting_t *s, const struct choice *choices, int *v)
{
	char want[128] = "", q[QUOTE_LEN];
	const struct choice *ch;
	const char *str;
	size_t len;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		str = config_setting_get_string(s);
		for (ch = choices; ch->name != NULL; ch++) {
			if (strcmp(ch->name, str) == 0) {
				*v = ch->value;
				return 0;
			}
		}
	}
	for (ch = choices; ch->name != NULL; ch++) {
		len = strlen(want);
		snprintf(want + len, sizeof(want) - len, "%s\"%s\"",
			 ch == choices	      ? ""
			 : ch[1].name == NULL ? " or "
					      : ", ",
			 ch->name);
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(x, s, "expected %s", want);
	return fail(x, s, "expected %s, got %s", want, quote(q, config_setting_get_string(s)));
}

static int
get_addr(struct ctx *x, const config_setting_t *s, struct vcs_addr *a)
{
	char q[QUOTE_LEN];
	const char *v;

	v = get_str(x, s);
	if (v == NULL)
		return -1;
	if (addr_parse(v, a) < 0)
		return fail(x, s, "expected an IPv4 or IPv6 address, got %s", quote(q, v));
	return 0;
}

/* Addresses that can never be a tunnel endpoint, gateway or neighbour. */
static int
check_unicast(struct ctx *x, const config_setting_t *s, const struct vcs_addr *a)
{
	static const uint8_t v6_zero[16], v6_loop[16] = {[15] = 1};
	const uint8_t *b = (const uint8_t *)&a->v4;
	char buf[ADDR_STR_MAX];
	bool bad;

	if (a->family == AF_INET)
		bad = a->v4 == 0 || b[0] == 127 || (b[0] & 0xf0) == 0xe0 || a->v4 == 0xffffffff;
	else
		bad = memcmp(a->v6, v6_zero, 16) == 0 || memcmp(a->v6, v6_loop, 16) == 0 ||
		      a->v6[0] == 0xff;
	if (bad)
		return fail(x, s, "must be a unicast address, got %s", fmt_addr(buf, a));
	return 0;
}

static int
get_mac(struct ctx *x, const config_setting_t *s, uint8_t mac[6])
{
	static const uint8_t zero[6];
	char q[QUOTE_LEN];
	const char *v;

	v = get_str(x, s);
	if (v == NULL)
		return -1;
	if (addr_mac_parse(v, mac) < 0)
		return fail(x, s, "expected a MAC address like \"02:00:00:00:00:01\", got %s",
			    quote(q, v));
	if (memcmp(mac, zero, 6) == 0)
		return fail(x, s, "must not be all zeros");
	if (mac[0] & 1)
		return fail(x, s, "must be a unicast address (first octet even), got %s",
			    quote(q, v));
	return 0;
}

static int
get_list(struct ctx *x, const config_setting_t *s, bool nonempty, unsigned int max,
	 const char *max_what, unsigned int *n)
{
	if (config_setting_type(s) != CONFIG_TYPE_LIST &&
	    config_setting_type(s) != CONFIG_TYPE_ARRAY)
		return fail(x, s, "expected a list ( ... )");
	*n = (unsigned int)config_setting_length(s);
	if (nonempty && *n == 0)
		return fail(x, s, "must not be empty");
	if (*n > max)
		return fail(x, s, "must have at most %u entries%s, got %u", max, max_what, *n);
	return 0;
}

static void
store(void *dst, size_t size, long long v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;
	uint64_t u64 = (uint64_t)v;

	switch (size) {
	case sizeof(u8): /* also a bool set from an enum of two */
		memcpy(dst, &u8, sizeof(u8));
		break;
	case sizeof(u16):
		memcpy(dst, &u16, sizeof(u16));
		break;
	case sizeof(u32):
		memcpy(dst, &u32, sizeof(u32));
		break;
	case sizeof(u64):
		memcpy(dst, &u64, sizeof(u64));
		break;
	default:
		abort(); /* a key table entry with a field width store() lacks */
	}
}

/* FNV-1a */
static uint64_t
hash(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	while (n-- > 0)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

static uint64_t
hash_addr(const struct vcs_addr *a)
{
	return hash(a->v6, a->family == AF_INET ? 4 : 16);
}

static int
dedup_init(struct ctx *x, struct dedup *d, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	free(d->slot);
	d->slot = calloc(size, sizeof(*d->slot));
	d->mask = size - 1;
	return d->slot != NULL ? 0 : oom(x);
}

/*
 * Records element i of arr. Returns true, with the earlier one in *prev,
 * when eq() finds an equal element already recorded.
 */
static bool
dedup_seen(struct dedup *d, uint64_t h, bool (*eq)(const void *arr, unsigned int a, unsigned int b),
	   const void *arr, unsigned int i, unsigned int *prev)
{
	size_t at;

	for (at = h & d->mask; d->slot[at] != 0; at = (at + 1) & d->mask) {
		if (eq(arr, d->slot[at] - 1, i)) {
			*prev = d->slot[at] - 1;
			return true;
		}
	}
	d->slot[at] = i + 1;
	return false;
}

/* Generic parsing */

static int
parse_key(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	void *dst = (char *)obj + k->off;
	const char *str = k->defstr;
	long long v = k->def;
	bool b = k->def != 0;
	int e = (int)k->def;

	if (s == NULL && k->inherit)
		return k->fn != NULL ? k->fn(x, k, s, obj) : 0;
	switch (k->kind) {
	case K_INT:
		if (s != NULL && get_int(x, s, k->min, k->max, &v) < 0)
			return -1;
		store(dst, k->size, v);
		break;
	case K_BOOL:
		if (s != NULL && get_bool(x, s, &b) < 0)
			return -1;
		*(bool *)dst = b;
		break;
	case K_STR:
		if (s != NULL && get_text(x, s, k, &str) < 0)
			return -1;
		snprintf(dst, k->size, "%s", str);
		break;
	case K_ENUM:
		if (s != NULL && get_choice(x, s, k->choices, &e) < 0)
			return -1;
		store(dst, k->size, e);
		break;
	case K_GROUP:
		if (s != NULL && config_setting_type(s) != CONFIG_TYPE_GROUP)
			return fail(x, s, "expected a group { ... }");
		if (parse_keys(x, s, k->sub, k->n_sub, dst) < 0)
			return -1;
		break;
	case K_FN:
		break;
	}
	return k->fn != NULL ? k->fn(x, k, s, obj) : 0;
}

/* grp may be NULL: an absent optional group gets all its defaults. */
static int
parse_keys(struct ctx *x, const config_setting_t *grp, const struct key *keys, size_t n_keys,
	   void *obj)
{
	const config_setting_t *s, *outer = x->grp;
	char q[QUOTE_LEN];
	unsigned int i, n;
	size_t j, mark;

	if (grp != NULL)
		x->grp = grp;
	n = grp != NULL ? (unsigned int)config_setting_length(grp) : 0;
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(grp, i);
		for (j = 0; j < n_keys && strcmp(keys[j].name, config_setting_name(s)) != 0; j++)
			;
		if (j == n_keys)
			return fail(x, s, "unknown setting %s", quote(q, config_setting_name(s)));
	}
	for (j = 0; j < n_keys; j++) {
		s = grp != NULL ? config_setting_get_member(grp, keys[j].name) : NULL;
		if (s == NULL && keys[j].required)
			return fail(x, grp, "missing required setting \"%s\"", keys[j].name);
		mark = path_add(x, "%s%s", x->path[0] != '\0' ? "." : "", keys[j].name);
		if (parse_key(x, &keys[j], s, obj) < 0)
			return -1;
		path_cut(x, mark);
	}
	x->grp = outer;
	return 0;
}

/*
 * Parses the groups of list s into arr. An element is named in the path by
 * its name setting once that is a valid name, else by its index. each()
 * returns how many elements after this one it filled (a range), or -1.
 */
static int
parse_list(struct ctx *x, const config_setting_t *s, const struct key *keys, size_t n_keys,
	   void *arr, size_t size, bool named,
	   int (*each)(struct ctx *x, const config_setting_t *el, void *elem))
{
	const config_setting_t *el, *name;
	unsigned int i, n = (unsigned int)config_setting_length(s);
	size_t mark, at = 0;
	void *elem;
	int more = 0;

	for (i = 0; i < n; i++, at += 1 + (size_t)more) {
		el = config_setting_get_elem(s, i);
		elem = (char *)arr + at * size;
		name = named && config_setting_type(el) == CONFIG_TYPE_GROUP
			       ? config_setting_get_member(el, "name")
			       : NULL;
		if (name != NULL && config_setting_type(name) == CONFIG_TYPE_STRING &&
		    valid_name(config_setting_get_string(name)))
			mark = path_add(x, ".%s", config_setting_get_string(name));
		else
			mark = path_add(x, "[%u]", i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			return fail(x, el, "expected a group { ... }");
		if (parse_keys(x, el, keys, n_keys, elem) < 0 ||
		    (each != NULL && (more = each(x, el, elem)) < 0))
			return -1;
		path_cut(x, mark);
	}
	return 0;
}

/*
 * Zeroed, so that cfg_free() can release a list that failed half-way; NULL
 * after reporting.
 */
static void *
alloc_list(struct ctx *x, unsigned int n, size_t size)
{
	void *arr = calloc(n, size);

	if (arr == NULL)
		oom(x);
	return arr;
}

/* Named lists */

/* The names are the first member, so that one list type serves them all. */
_Static_assert(offsetof(struct cfg_port, name) == 0, "name first");
_Static_assert(offsetof(struct cfg_session, name) == 0, "name first");
_Static_assert(offsetof(struct cfg_l2tp_peer, name) == 0, "name first");
_Static_assert(offsetof(struct cfg_circuit, name) == 0, "name first");

static const char *
elem_name(const struct list *l, unsigned int i)
{
	return l->arr + (size_t)i * l->size;
}

static int
elem_line(const struct list *l, unsigned int i)
{
	int line;

	memcpy(&line, l->arr + (size_t)i * l->size + l->line_off, sizeof(line));
	return line;
}

/* The list's array of n elements (NULL after reporting); it becomes x->list. */
static void *
list_start(struct ctx *x, struct list *l, const char *what, unsigned int n, size_t size,
	   size_t line_off)
{
	char *arr = alloc_list(x, n, size);

	if (arr == NULL)
		return NULL;
	if (dedup_init(x, &l->names, n) < 0) {
		free(arr);
		return NULL;
	}
	l->what = what;
	l->arr = arr;
	l->size = size;
	l->line_off = line_off;
	x->list = l;
	return arr;
}
#define LIST_START(x, l, what, n, T) list_start(x, l, what, n, sizeof(T), offsetof(T, line))

static bool
name_eq(const void *arr, unsigned int a, unsigned int b)
{
	const struct list *l = arr;

	return strcmp(elem_name(l, a), elem_name(l, b)) == 0;
}

/* The name key's hook of every named list: names are unique in their list. */
static int
name_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct list *l = x->list;
	const char *name = obj;
	unsigned int prev;

	if (dedup_seen(&l->names, hash(name, strlen(name)), name_eq, l,
		       (unsigned int)((name - l->arr) / l->size), &prev))
		return fail(x, s, "duplicate %s name \"%s\" (also used at line %d)", l->what, name,
			    elem_line(l, prev));
	return 0;
}

/* The index of the element called name among those read so far, or -1. */
static int
list_find(const struct list *l, const char *name)
{
	const struct dedup *d = &l->names;
	size_t at;

	for (at = hash(name, strlen(name)) & d->mask; d->slot[at] != 0; at = (at + 1) & d->mask)
		if (strcmp(elem_name(l, d->slot[at] - 1), name) == 0)
			return (int)d->slot[at] - 1;
	return -1;
}

/* eal */

/*
 * The EAL --lcores syntax: items separated by ",", each an lcore, a range
 * "N-M" or a group "(N-M,K)", optionally followed by "@CPU" or "@(cpu list)".
 */
struct lcores {
	struct ctx *x;
	const config_setting_t *s;
	const char *start, *p;
	uint8_t *set;
};

static int
lc_syntax(struct lcores *l, const char *what)
{
	char q[QUOTE_LEN];

	return fail(l->x, l->s, "expected %s at character %zu of %s", what,
		    (size_t)(l->p - l->start) + 1, quote(q, l->start));
}

/* A number below CFG_MAX_LCORE (or MAX_CPU after "@"). */
static int
lc_num(struct lcores *l, bool cpu, unsigned int *v)
{
	unsigned int max = cpu ? MAX_CPU : CFG_MAX_LCORE;
	const char *start = l->p;

	if (*l->p < '0' || *l->p > '9')
		return lc_syntax(l, "a number");
	for (*v = 0; *l->p >= '0' && *l->p <= '9'; l->p++)
		if (*v < max)
			*v = *v * 10 + (unsigned int)(*l->p - '0');
	if (*v >= max)
		return fail(l->x, l->s, "%s %.*s is out of range 0..%u", cpu ? "CPU" : "lcore",
			    (int)(l->p - start), start, max - 1);
	return 0;
}

static int
lc_range(struct lcores *l, bool cpu, bool range)
{
	unsigned int lo, hi, i;

	if (lc_num(l, cpu, &lo) < 0)
		return -1;
	hi = lo;
	if (range && *l->p == '-') {
		l->p++;
		if (lc_num(l, cpu, &hi) < 0)
			return -1;
	}
	if (hi < lo)
		return fail(l->x, l->s, "range %u-%u is backwards", lo, hi);
	for (i = lo; !cpu && i <= hi; i++) {
		if (l->set[i])
			return fail(l->x, l->s, "lcore %u is listed twice", i);
		l->set[i] = 1;
	}
	return 0;
}

/* One lcore set, or one CPU set after "@": a number or range, or a (list). */
static int
lc_set(struct lcores *l, bool cpu)
{
	if (*l->p != '(')
		return lc_range(l, cpu, !cpu);
	do {
		l->p++;
		if (lc_range(l, cpu, true) < 0)
			return -1;
	} while (*l->p == ',');
	if (*l->p != ')')
		return lc_syntax(l, "\",\" or \")\"");
	l->p++;
	return 0;
}

static int
lcores_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_eal *e = obj;
	struct lcores l = {x, s, e->lcores, e->lcores, e->lcore_set};

	for (;;) {
		if (lc_set(&l, false) < 0)
			return -1;
		if (*l.p == '@') {
			l.p++;
			if (lc_set(&l, true) < 0)
				return -1;
		}
		if (*l.p != ',')
			break;
		l.p++;
	}
	if (*l.p != '\0')
		return lc_syntax(&l, "\",\" or \"@\"");
	return 0;
}

static int
main_lcore_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_eal *e = obj;
	char q[QUOTE_LEN];
	long long v;

	if (s == NULL) {
		for (e->main_lcore = 0; !e->lcore_set[e->main_lcore]; e->main_lcore++)
			;
		return 0;
	}
	if (get_int(x, s, 0, CFG_MAX_LCORE - 1, &v) < 0)
		return -1;
	if (!e->lcore_set[v])
		return fail(x, s, "lcore %lld is not in eal.lcores %s", v, quote(q, e->lcores));
	e->main_lcore = (unsigned int)v;
	return 0;
}

static int
in_memory_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_eal *e = obj;

	if (s == NULL) {
		e->in_memory = e->hugepages;
		return 0;
	}
	if (get_bool(x, s, &e->in_memory) < 0)
		return -1;
	if (e->in_memory && !e->hugepages)
		return fail(x, s,
			    "cannot be true when hugepages is false: "
			    "EAL's --in-memory and --no-huge are exclusive");
	return 0;
}

static int
args_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_eal *e = obj;
	const config_setting_t *el;
	unsigned int i, n;

	if (s == NULL)
		return 0;
	if (get_list(x, s, false, UINT_MAX, "", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	e->args = alloc_list(x, n, sizeof(*e->args));
	if (e->args == NULL)
		return -1;
	e->n_args = n;
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		if (config_setting_type(el) != CONFIG_TYPE_STRING) {
			path_add(x, "[%u]", i);
			return fail(x, el, "expected a string");
		}
		e->args[i] = strdup(config_setting_get_string(el));
		if (e->args[i] == NULL)
			return oom(x);
	}
	return 0;
}

static const struct key eal_keys[] = {
	KEY_STR("lcores", false, struct cfg_eal, lcores, NULL, "0-1", lcores_hook),
	KEY_FN("main_lcore", false, main_lcore_fn),
	KEY_INT("memory_mb", false, struct cfg_eal, memory_mb, 64, 1048576, 512, NULL),
	KEY_BOOL("hugepages", struct cfg_eal, hugepages, true, NULL),
	KEY_FN("in_memory", false, in_memory_fn),
	KEY_STR("file_prefix", false, struct cfg_eal, file_prefix, TAG_CHARS, "vcswitch", NULL),
	KEY_FN("args", false, args_fn),
};

/* dataplane */

static int
power_of_two_hook(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	unsigned int v = *(const unsigned int *)((const char *)obj + k->off);

	if ((v & (v - 1)) != 0)
		return fail(x, s, "must be a power of two, got %u", v);
	return 0;
}

#define DP struct cfg_dataplane
static const struct key dataplane_keys[] = {
	KEY_INT("mbufs", false, DP, mbufs, MBUFS_MIN, 16777215, 16383, NULL),
	KEY_INT("mbuf_cache", false, DP, mbuf_cache, 0, MBUF_CACHE_MAX, 256, NULL),
	KEY_INT("max_vcs", false, DP, max_vcs, 1, 16777216, 65536, NULL),
	KEY_INT("burst", false, DP, burst, 1, 64, 32, NULL),
	KEY_INT("idle_polls", false, DP, idle_polls, 1, 1000000, 100, NULL),
	KEY_INT("idle_sleep_us", false, DP, idle_sleep_us, 0, 100000, 100, NULL),
	KEY_INT("punt_ring_size", false, DP, punt_ring_size, 64, 65536, 1024, power_of_two_hook),
	KEY_INT("neigh_pending_max", false, DP, neigh_pending_max, 0, 4096, 64, NULL),
	KEY_INT("seq_window", false, DP, seq_window, 1, 8388608, 8388608, NULL),
	KEY_INT("seq_resync", false, DP, seq_resync, 1, 65535, 16, NULL),
};
#undef DP

/* ports */

static const struct choice roles[] = {
	{"access", CFG_PORT_ACCESS},
	{"network", CFG_PORT_NETWORK},
	{NULL, 0},
};

static int
devargs_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_port *p = obj, *q;
	size_t len = strcspn(p->devargs, ",");
	char q1[QUOTE_LEN];

	if (len == 0)
		return fail(x, s, "%s has no device name before the first \",\"",
			    quote(q1, p->devargs));
	for (q = x->c->ports; q < p; q++)
		if (strcspn(q->devargs, ",") == len && strncmp(q->devargs, p->devargs, len) == 0)
			return fail(x, s,
				    "device \"%.*s\" is already used by port \"%s\" (line %d)",
				    (int)len, p->devargs, q->name, q->line);
	return 0;
}

static int
port_mac_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_port *p = obj;

	if (s == NULL)
		return 0;
	p->has_mac = true;
	return get_mac(x, s, p->mac);
}

static struct vcs_prefix *
port_prefix(struct cfg_port *p, int family)
{
	return family == AF_INET ? &p->ipv4 : &p->ipv6;
}

static int
network_only(struct ctx *x, const config_setting_t *s, const struct cfg_port *p)
{
	if (p->role != CFG_PORT_NETWORK)
		return fail(x, s, "not allowed on an access port");
	return 0;
}

static const struct choice tpids[] = {
	{"0x88a8", 0x88a8},
	{"0x8100", 0x8100},
	{"0x9100", 0x9100},
	{NULL, 0},
};

static int
qinq_tpid_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_port *p = obj;

	if (s != NULL && p->role == CFG_PORT_NETWORK)
		return fail(x, s, "not allowed on a network port");
	return 0;
}

/* ipv4 and ipv6; k->arg is the family. */
static int
prefix_fn(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_port *p = obj, *q;
	struct vcs_prefix *pf = port_prefix(p, (int)k->arg);
	char q1[QUOTE_LEN], buf[ADDR_STR_MAX];
	const char *v;

	if (s == NULL)
		return 0;
	if (network_only(x, s, p) < 0)
		return -1;
	v = get_str(x, s);
	if (v == NULL)
		return -1;
	if (addr_prefix_parse(v, pf) < 0 || pf->addr.family != k->arg)
		return fail(x, s, "expected an %s address/length like \"%s\", got %s",
			    family_name((int)k->arg),
			    k->arg == AF_INET ? "192.0.2.1/24" : "2001:db8::1/64", quote(q1, v));
	if (check_unicast(x, s, &pf->addr) < 0)
		return -1;
	for (q = x->c->ports; q < p; q++)
		if (addr_equal(&pf->addr, &port_prefix(q, (int)k->arg)->addr))
			return fail(x, s, "address %s is also used by port \"%s\" (line %d)",
				    fmt_addr(buf, &pf->addr), q->name, q->line);
	return 0;
}

/* ipv4_gateway and ipv6_gateway; k->arg is the family. */
static int
gateway_fn(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_port *p = obj;
	struct vcs_addr *gw = k->arg == AF_INET ? &p->ipv4_gateway : &p->ipv6_gateway;
	const struct vcs_prefix *pf = port_prefix(p, (int)k->arg);
	char buf[ADDR_STR_MAX], pbuf[ADDR_STR_MAX + 4];

	if (s == NULL)
		return 0;
	if (network_only(x, s, p) < 0)
		return -1;
	if (!addr_is_set(&pf->addr))
		return fail(x, s, "needs %s", family_key((int)k->arg));
	if (get_addr(x, s, gw) < 0)
		return -1;
	if (gw->family != k->arg)
		return fail(x, s, "expected an %s address, got %s", family_name((int)k->arg),
			    fmt_addr(buf, gw));
	if (check_unicast(x, s, gw) < 0)
		return -1;
	if (!addr_in_prefix(gw, pf))
		return fail(x, s, "%s is outside %s %s", fmt_addr(buf, gw), family_key((int)k->arg),
			    fmt_prefix(pbuf, pf));
	if (addr_equal(gw, &pf->addr))
		return fail(x, s, "must differ from the port's own address %s", fmt_addr(buf, gw));
	return 0;
}

static bool
neigh_eq(const void *arr, unsigned int a, unsigned int b)
{
	const struct cfg_neigh *n = arr;

	return addr_equal(&n[a].ip, &n[b].ip);
}

static int
neigh_ip_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_neigh *nb = obj;
	const struct vcs_prefix *pf;
	char buf[ADDR_STR_MAX], pbuf[ADDR_STR_MAX + 4];
	unsigned int prev;

	if (get_addr(x, s, &nb->ip) < 0 || check_unicast(x, s, &nb->ip) < 0)
		return -1;
	fmt_addr(buf, &nb->ip);
	pf = port_prefix(x->port, nb->ip.family);
	if (!addr_is_set(&pf->addr))
		return fail(x, s, "%s is %s but the port has no %s", buf,
			    family_name(nb->ip.family), family_key(nb->ip.family));
	if (!addr_in_prefix(&nb->ip, pf))
		return fail(x, s, "%s is outside %s %s", buf, family_key(nb->ip.family),
			    fmt_prefix(pbuf, pf));
	if (addr_equal(&nb->ip, &pf->addr))
		return fail(x, s, "%s is the port's own address", buf);
	if (dedup_seen(&x->neigh, hash_addr(&nb->ip), neigh_eq, x->port->neighbors,
		       (unsigned int)(nb - x->port->neighbors), &prev))
		return fail(x, s, "duplicate neighbor %s (also at neighbors[%u])", buf, prev);
	return 0;
}

static int
neigh_mac_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_neigh *nb = obj;

	return get_mac(x, s, nb->mac);
}

static const struct key neigh_keys[] = {
	KEY_FN("ip", true, neigh_ip_fn),
	KEY_FN("mac", true, neigh_mac_fn),
};

static int
neighbors_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_port *p = obj;
	unsigned int n;

	if (s == NULL)
		return 0;
	if (network_only(x, s, p) < 0 || get_list(x, s, false, UINT_MAX, "", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	p->neighbors = alloc_list(x, n, sizeof(*p->neighbors));
	if (p->neighbors == NULL || dedup_init(x, &x->neigh, n) < 0)
		return -1;
	p->n_neighbors = n;
	x->port = p;
	return parse_list(x, s, neigh_keys, N(neigh_keys), p->neighbors, sizeof(*p->neighbors),
			  false, NULL);
}

static const struct key port_keys[] = {
	KEY_STR("name", true, struct cfg_port, name, NAME_CHARS, NULL, name_hook),
	KEY_STR("devargs", true, struct cfg_port, devargs, NULL, NULL, devargs_hook),
	KEY_ENUM("role", true, struct cfg_port, role, roles, 0, NULL),
	KEY_INT("rx_queues", false, struct cfg_port, rx_queues, 1, CFG_MAX_RX_QUEUES, 1, NULL),
	KEY_INT("rx_desc", false, struct cfg_port, rx_desc, 64, 16384, 1024, NULL),
	KEY_INT("tx_desc", false, struct cfg_port, tx_desc, 64, 16384, 1024, NULL),
	KEY_INT("mtu", false, struct cfg_port, mtu, 68, 9600, 1500, NULL),
	KEY_FN("mac", false, port_mac_fn),
	KEY_ENUM("qinq_tpid", false, struct cfg_port, qinq_tpid, tpids, 0x88a8, qinq_tpid_hook),
	/* the arg is the address family */
	KEY_FN_ARG("ipv4", 0, AF_INET, prefix_fn),
	KEY_FN_ARG("ipv4_gateway", 0, AF_INET, gateway_fn),
	KEY_FN_ARG("ipv6", 0, AF_INET6, prefix_fn),
	KEY_FN_ARG("ipv6_gateway", 0, AF_INET6, gateway_fn),
	KEY_FN("neighbors", false, neighbors_fn),
};

static int
port_done(struct ctx *x, const config_setting_t *el, void *elem)
{
	struct cfg_port *p = elem;

	p->line = (int)config_setting_source_line(el);
	if (p->role == CFG_PORT_NETWORK && !addr_is_set(&p->ipv4.addr) &&
	    !addr_is_set(&p->ipv6.addr))
		return fail(x, el, "a network port needs ipv4 or ipv6 (or both)");
	if (addr_is_set(&p->ipv6.addr) && p->mtu < 1280)
		return fail(x, el, "mtu %u is too small for IPv6, which needs at least 1280",
			    (unsigned int)p->mtu);
	return 0;
}

static int
ports_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg *c = obj;
	unsigned int n;

	if (get_list(x, s, true, CFG_MAX_PORTS, "", &n) < 0)
		return -1;
	c->ports = LIST_START(x, &x->ports, "port", n, struct cfg_port);
	if (c->ports == NULL)
		return -1;
	c->n_ports = n;
	return parse_list(x, s, port_keys, N(port_keys), c->ports, sizeof(*c->ports), true,
			  port_done);
}

/* workers */

static int
worker_lcore_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_worker *w = obj;
	const struct cfg_eal *e = &x->c->eal;
	unsigned int *owner;
	char q[QUOTE_LEN];
	long long v;

	if (get_int(x, s, 0, CFG_MAX_LCORE - 1, &v) < 0)
		return -1;
	if (!e->lcore_set[v])
		return fail(x, s, "lcore %lld is not in eal.lcores %s", v, quote(q, e->lcores));
	if (v == e->main_lcore)
		return fail(x, s,
			    "lcore %lld is eal.main_lcore; a worker needs an lcore of its own", v);
	owner = &x->lcore_owner[v];
	if (*owner != 0)
		return fail(x, s, "lcore %lld is already used by workers[%u] (line %d)", v,
			    *owner - 1, x->c->workers[*owner - 1].line);
	*owner = x->worker + 1;
	w->lcore = (unsigned int)v;
	return 0;
}

/* The index of the port a setting names, or -1 (reported). */
static int
get_port(struct ctx *x, const config_setting_t *s)
{
	char q[QUOTE_LEN];
	const char *v;
	int i;

	v = get_str(x, s);
	if (v == NULL)
		return -1;
	i = cfg_port_find(x->c, v);
	if (i < 0)
		return fail(x, s, "unknown port %s", quote(q, v));
	return i;
}

static int
rxq_port_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_rxq *r = obj;
	int i = get_port(x, s);

	if (i < 0)
		return -1;
	r->port = (unsigned int)i;
	return 0;
}

static int
rxq_queue_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_rxq *r = obj;
	const struct cfg_port *p = &x->c->ports[r->port];
	long long v;

	if (s == NULL)
		return 0;
	if (get_int(x, s, LLONG_MIN, LLONG_MAX, &v) < 0)
		return -1;
	if (v < 0 || v >= p->rx_queues)
		return fail(x, s,
			    "must be between 0 and %u (port \"%s\" has rx_queues = %u), got %lld",
			    p->rx_queues - 1u, p->name, (unsigned int)p->rx_queues, v);
	r->queue = (uint16_t)v;
	return 0;
}

static const struct key rxq_keys[] = {
	KEY_FN("port", true, rxq_port_fn),
	KEY_FN("queue", false, rxq_queue_fn),
};

static int
rxq_done(struct ctx *x, const config_setting_t *el, void *elem)
{
	const struct cfg_rxq *r = elem;
	unsigned int *owner = &x->rxq_owner[r->port][r->queue];

	if (*owner != 0)
		return fail(x, el,
			    "port \"%s\" queue %u is already polled by workers[%u] (line %d)",
			    x->c->ports[r->port].name, r->queue, *owner - 1,
			    x->c->workers[*owner - 1].line);
	*owner = x->worker + 1;
	return 0;
}

static int
rx_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_worker *w = obj;
	unsigned int n;

	if (get_list(x, s, true, CFG_MAX_WORKER_RX, "", &n) < 0)
		return -1;
	w->rx = alloc_list(x, n, sizeof(*w->rx));
	if (w->rx == NULL)
		return -1;
	w->n_rx = n;
	return parse_list(x, s, rxq_keys, N(rxq_keys), w->rx, sizeof(*w->rx), false, rxq_done);
}

static const struct key worker_keys[] = {
	KEY_FN("lcore", true, worker_lcore_fn),
	KEY_FN("rx", true, rx_fn),
};

static int
workers_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg *c = obj;
	const config_setting_t *el;
	const struct cfg_port *p;
	unsigned int i, n;
	size_t mark;

	if (get_list(x, s, true, CFG_MAX_WORKERS, "", &n) < 0)
		return -1;
	c->workers = alloc_list(x, n, sizeof(*c->workers));
	if (c->workers == NULL)
		return -1;
	c->n_workers = n;
	/* one element at a time: the rx and lcore checks need the worker's index */
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		c->workers[i].line = (int)config_setting_source_line(el);
		x->worker = i;
		mark = path_add(x, "[%u]", i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			return fail(x, el, "expected a group { ... }");
		if (parse_keys(x, el, worker_keys, N(worker_keys), &c->workers[i]) < 0)
			return -1;
		path_cut(x, mark);
	}
	for (p = c->ports; p < c->ports + c->n_ports; p++) {
		for (i = 0; i < p->rx_queues; i++) {
			if (x->rxq_owner[p - c->ports][i] == 0) {
				snprintf(x->path, sizeof(x->path), "ports.%s", p->name);
				return fail_line(x, (unsigned int)p->line,
						 "rx queue %u is not polled by any worker", i);
			}
		}
	}
	return 0;
}

/* Attachment circuits: the part sessions and circuits share */

static const struct choice pw_types[] = {
	{"ethernet", L2TP_PW_ETH},
	{"ethernet-vlan", L2TP_PW_ETH_VLAN},
	{NULL, 0},
};

static const struct choice l2ss_kinds[] = {
	{"none", L2TP_L2SS_NONE},
	{"default", L2TP_L2SS_DEFAULT},
	{NULL, 0},
};

/*
 * The ac group's keys are relative to ac_port, so that sessions and
 * circuits share them: both keep ac_port, ac_vlan and ac_inner_vlan as
 * this says. Only offsets and sizes are taken from it, never an access.
 */
struct ac_layout {
	unsigned int port;
	uint16_t vlan;
	uint16_t inner;
};
#define SAME_AC_LAYOUT(T)                                                              \
	_Static_assert(offsetof(T, ac_vlan) - offsetof(T, ac_port) ==                  \
				       offsetof(struct ac_layout, vlan) &&             \
			       offsetof(T, ac_inner_vlan) - offsetof(T, ac_port) ==    \
				       offsetof(struct ac_layout, inner) &&            \
			       sizeof(((T *)NULL)->ac_port) == sizeof(unsigned int) && \
			       sizeof(((T *)NULL)->ac_vlan) == sizeof(uint16_t) &&     \
			       sizeof(((T *)NULL)->ac_inner_vlan) == sizeof(uint16_t), \
		       #T " keeps its AC unlike struct ac_layout")
SAME_AC_LAYOUT(struct cfg_session);
SAME_AC_LAYOUT(struct cfg_circuit);

/* Likewise the qos group's keys are relative to qos_tx, with qos_rx next. */
#define SAME_QOS_LAYOUT(T)                                                                       \
	_Static_assert(offsetof(T, qos_rx) - offsetof(T, qos_tx) == sizeof(struct cfg_flowspec), \
		       #T " keeps its qos unlike the qos keys")
SAME_QOS_LAYOUT(struct cfg_session);
SAME_QOS_LAYOUT(struct cfg_circuit);

static uint32_t
ac_key(unsigned int port, uint16_t vlan, uint16_t inner)
{
	return (uint32_t)port << 24 | (uint32_t)vlan << 12 | inner;
}

static uint32_t
session_ac(const struct cfg_session *se)
{
	return ac_key(se->ac_port, se->ac_vlan, se->ac_inner_vlan);
}

static uint32_t
circuit_ac(const struct cfg_circuit *ci)
{
	return ac_key(ci->ac_port, ci->ac_vlan, ci->ac_inner_vlan);
}

static bool
session_ac_eq(const void *arr, unsigned int a, unsigned int b)
{
	const struct cfg_session *se = arr;

	return session_ac(&se[a]) == session_ac(&se[b]);
}

static bool
circuit_ac_eq(const void *arr, unsigned int a, unsigned int b)
{
	const struct cfg_circuit *ci = arr;

	return circuit_ac(&ci[a]) == circuit_ac(&ci[b]);
}

/* The session on circuit key, or -1. */
static int
session_on(const struct ctx *x, uint32_t key)
{
	const struct dedup *d = &x->ac_sess;
	size_t at;

	if (d->slot == NULL)
		return -1;
	for (at = hash(&key, sizeof(key)) & d->mask; d->slot[at] != 0; at = (at + 1) & d->mask)
		if (session_ac(&x->c->sessions[d->slot[at] - 1]) == key)
			return (int)d->slot[at] - 1;
	return -1;
}

static int
ac_port_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	unsigned int *port = obj;
	int i = get_port(x, s);

	if (i < 0)
		return -1;
	if (x->c->ports[i].role != CFG_PORT_ACCESS)
		return fail(
			x, s,
			"port \"%s\" is a network port; an attachment circuit needs an access port",
			x->c->ports[i].name);
	*port = (unsigned int)i;
	return 0;
}

static const struct key ac_keys[] = {
	KEY_FN("port", true, ac_port_fn),
	KEY_INT("vlan", false, struct ac_layout, vlan, 1, VLAN_ID_MAX, 0, NULL),
	KEY_INT("inner_vlan", false, struct ac_layout, inner, 1, VLAN_ID_MAX, 0, NULL),
};

/*
 * No two sessions or circuits share a port and tags. obj is the session
 * or circuit, x->list its list. (Sessions come first: a session need not
 * look among circuits.)
 */
static int
ac_claim(struct ctx *x, const config_setting_t *s, void *obj)
{
	bool circuit = x->list == &x->circuits;
	const char *ac = (const char *)obj + (circuit ? offsetof(struct cfg_circuit, ac_port)
						      : offsetof(struct cfg_session, ac_port));
	const unsigned int port = *(const unsigned int *)ac;
	const uint16_t vlan = *(const uint16_t *)(ac + offsetof(struct ac_layout, vlan));
	const uint16_t inner = *(const uint16_t *)(ac + offsetof(struct ac_layout, inner));
	const uint32_t key = ac_key(port, vlan, inner);
	const unsigned int i = (unsigned int)(((const char *)obj - x->list->arr) / x->list->size);
	const struct list *l = &x->sessions;
	char name[CFG_AC_NAME_MAX];
	unsigned int prev;
	int other;

	if (inner != 0 && vlan == 0)
		return fail(x, s, "inner_vlan needs vlan: the outer (S-) tag");
	other = session_on(x, key);
	if (circuit && other < 0) {
		if (!dedup_seen(&x->ac_circ, hash(&key, sizeof(key)), circuit_ac_eq, x->c->circuits,
				i, &prev))
			return 0;
		l = &x->circuits;
		other = (int)prev;
	} else if (!circuit && other < 0) {
		dedup_seen(&x->ac_sess, hash(&key, sizeof(key)), session_ac_eq, x->c->sessions, i,
			   &prev);
		return 0;
	}
	cfg_ac_name(x->c, port, vlan, inner, name, sizeof(name));
	return fail(x, s, "attachment circuit %s is already used by %s \"%s\" (line %d)", name,
		    l->what, elem_name(l, (unsigned int)other), elem_line(l, (unsigned int)other));
}

static int
ac_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	return ac_claim(x, s, obj);
}

/* The largest count: every pair of VLAN IDs. */
#define RANGE_MAX (VLAN_ID_MAX * VLAN_ID_MAX)

/*
 * Ranges: an element with count = N stands for N, the i-th (from 0)
 * named NAME-i, on the i-th circuit of the range (common/vlan.h), and for
 * a session with both session IDs + i.
 */

/* The elements the list s stands for; an invalid count counts 1 and is
 * reported when its element is read. */
static unsigned long long
range_total(const config_setting_t *s)
{
	unsigned int i, n = (unsigned int)config_setting_length(s);
	unsigned long long total = 0;

	for (i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(s, i);
		const config_setting_t *c = config_setting_type(el) == CONFIG_TYPE_GROUP
						    ? config_setting_get_member(el, "count")
						    : NULL;
		long long v = c != NULL && (config_setting_type(c) == CONFIG_TYPE_INT ||
					    config_setting_type(c) == CONFIG_TYPE_INT64)
				      ? config_setting_get_int64(c)
				      : 1;

		total += v >= 1 && v <= RANGE_MAX ? (unsigned long long)v : 1;
	}
	return total;
}

/* A list of ranges: *n the elements it stands for, at most max. */
static int
get_range_list(struct ctx *x, const config_setting_t *s, unsigned int max, const char *max_what,
	       unsigned int *n)
{
	unsigned long long total;

	if (get_list(x, s, false, UINT_MAX, "", n) < 0)
		return -1;
	total = range_total(s);
	if (total > max)
		return fail(x, s, "must have at most %u entries%s, got %llu", max, max_what, total);
	*n = (unsigned int)total;
	return 0;
}

/* name (the first of a range of count) becomes NAME-0, or base-i. */
static int
range_suffix(struct ctx *x, const config_setting_t *s, char *name, size_t size, const char *base,
	     unsigned int count, unsigned int i)
{
	int n;

	if (count <= 1)
		return 0;
	n = snprintf(name, size, "%.*s-%u", (int)(size - 1), base, i);
	if (n < 0 || (size_t)n >= size)
		return fail(x, s, "\"%s\" with count = %u makes names longer than %zu characters",
			    base, count, size - 1);
	return 0;
}

/* The first of a range: checks that the last name fits as well. */
static int
range_name(struct ctx *x, const config_setting_t *s, char *name, size_t size, unsigned int count)
{
	char base[CFG_END_ID_MAX], last[CFG_END_ID_MAX];

	snprintf(base, sizeof(base), "%s", name);
	if (range_suffix(x, s, last, size, base, count, count - 1) < 0)
		return -1;
	return range_suffix(x, s, name, size, base, count, 0);
}

/* The i-th name of the range whose first is first (NAME-0). */
static int
range_name_at(struct ctx *x, const config_setting_t *s, char *name, size_t size, const char *first,
	      unsigned int count, unsigned int i)
{
	char base[CFG_END_ID_MAX];

	snprintf(base, sizeof(base), "%.*s", (int)(strlen(first) - 2), first);
	return range_suffix(x, s, name, size, base, count, i);
}

/* The tags of the i-th circuit of a range. */
static int
range_ac(struct ctx *x, const config_setting_t *s, uint16_t *vlan, uint16_t *inner,
	 unsigned int count, unsigned int i)
{
	if (vlan_range_at(*vlan, *inner, i, vlan, inner) == 0)
		return 0;
	if (*vlan == 0)
		return fail(x, s, "count = %u needs ac.vlan: a range of circuits on one port",
			    count);
	return fail(x, s, "count = %u runs out of VLAN IDs after 4094%s", count,
		    *inner != 0 ? " (of outer and inner tags)" : "");
}

/* The PW type goes at k->off; k->arg is where the AC's VLAN is. */
static int
pw_type_fn(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	const uint16_t vlan = *(const uint16_t *)((const char *)obj + k->arg);
	int v = L2TP_PW_ETH;

	if (s != NULL && get_choice(x, s, pw_types, &v) < 0)
		return -1;
	*(enum l2tp_pw_type *)((char *)obj + k->off) = (enum l2tp_pw_type)v;
	if (v == L2TP_PW_ETH_VLAN && vlan == 0)
		return fail(x, s, "\"ethernet-vlan\" needs ac.vlan");
	return 0;
}

/* The ac group and pw_type of a session or circuit T. */
#define AC_KEYS(T)                                                     \
	KEY_GROUP("ac", true, offsetof(T, ac_port), ac_keys, ac_hook), \
		KEY_FN_ARG("pw_type", offsetof(T, pw_type), offsetof(T, ac_vlan), pw_type_fn)

/*
 * The first rx queue of the port polled by another worker than queue 0,
 * or 0: sequence numbers are assigned as frames arrive from the AC, and
 * need a single writer.
 */
static unsigned int
ac_split_queue(const struct ctx *x, unsigned int port)
{
	const unsigned int *owner = x->rxq_owner[port];
	unsigned int q;

	for (q = 1; q < x->c->ports[port].rx_queues; q++)
		if (owner[q] != owner[0])
			return q;
	return 0;
}

static int
peak_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_flowspec *f = obj;

	if (s != NULL && f->peak_bandwidth < f->token_rate)
		return fail(x, s, "must be at least token_rate (%llu), got %llu",
			    (unsigned long long)f->token_rate,
			    (unsigned long long)f->peak_bandwidth);
	return 0;
}

#define FS	 struct cfg_flowspec
#define RATE_MAX 1000000000000LL /* bytes/s: 8 Tb/s */
static const struct key flowspec_keys[] = {
	KEY_INT("token_rate", true, FS, token_rate, 1, RATE_MAX, 0, NULL),
	KEY_INT("token_bucket_size", false, FS, token_bucket_size, 64, 1LL << 32, 0, NULL),
	KEY_INT("peak_bandwidth", false, FS, peak_bandwidth, 1, RATE_MAX, 0, peak_hook),
	KEY_INT("max_sdu_size", false, FS, max_sdu_size, 64, 65535, 0, NULL),
};
#undef FS

/* A direction without a group has no contract: nothing to default. */
static int
flowspec_fn(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return fail(x, s, "expected a group { ... }");
	return parse_keys(x, s, flowspec_keys, N(flowspec_keys), (char *)obj + k->off);
}

/* relative to qos_tx */
static const struct key qos_keys[] = {
	KEY_FN_ARG("tx", 0, 0, flowspec_fn),
	KEY_FN_ARG("rx", sizeof(struct cfg_flowspec), 0, flowspec_fn),
};
#define QOS_KEY(T) KEY_GROUP("qos", false, offsetof(T, qos_tx), qos_keys, NULL)

/* Tunnel ends: the part sessions and peers share */

static const struct choice encaps[] = {
	{"ip", L2TP_ENCAP_IP},
	{"udp", L2TP_ENCAP_UDP},
	{NULL, 0},
};

/* The network port whose address a is, into *port. */
static int
find_net_port(struct ctx *x, const config_setting_t *s, const struct vcs_addr *a,
	      unsigned int *port)
{
	const struct cfg_port *p;
	char buf[ADDR_STR_MAX];

	for (p = x->c->ports; p < x->c->ports + x->c->n_ports; p++) {
		if (p->role == CFG_PORT_NETWORK &&
		    (addr_equal(a, &p->ipv4.addr) || addr_equal(a, &p->ipv6.addr))) {
			*port = (unsigned int)(p - x->c->ports);
			return 0;
		}
	}
	return fail(x, s, "local %s is not the address of any network port", fmt_addr(buf, a));
}

/* a, at s, is of the family of other, which is called other_name. */
static int
check_family(struct ctx *x, const config_setting_t *s, const struct vcs_addr *a,
	     const char *other_name, const struct vcs_addr *other)
{
	char buf[ADDR_STR_MAX];

	if (a->family != other->family)
		return fail(x, s, "%s is %s but %s is %s", fmt_addr(buf, a), family_name(a->family),
			    other_name, family_name(other->family));
	return 0;
}

/* The far end of a tunnel from local on network port port: not local, and routable. */
static int
check_remote_end(struct ctx *x, const config_setting_t *s, const struct vcs_addr *remote,
		 const struct vcs_addr *local, unsigned int port)
{
	struct cfg_port *p = &x->c->ports[port];
	int af = local->family;
	const struct vcs_prefix *pf = port_prefix(p, af);
	const struct vcs_addr *gw = af == AF_INET ? &p->ipv4_gateway : &p->ipv6_gateway;
	char buf[ADDR_STR_MAX], pbuf[ADDR_STR_MAX + 4];

	if (addr_equal(remote, local))
		return fail(x, s, "must differ from local");
	if (!addr_in_prefix(remote, pf) && !addr_is_set(gw))
		return fail(x, s,
			    "%s is outside %s %s of port \"%s\", which has no %s_gateway: "
			    "add ports.%s.%s_gateway",
			    fmt_addr(buf, remote), family_key(af), fmt_prefix(pbuf, pf), p->name,
			    family_key(af), p->name, family_key(af));
	return 0;
}

/* The udp group, only allowed when the encapsulation (called what) is UDP. */
static int
udp_group(struct ctx *x, const config_setting_t *s, enum l2tp_encap encap, const char *what,
	  const struct key *keys, size_t n_keys, void *obj)
{
	if (encap != L2TP_ENCAP_UDP)
		return s != NULL ? fail(x, s, "only allowed with %s \"udp\"", what) : 0;
	if (s != NULL && config_setting_type(s) != CONFIG_TYPE_GROUP)
		return fail(x, s, "expected a group { ... }");
	return parse_keys(x, s, keys, n_keys, obj);
}

#define UDP_PORT_KEYS(T)                                                                \
	KEY_INT("local_port", false, T, udp_local_port, 1, 65535, L2TP_UDP_PORT, NULL), \
		KEY_INT("remote_port", false, T, udp_remote_port, 1, 65535, L2TP_UDP_PORT, NULL)

/* sessions */

static const struct choice seqs[] = {
	{"none", CFG_SEQ_NONE},
	{"send", CFG_SEQ_SEND},
	{"recv", CFG_SEQ_RECV},
	{"both", CFG_SEQ_BOTH},
	{NULL, 0},
};

static bool
id_eq(const void *arr, unsigned int a, unsigned int b)
{
	const struct cfg_session *se = arr;

	return se[a].local_session_id == se[b].local_session_id;
}

static unsigned int
session_index(const struct ctx *x, const struct cfg_session *se)
{
	return (unsigned int)(se - x->c->sessions);
}

static int
local_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_session *se = obj;

	if (get_addr(x, s, &se->local) < 0)
		return -1;
	return find_net_port(x, s, &se->local, &se->net_port);
}

static int
remote_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_session *se = obj;

	if (get_addr(x, s, &se->remote) < 0 ||
	    check_family(x, s, &se->remote, "local", &se->local) < 0 ||
	    check_unicast(x, s, &se->remote) < 0)
		return -1;
	return check_remote_end(x, s, &se->remote, &se->local, se->net_port);
}

static int
checksum_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_session *se = obj;
	bool v6 = se->local.family == AF_INET6;

	if (s == NULL) {
		se->udp_checksum = v6;
		return 0;
	}
	if (get_bool(x, s, &se->udp_checksum) < 0)
		return -1;
	if (v6 && !se->udp_checksum)
		return fail(x, s, "cannot be false: IPv6 needs UDP checksums");
	return 0;
}

static const struct key udp_keys[] = {
	UDP_PORT_KEYS(struct cfg_session),
	KEY_FN("checksum", false, checksum_fn),
};

static int
udp_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_session *se = obj;

	return udp_group(x, s, se->encap, "encap", udp_keys, N(udp_keys), se);
}

static int
local_id_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_session *se = obj, *other;
	unsigned int prev;

	if (!dedup_seen(&x->sess_id, hash(&se->local_session_id, sizeof(se->local_session_id)),
			id_eq, x->c->sessions, session_index(x, se), &prev))
		return 0;
	other = &x->c->sessions[prev];
	return fail(x, s, "duplicate local_session_id %u (also used by session \"%s\" at line %d)",
		    se->local_session_id, other->name, other->line);
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Cookie bytes go at k->off, their count at k->arg. */
static int
cookie_fn(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	uint8_t *bytes = (uint8_t *)obj + k->off, *len = (uint8_t *)obj + k->arg;
	const char *v, *hex;
	char q[QUOTE_LEN];
	size_t n, i;

	if (s == NULL)
		return 0;
	v = get_str(x, s);
	if (v == NULL)
		return -1;
	hex = v[0] == '0' && (v[1] == 'x' || v[1] == 'X') ? v + 2 : v;
	n = strlen(hex);
	for (i = 0; i < n && hexval(hex[i]) >= 0; i++)
		;
	if (i < n || (n != 8 && n != 16 && (n != 0 || hex != v)))
		return fail(x, s, "expected \"\" or 8 or 16 hex digits, got %s", quote(q, v));
	for (i = 0; i < n / 2; i++)
		bytes[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	*len = (uint8_t)(n / 2);
	return 0;
}

static int
seq_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_session *se = obj;

	if (se->seq != CFG_SEQ_NONE && se->l2ss != L2TP_L2SS_DEFAULT)
		return fail(x, s, "\"%s\" needs l2ss = \"default\"", choice_name(seqs, se->seq));
	return 0;
}

#define SE struct cfg_session
static int
session_name_hook(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_session *se = obj;

	return range_name(x, s, se->name, sizeof(se->name), se->count) < 0
		       ? -1
		       : name_hook(x, k, s, obj);
}

static const struct key session_keys[] = {
	KEY_INT("count", false, SE, count, 1, RANGE_MAX, 1, NULL),
	KEY_STR("name", true, SE, name, NAME_CHARS, NULL, session_name_hook),
	AC_KEYS(SE),
	KEY_ENUM("encap", true, SE, encap, encaps, 0, NULL),
	KEY_FN("local", true, local_fn),
	KEY_FN("remote", true, remote_fn),
	KEY_FN("udp", false, udp_fn),
	KEY_INT("local_session_id", true, SE, local_session_id, 1, UINT32_MAX, 0, local_id_hook),
	KEY_INT("remote_session_id", true, SE, remote_session_id, 1, UINT32_MAX, 0, NULL),
	/* the arg is where the cookie's length goes */
	KEY_FN_ARG("local_cookie", offsetof(SE, local_cookie), offsetof(SE, local_cookie_len),
		   cookie_fn),
	KEY_FN_ARG("remote_cookie", offsetof(SE, remote_cookie), offsetof(SE, remote_cookie_len),
		   cookie_fn),
	KEY_ENUM("l2ss", false, SE, l2ss, l2ss_kinds, L2TP_L2SS_NONE, NULL),
	KEY_ENUM("sequencing", false, SE, seq, seqs, CFG_SEQ_NONE, seq_hook),
	QOS_KEY(SE),
};
#undef SE

/* The rest of the range se starts: copies of it, each on its own
 * circuit and session IDs. Returns how many. */
static int
session_range(struct ctx *x, const config_setting_t *el, struct cfg_session *first)
{
	unsigned int i;

	if ((unsigned long long)first->local_session_id + first->count - 1 > UINT32_MAX ||
	    (unsigned long long)first->remote_session_id + first->count - 1 > UINT32_MAX)
		return fail(x, el, "count = %u runs session IDs past %u", first->count, UINT32_MAX);
	for (i = 1; i < first->count; i++) {
		struct cfg_session *se = first + i;

		*se = *first;
		se->local_session_id += i;
		se->remote_session_id += i;
		if (range_name_at(x, el, se->name, sizeof(se->name), first->name, first->count, i) <
			    0 ||
		    name_hook(x, NULL, el, se) < 0 ||
		    range_ac(x, el, &se->ac_vlan, &se->ac_inner_vlan, first->count, i) < 0 ||
		    ac_claim(x, el, se) < 0 || local_id_hook(x, NULL, el, se) < 0)
			return -1;
	}
	return (int)first->count - 1;
}

/*
 * The network port's MTU must take the session's encapsulation and a
 * minimum (tagged) Ethernet frame. Sending sequence numbers needs one
 * writer: the AC's queues on one worker.
 */
static int
session_done(struct ctx *x, const config_setting_t *el, void *elem)
{
	struct cfg_session *se = elem;
	const struct cfg_port *p = &x->c->ports[se->ac_port];
	const struct cfg_port *np = &x->c->ports[se->net_port];
	const unsigned int *owner = x->rxq_owner[se->ac_port];
	unsigned int q, need;

	se->line = (int)config_setting_source_line(el);
	need = (se->local.family == AF_INET6 ? 40 : 20) +
	       (se->encap == L2TP_ENCAP_UDP ? 8 + L2TP_UDP_DATA_HDR : 0) + 4 +
	       se->remote_cookie_len + (se->l2ss == L2TP_L2SS_DEFAULT ? L2TP_L2SS_LEN : 0) + 64;
	if (np->mtu < need)
		return fail(x, el,
			    "port \"%s\" has mtu %u; this session's encapsulation and a minimum "
			    "frame need %u",
			    np->name, (unsigned int)np->mtu, need);
	if ((se->seq & CFG_SEQ_SEND) && (q = ac_split_queue(x, se->ac_port)) != 0)
		return fail(x, el,
			    "sequencing \"%s\" needs every rx queue of port \"%s\" polled "
			    "by one worker, but queue 0 is polled by workers[%u] and "
			    "queue %u by workers[%u]",
			    choice_name(seqs, se->seq), p->name, owner[0] - 1, q, owner[q] - 1);
	return session_range(x, el, se);
}

static int
sessions_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg *c = obj;
	unsigned int n;

	if (s == NULL)
		return 0;
	if (get_range_list(x, s, c->dp.max_vcs, " (dataplane.max_vcs)", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	c->sessions = LIST_START(x, &x->sessions, "session", n, struct cfg_session);
	if (c->sessions == NULL || dedup_init(x, &x->sess_id, n) < 0 ||
	    dedup_init(x, &x->ac_sess, n) < 0)
		return -1;
	c->n_sessions = n;
	return parse_list(x, s, session_keys, N(session_keys), c->sessions, sizeof(*c->sessions),
			  true, session_done);
}

/* l2tp */

static const struct choice digests[] = {
	{"md5", CFG_DIGEST_MD5},
	{"sha1", CFG_DIGEST_SHA1},
	{NULL, 0},
};

/*
 * Reached from the l2tp group, where absent settings take the defaults, and
 * from each peer, where they keep the l2tp group's values (inh). §4.2: a
 * cap on the back-off SHOULD be at least 8 s, hence max_timeout_ms's floor.
 */
#define TM struct cfg_l2tp_timers
#define RETRANSMIT_KEYS(inh)                                                            \
	KEY_INHERIT("initial_timeout_ms", TM, rto_initial_ms, 100, 60000, 1000, inh),   \
		KEY_INHERIT("max_timeout_ms", TM, rto_max_ms, 8000, 600000, 8000, inh), \
		KEY_INHERIT("retries", TM, retries, 1, 100, 10, inh)
static const struct key retransmit_keys[] = {RETRANSMIT_KEYS(false)};
static const struct key retransmit_override_keys[] = {RETRANSMIT_KEYS(true)};
#undef TM

/* Reported at max_timeout_ms, or at what made it too small for an override. */
static int
retransmit_hook(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_l2tp_timers *t = (const void *)((const char *)obj + k->off);
	const config_setting_t *at = NULL;

	if (t->rto_max_ms >= t->rto_initial_ms)
		return 0;
	if (s != NULL)
		at = config_setting_get_member(s, "max_timeout_ms");
	if (at == NULL && s != NULL)
		at = config_setting_get_member(s, "initial_timeout_ms");
	return fail(x, at != NULL ? at : s,
		    "max_timeout_ms (%u) must be at least initial_timeout_ms (%u)", t->rto_max_ms,
		    t->rto_initial_ms);
}

#define TIMER_KEYS(T, inh, retransmit)                                                       \
	KEY_INHERIT("hello_interval", T, t.hello_interval_s, 0, 3600, 60, inh),              \
		KEY_GROUP("retransmit", false, offsetof(T, t), retransmit, retransmit_hook), \
		KEY_INHERIT("receive_window", T, t.receive_window, 1, 1024, 16, inh)

/* Where a setting would be: at s, or in the group that lacks it. */
static const config_setting_t *
at_or_grp(const struct ctx *x, const config_setting_t *s)
{
	return s != NULL ? s : x->grp;
}

/* Host byte order; by default the first IPv4 address of a network port. */
static int
router_id_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_l2tp *l = obj;
	const struct cfg_port *p;
	struct vcs_addr a;
	char q[QUOTE_LEN];
	long long v;

	if (s == NULL) {
		for (p = x->c->ports; p < x->c->ports + x->c->n_ports; p++) {
			if (addr_is_set(&p->ipv4.addr)) {
				l->router_id = ntohl(p->ipv4.addr.v4);
				return 0;
			}
		}
		return fail(x, x->grp,
			    "missing, and no network port has an IPv4 address to take it from");
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return fail(x, s, "expected an IPv4 address or an integer");
		if (get_int(x, s, 1, UINT32_MAX, &v) < 0)
			return -1;
		l->router_id = (uint32_t)v;
		return 0;
	}
	if (addr_parse(config_setting_get_string(s), &a) < 0 || a.family != AF_INET)
		return fail(x, s, "expected an IPv4 address or an integer, got %s",
			    quote(q, config_setting_get_string(s)));
	if (a.v4 == 0)
		return fail(x, s, "must not be 0.0.0.0");
	l->router_id = ntohl(a.v4);
	return 0;
}

static int
peer_address_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_l2tp_peer *p = obj;
	const struct cfg_l2tp_peer *q;
	char buf[ADDR_STR_MAX];

	if (get_addr(x, s, &p->address) < 0 || check_unicast(x, s, &p->address) < 0)
		return -1;
	/* at most CFG_MAX_PEERS: a scan will do */
	for (q = x->c->l2tp.peers; q < p; q++)
		if (addr_equal(&q->address, &p->address))
			return fail(x, s, "peer %s is also peer \"%s\" (line %d)",
				    fmt_addr(buf, &p->address), q->name, q->line);
	return 0;
}

/* Given, it is a network port's; absent, the first network port address of the family. */
static int
peer_local_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_l2tp_peer *p = obj;
	struct cfg_port *np;
	int af = p->address.family;

	if (s != NULL) {
		if (get_addr(x, s, &p->local) < 0 ||
		    check_family(x, s, &p->local, "address", &p->address) < 0)
			return -1;
		return find_net_port(x, s, &p->local, &p->net_port);
	}
	for (np = x->c->ports; np < x->c->ports + x->c->n_ports; np++) {
		if (addr_is_set(&port_prefix(np, af)->addr)) {
			p->local = port_prefix(np, af)->addr;
			p->net_port = (unsigned int)(np - x->c->ports);
			return 0;
		}
	}
	return fail(x, x->grp, "missing, and no network port has an %s address to take it from",
		    family_name(af));
}

static const struct key peer_udp_keys[] = {
	UDP_PORT_KEYS(struct cfg_l2tp_peer),
};

static int
peer_udp_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_l2tp_peer *p = obj;

	return udp_group(x, s, p->transport, "transport", peer_udp_keys, N(peer_udp_keys), p);
}

static int
secret_hook(UNUSED struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_l2tp_peer *p = obj;

	p->n_secrets = s != NULL;
	return 0;
}

/* Settings that mean nothing without a secret; a false boolean is harmless. */
static int
needs_secret_hook(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_l2tp_peer *p = obj;

	if (s == NULL || (k->kind == K_BOOL && !*(const bool *)((const char *)obj + k->off)))
		return 0;
	if (p->n_secrets == 0)
		return fail(x, s, "needs secret");
	return 0;
}

/* During a rollover either secret verifies (§4.3). */
static int
next_secret_hook(struct ctx *x, const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_l2tp_peer *p = obj;

	if (needs_secret_hook(x, k, s, obj) < 0)
		return -1;
	if (s != NULL)
		p->n_secrets = 2;
	return 0;
}

#define PE struct cfg_l2tp_peer
static const struct key peer_keys[] = {
	KEY_STR("name", true, PE, name, NAME_CHARS, NULL, name_hook),
	KEY_FN("address", true, peer_address_fn),
	KEY_FN("local", false, peer_local_fn),
	KEY_ENUM("transport", false, PE, transport, encaps, L2TP_ENCAP_IP, NULL),
	KEY_FN("udp", false, peer_udp_fn),
	KEY_BOOL("initiate", PE, initiate, false, NULL),
	KEY_STR("secret", false, PE, secrets[0], OCTETS, "", secret_hook),
	KEY_STR("next_secret", false, PE, secrets[1], OCTETS, "", next_secret_hook),
	KEY_ENUM("digest", false, PE, digest, digests, CFG_DIGEST_SHA1, needs_secret_hook),
	KEY_BOOL("hide_avps", PE, hide_avps, false, needs_secret_hook),
	TIMER_KEYS(PE, true, retransmit_override_keys),
};
#undef PE

/* The address is reported once local, and with it the port, is known. */
static int
peer_done(struct ctx *x, const config_setting_t *el, void *elem)
{
	struct cfg_l2tp_peer *p = elem;
	size_t mark;

	p->line = (int)config_setting_source_line(el);
	mark = path_add(x, ".address");
	if (check_remote_end(x, config_setting_get_member(el, "address"), &p->address, &p->local,
			     p->net_port) < 0)
		return -1;
	path_cut(x, mark);
	return 0;
}

/* After the l2tp group's timers: they are each peer's defaults. */
static int
peers_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_l2tp *l = obj;
	unsigned int n, i;

	if (s == NULL)
		return 0;
	if (get_list(x, s, false, CFG_MAX_PEERS, "", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	l->peers = LIST_START(x, &x->peers, "peer", n, struct cfg_l2tp_peer);
	if (l->peers == NULL)
		return -1;
	l->n_peers = n;
	for (i = 0; i < n; i++)
		l->peers[i].t = l->t;
	return parse_list(x, s, peer_keys, N(peer_keys), l->peers, sizeof(*l->peers), true,
			  peer_done);
}

#define L2 struct cfg_l2tp
static const struct key l2tp_keys[] = {
	KEY_FN("router_id", false, router_id_fn),
	KEY_STR("host_name", false, L2, host_name, NULL, "", NULL),
	TIMER_KEYS(L2, false, retransmit_keys),
	KEY_INT("drop_percent", false, L2, drop_percent, 0, 90, 0, NULL),
	KEY_STR("trace", false, L2, trace, NULL, "", NULL),
	KEY_FN("peers", false, peers_fn),
};
#undef L2

/* Absent, the control protocol is off and cfg.l2tp stays zero. */
static int
l2tp_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_l2tp *l = &((struct cfg *)obj)->l2tp;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return fail(x, s, "expected a group { ... }");
	l->enabled = true;
	return parse_keys(x, s, l2tp_keys, N(l2tp_keys), l);
}

/* circuits */

static const struct choice call_types[] = {
	{"incoming", false},
	{"outgoing", true},
	{NULL, 0},
};

/* A canonical VLAN suffix, as "%u" prints one: 1..4094, no leading zero. */
static unsigned int
vlan_suffix(const char *v, size_t len)
{
	unsigned int vlan = 0;
	size_t i;

	if (len == 0 || len > 4 || v[0] < '1' || v[0] > '9')
		return 0;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		vlan = vlan * 10 + (unsigned int)(v[i] - '0');
	}
	return vlan <= VLAN_ID_MAX ? vlan : 0;
}

/*
 * The session whose circuit has the name, as cfg_ac_name() makes it
 * ("PORT", "PORT.VLAN", "PORT.VLAN.INNER"), or -1. Port names may hold
 * dots themselves, so every split is tried.
 */
static int
session_named(const struct ctx *x, const char *name)
{
	char port[CFG_NAME_MAX];
	uint16_t tag[2] = {0, 0}; /* innermost first */
	size_t len = strlen(name), d;
	unsigned int n = 0, v;
	int p, se;

	for (;;) {
		snprintf(port, sizeof(port), "%.*s", (int)len, name);
		p = cfg_port_find(x->c, port);
		if (p >= 0 && (se = session_on(x, ac_key((unsigned int)p, n == 2 ? tag[1] : tag[0],
							 n == 2 ? tag[0] : 0))) >= 0)
			return se;
		for (d = len; d > 0 && name[d - 1] != '.'; d--)
			;
		if (n == 2 || d == 0 || (v = vlan_suffix(name + d, len - d)) == 0)
			return -1;
		tag[n++] = (uint16_t)v;
		len = d - 1;
	}
}

/* Circuits share one namespace with the circuits of static sessions
 * (config/README.md). */
static int
circuit_name_claim(struct ctx *x, const config_setting_t *s, struct cfg_circuit *ci)
{
	int se;

	if (name_hook(x, NULL, s, ci) < 0)
		return -1;
	se = session_named(x, ci->name);
	if (se < 0)
		return 0;
	return fail(x, s, "\"%s\" is already the name of the circuit of session \"%s\" (line %d)",
		    ci->name, elem_name(&x->sessions, (unsigned int)se),
		    elem_line(&x->sessions, (unsigned int)se));
}

static int
circuit_name_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_circuit *ci = obj;

	if (range_name(x, s, ci->name, sizeof(ci->name), ci->count) < 0)
		return -1;
	return circuit_name_claim(x, s, ci);
}

static bool
end_id_eq(const void *arr, unsigned int a, unsigned int b)
{
	const struct cfg_circuit *ci = arr;

	return ci[a].pw_type == ci[b].pw_type &&
	       strcmp(ci[a].remote_end_id, ci[b].remote_end_id) == 0;
}

/* A peer's request names a circuit by (Remote End ID, PW type). */
static int
end_id_claim(struct ctx *x, const config_setting_t *s, const struct cfg_circuit *ci)
{
	const struct cfg_circuit *other;
	char q[QUOTE_LEN];
	unsigned int prev;

	if (!dedup_seen(&x->end_id,
			hash(ci->remote_end_id, strlen(ci->remote_end_id)) ^ ci->pw_type, end_id_eq,
			x->c->circuits, (unsigned int)(ci - x->c->circuits), &prev))
		return 0;
	other = &x->c->circuits[prev];
	return fail(x, at_or_grp(x, s),
		    "%s with pw_type \"%s\" is already the remote_end_id of circuit \"%s\" "
		    "(line %d)",
		    quote(q, ci->remote_end_id), choice_name(pw_types, ci->pw_type), other->name,
		    other->line);
}

static int
end_id_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_circuit *ci = obj;

	if (s == NULL)
		snprintf(ci->remote_end_id, sizeof(ci->remote_end_id), "%s", ci->name);
	else if (range_name(x, s, ci->remote_end_id, sizeof(ci->remote_end_id), ci->count) < 0)
		return -1;
	return end_id_claim(x, s, ci);
}

static int
circuit_peer_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg_circuit *ci = obj;
	char q[QUOTE_LEN];
	const char *v;

	ci->peer = -1;
	if (s == NULL)
		return 0;
	v = get_str(x, s);
	if (v == NULL)
		return -1;
	ci->peer = x->c->l2tp.n_peers != 0 ? list_find(&x->peers, v) : -1;
	if (ci->peer < 0)
		return fail(x, s, "unknown peer %s", quote(q, v));
	return 0;
}

static int
call_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_circuit *ci = obj;

	if (ci->call && ci->peer < 0)
		return fail(x, s, "needs peer: the peer to call");
	return 0;
}

static int
call_type_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_circuit *ci = obj;

	if (s != NULL && !ci->call)
		return fail(x, s, "only allowed with call = true");
	return 0;
}

static int
cookie_len_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_circuit *ci = obj;

	if (ci->cookie_len != 0 && ci->cookie_len != 4 && ci->cookie_len != 8)
		return fail(x, s, "must be 0, 4 or 8, got %u", (unsigned int)ci->cookie_len);
	return 0;
}

static int
circuit_seq_hook(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	const struct cfg_circuit *ci = obj;

	if (ci->sequencing && ci->l2ss != L2TP_L2SS_DEFAULT)
		return fail(x, s, "true needs l2ss = \"default\"");
	return 0;
}

#define CI struct cfg_circuit
static const struct key circuit_keys[] = {
	KEY_INT("count", false, CI, count, 1, RANGE_MAX, 1, NULL),
	KEY_STR("name", true, CI, name, NAME_CHARS, NULL, circuit_name_hook),
	AC_KEYS(CI),
	KEY_STR("remote_end_id", false, CI, remote_end_id, OCTETS, "", end_id_hook),
	KEY_FN("peer", false, circuit_peer_fn),
	KEY_BOOL("call", CI, call, false, call_hook),
	KEY_ENUM("call_type", false, CI, outgoing, call_types, false, call_type_hook),
	/* §8.2: a 64-bit cookie against blind insertion */
	KEY_INT("cookie", false, CI, cookie_len, 0, 8, 8, cookie_len_hook),
	KEY_ENUM("l2ss", false, CI, l2ss, l2ss_kinds, L2TP_L2SS_NONE, NULL),
	KEY_BOOL("sequencing", CI, sequencing, false, circuit_seq_hook),
	QOS_KEY(CI),
};
#undef CI

/* The rest of the range ci starts, like session_range(). */
static int
circuit_range(struct ctx *x, const config_setting_t *el, struct cfg_circuit *first)
{
	unsigned int i;

	for (i = 1; i < first->count; i++) {
		struct cfg_circuit *ci = first + i;

		*ci = *first;
		if (range_name_at(x, el, ci->name, sizeof(ci->name), first->name, first->count, i) <
			    0 ||
		    range_name_at(x, el, ci->remote_end_id, sizeof(ci->remote_end_id),
				  first->remote_end_id, first->count, i) < 0 ||
		    range_ac(x, el, &ci->ac_vlan, &ci->ac_inner_vlan, first->count, i) < 0 ||
		    circuit_name_claim(x, el, ci) < 0 || ac_claim(x, el, ci) < 0 ||
		    end_id_claim(x, el, ci) < 0)
			return -1;
	}
	return (int)first->count - 1;
}

static int
circuit_done(struct ctx *x, const config_setting_t *el, void *elem)
{
	struct cfg_circuit *ci = elem;

	ci->line = (int)config_setting_source_line(el);
	ci->send_seq_ok = ac_split_queue(x, ci->ac_port) == 0;
	return circuit_range(x, el, ci);
}

/* After sessions: circuits share their ACs and dataplane.max_vcs. */
static int
circuits_fn(struct ctx *x, UNUSED const struct key *k, const config_setting_t *s, void *obj)
{
	struct cfg *c = obj;
	unsigned int n, max = c->dp.max_vcs - c->n_sessions;
	char why[96];

	if (s == NULL)
		return 0;
	snprintf(why, sizeof(why), " (dataplane.max_vcs = %u, less %u sessions)", c->dp.max_vcs,
		 c->n_sessions);
	if (get_range_list(x, s, max, c->n_sessions != 0 ? why : " (dataplane.max_vcs)", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	if (!c->l2tp.enabled)
		return fail(x, s, "need the l2tp group, which runs the L2TPv3 control protocol");
	c->circuits = LIST_START(x, &x->circuits, "circuit", n, struct cfg_circuit);
	if (c->circuits == NULL || dedup_init(x, &x->end_id, n) < 0 ||
	    dedup_init(x, &x->ac_circ, n) < 0)
		return -1;
	c->n_circuits = n;
	return parse_list(x, s, circuit_keys, N(circuit_keys), c->circuits, sizeof(*c->circuits),
			  true, circuit_done);
}

static const struct key top_keys[] = {
	KEY_GROUP("eal", false, offsetof(struct cfg, eal), eal_keys, NULL),
	KEY_GROUP("dataplane", false, offsetof(struct cfg, dp), dataplane_keys, NULL),
	KEY_FN("ports", true, ports_fn),
	KEY_FN("workers", true, workers_fn),
	KEY_FN("sessions", false, sessions_fn),
	KEY_FN("l2tp", false, l2tp_fn),
	KEY_FN("circuits", false, circuits_fn),
};

/* Loading */

static bool
is_name_start(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '*';
}

static bool
is_int_literal(const char *p, const char *end)
{
	const char *digits = p;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (p += 2; p < end && hexval(*p) >= 0; p++)
			;
		return p == end && end - digits > 2;
	}
	if (*p == '+' || *p == '-')
		digits = ++p;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		;
	return p == end && end > digits;
}

/*
 * libconfig 1.5 keeps a plain integer literal in an int: 4294967295 (a
 * valid session id) reads back as -1, and 4294967296 + 1500 as a valid MTU.
 * With an "L" suffix it reads a 64-bit integer instead, so every integer
 * literal gets one. This scanner follows libconfig's only as far as needed
 * never to touch a string, a comment or a name: a number-like run of
 * characters is changed only when it is exactly an integer literal, and
 * anything malformed is left for libconfig to reject.
 *
 * @include is refused: libconfig exits the process when an include is
 * unreadable (a directory, say), and every setting must come from the one
 * source that messages name. Its "@" becomes a character libconfig rejects,
 * so that the failure is reported in file order with the other errors.
 */
static char *
widen_ints(const char *in, unsigned int *include_line)
{
	size_t n = strlen(in);
	char *out = malloc(2 * n + 1), *o = out; /* at most one "L" per character */
	const char *p = in, *start, *end;

	*include_line = 0;
	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		start = p;
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			p += *p == '"';
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			end = strstr(p + 2, "*/");
			p = end != NULL ? end + 2 : p + strlen(p);
		} else if (strncmp(p, "@include", 8) == 0) {
			if (*include_line == 0)
				for (*include_line = 1, end = in; end < p; end++)
					*include_line += *end == '\n';
			*o++ = '!';
			p++;
			continue;
		} else if (is_name_start(*p)) {
			for (p++; is_name_start(*p) || (*p >= '0' && *p <= '9') || *p == '-' ||
				  *p == '_';
			     p++)
				;
		} else if ((*p >= '0' && *p <= '9') || *p == '.' ||
			   ((*p == '+' || *p == '-') &&
			    ((p[1] >= '0' && p[1] <= '9') || p[1] == '.'))) {
			for (p++; is_alnum(*p) || *p == '.' || *p == '_' ||
				  ((*p == '+' || *p == '-') && (p[-1] == 'e' || p[-1] == 'E'));
			     p++)
				;
			memcpy(o, start, (size_t)(p - start));
			o += p - start;
			if (is_int_literal(start, p))
				*o++ = 'L';
			continue;
		} else {
			p++;
		}
		memcpy(o, start, (size_t)(p - start));
		o += p - start;
	}
	*o = '\0';
	return out;
}

static int
load(struct ctx *x, const char *text)
{
	unsigned int include_line, line;
	char *wide = widen_ints(text, &include_line);
	const char *why;
	config_t lc;
	int ret;

	if (wide == NULL)
		return oom(x);
	config_init(&lc);
	if (config_read_string(&lc, wide) == CONFIG_TRUE) {
		ret = parse_keys(x, config_root_setting(&lc), top_keys, N(top_keys), x->c);
	} else {
		line = (unsigned int)config_error_line(&lc);
		why = config_error_text(&lc);
		if (include_line != 0 && line == include_line)
			ret = fail_line(x, line, "@include is not supported");
		else if (why == NULL || strcmp(why, "syntax error") == 0)
			ret = fail_line(x, line, "syntax error");
		else
			ret = fail_line(x, line, "syntax error: %s", why);
	}
	config_destroy(&lc);
	free(wide);
	return ret;
}

int
cfg_load_string(const char *text, const char *source, struct cfg *c, char *err, size_t errlen)
{
	struct ctx *x = calloc(1, sizeof(*x));
	int ret;

	memset(c, 0, sizeof(*c));
	if (err != NULL && errlen != 0)
		err[0] = '\0';
	if (source == NULL)
		source = "<string>";
	if (x == NULL) {
		snprintf(err, err != NULL ? errlen : 0, "%s: out of memory", source);
		return -1;
	}
	x->c = c;
	x->src = source;
	x->err = err;
	x->errlen = err != NULL ? errlen : 0;
	snprintf(c->source, sizeof(c->source), "%s", source);
	ret = load(x, text);
	free(x->neigh.slot);
	free(x->sess_id.slot);
	free(x->end_id.slot);
	free(x->ac_sess.slot);
	free(x->ac_circ.slot);
	free(x->ports.names.slot);
	free(x->sessions.names.slot);
	free(x->peers.names.slot);
	free(x->circuits.names.slot);
	free(x);
	if (ret < 0)
		cfg_free(c);
	return ret;
}

int
cfg_load_file(const char *path, struct cfg *c, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 0, got;
	char *buf = NULL, *nb, *nul;
	unsigned int line = 1;
	int ret = -1;

	memset(c, 0, sizeof(*c));
	if (err == NULL)
		errlen = 0;
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	do {
		if (cap - len < 4096) {
			cap = cap != 0 ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got != 0);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	buf[len] = '\0';
	/* a NUL would silently end the text libconfig sees */
	nul = memchr(buf, '\0', len);
	if (nul != NULL) {
		for (; nul > buf; nul--)
			line += nul[-1] == '\n';
		snprintf(err, errlen, "%s:%u: NUL byte in the file", path, line);
		goto out;
	}
	ret = cfg_load_string(buf, path, c, err, errlen);
out:
	free(buf);
	fclose(f);
	return ret;
}

void
cfg_free(struct cfg *c)
{
	unsigned int i;

	for (i = 0; i < c->eal.n_args; i++)
		free(c->eal.args[i]);
	free(c->eal.args);
	for (i = 0; i < c->n_ports; i++)
		free(c->ports[i].neighbors);
	free(c->ports);
	for (i = 0; i < c->n_workers; i++)
		free(c->workers[i].rx);
	free(c->workers);
	free(c->sessions);
	free(c->l2tp.peers);
	free(c->circuits);
	memset(c, 0, sizeof(*c));
}

void
cfg_ac_name(const struct cfg *c, unsigned int port, uint16_t vlan, uint16_t inner, char *buf,
	    size_t len)
{
	const char *p = c->ports[port].name;

	if (inner != 0)
		snprintf(buf, len, "%s.%u.%u", p, vlan, inner);
	else if (vlan != 0)
		snprintf(buf, len, "%s.%u", p, vlan);
	else
		snprintf(buf, len, "%s", p);
}

int
cfg_port_find(const struct cfg *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}
