/* emit-tcprules.c - the tcpserver rules map (ucspi-tcp's tcprules format,
 * for qmail-smtpd and other programs run by tcpserver -x): the site's own
 * rules text, NAME, merged with the live grants into NAME.cdb, so that a
 * client with a live login gets RELAYCLIENT="" and every other rule acts
 * as written.
 *
 * The cdb is what "tcprules NAME.cdb NAME.tmp < NAME" writes: one record
 * per address (the text before the instructions: "192.0.2.7", "10.1.",
 * "2001:db8:1:2:", "" for the default), whose value is the instructions as
 * NUL-terminated items, "D" for deny and "+VAR=value" for each variable
 * ("allow" stores nothing). tcpserver takes the first rule found for
 * TCPREMOTEIP, then for that text cut after each '.' or ':' (mapkeys.h),
 * then "". So a grant's key must carry the instructions of the rule its
 * addresses would get without it, plus RELAYCLIENT: each grant key K gets
 * the instructions of the site's rule that tcpserver finds first for K
 * (its own, or a shorter prefix, or the default), plus +RELAYCLIENT= - or
 * nothing at all if that rule denies; and the site's rules for addresses
 * inside a granted prefix (which tcpserver finds before K) get
 * +RELAYCLIENT= too. Rules by TCPREMOTEINFO or host name (-r, -h) are
 * kept as written and are not merged: tcpserver tries "info@ip" before
 * the address.
 *
 * The rules text: a rule per line, "address:instructions"; blank lines and
 * lines starting with '#' are skipped; instructions are "allow", "deny" and
 * VAR=<q>value<q> (any quote character q), separated by ','; the address
 * ends at the ':' before "allow" or "deny" (IPv6 addresses hold colons),
 * or at the first ':' when neither is given; "1.2.3.37-53" and "10.2-3."
 * stand for each address of the range. A line that does not parse fails
 * the map, which keeps its previous content. */
#include "emit.h"

#include <cdb.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "publish.h"

#define RULES_TEXT_MAX (16u << 20)	/* the site's rules file, at most */
#define RULE_KEY_MAX 256
#define RULE_DATA_MAX 4096
#define RELAYCLIENT "+RELAYCLIENT="

struct rule {
	char key[RULE_KEY_MAX];
	size_t keylen;
	char data[RULE_DATA_MAX];	/* the cdb value */
	size_t datalen;
	bool deny, relayclient;		/* has "D"; sets RELAYCLIENT */
	bool granted;			/* gets +RELAYCLIENT= */
};

struct rules {
	struct rule *v;
	size_t n, cap;
};

/* The instructions text ins (len bytes) as cdb data into r. */
static int rule_data(struct rule *r, const char *ins, size_t len)
{
	size_t i = 0;

	r->datalen = 0;
	while (i < len) {
		const char *item = ins + i;
		size_t rest = len - i, n;

		if (rest >= 5 && memcmp(item, "allow", 5) == 0 && (rest == 5 || item[5] == ',')) {
			i += 5;
		} else if (rest >= 4 && memcmp(item, "deny", 4) == 0 && (rest == 4 || item[4] == ',')) {
			if (r->datalen + 2 > sizeof(r->data))
				return -1;
			memcpy(r->data + r->datalen, "D", 2);
			r->datalen += 2;
			r->deny = true;
			i += 4;
		} else {
			const char *eq = memchr(item, '=', rest), *end;

			if (eq == NULL || eq == item || (size_t)(eq - item) + 2 > rest)
				return -1;
			end = memchr(eq + 2, eq[1], rest - (size_t)(eq + 2 - item));
			if (end == NULL)
				return -1;
			n = (size_t)(eq + 1 - item);	/* "VAR=" */
			if (r->datalen + 1 + n + (size_t)(end - eq - 2) + 1 > sizeof(r->data))
				return -1;
			r->data[r->datalen++] = '+';
			memcpy(r->data + r->datalen, item, n);
			r->datalen += n;
			memcpy(r->data + r->datalen, eq + 2, (size_t)(end - eq - 2));
			r->datalen += (size_t)(end - eq - 2);
			r->data[r->datalen++] = '\0';
			if (n == strlen("RELAYCLIENT=") && memcmp(item, "RELAYCLIENT=", n) == 0)
				r->relayclient = true;
			i = (size_t)(end + 1 - ins);
		}
		if (i < len && ins[i++] != ',')
			return -1;
	}
	return 0;
}

/* Where the address of a rule line ends: the ':' before "allow" or
 * "deny", or else the first ':' if the address holds no other. */
static const char *rule_colon(const char *line, size_t len)
{
	const char *first = memchr(line, ':', len);

	for (const char *c = first; c != NULL;
	     c = memchr(c + 1, ':', len - (size_t)(c + 1 - line))) {
		size_t rest = len - (size_t)(c + 1 - line);

		if ((rest >= 5 && memcmp(c + 1, "allow", 5) == 0 && (rest == 5 || c[6] == ',')) ||
		    (rest >= 4 && memcmp(c + 1, "deny", 4) == 0 && (rest == 4 || c[5] == ',')))
			return c;
	}
	if (first != NULL && memchr(first + 1, ':', len - (size_t)(first + 1 - line)) == NULL)
		return first;
	return NULL;
}

/* Add the rule for key (as written, or each address of its range). The
 * first rule for a key wins, as in tcpserver; later ones are dropped. */
static int rules_add(struct rules *rs, const char *key, size_t keylen,
		     const struct rule *tmpl)
{
	const char *dash = memchr(key, '-', keylen);
	unsigned long lo, hi;
	char *end;

	if (dash != NULL) {	/* "a.b.c.lo-hi" or "a.b.lo-hi." */
		const char *start = dash, *stop;
		char one[RULE_KEY_MAX];

		while (start > key && start[-1] != '.')
			start--;
		lo = strtoul(start, &end, 10);
		if (end != dash || start == dash)
			return -1;
		hi = strtoul(dash + 1, &end, 10);
		stop = end;
		if (stop == dash + 1 || hi < lo || hi > 255 ||
		    (stop != key + keylen && *stop != '.'))
			return -1;
		for (unsigned long v = lo; v <= hi; v++) {
			int n = snprintf(one, sizeof(one), "%.*s%lu%.*s", (int)(start - key), key, v,
					 (int)(key + keylen - stop), stop);

			if (n < 0 || (size_t)n >= sizeof(one) || rules_add(rs, one, (size_t)n, tmpl) != 0)
				return -1;
		}
		return 0;
	}
	if (keylen >= RULE_KEY_MAX)
		return -1;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].keylen == keylen && memcmp(rs->v[i].key, key, keylen) == 0)
			return 0;
	struct rule *r = RT_ARRAY_ADD(rs->v, rs->n, rs->cap);

	if (r == NULL)
		return -1;
	*r = *tmpl;
	memcpy(r->key, key, keylen);
	r->key[keylen] = '\0';
	r->keylen = keylen;
	return 0;
}

/* The site's rules from the text at path. */
static int rules_read(struct rules *rs, const char *path, struct rt_err *err)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, total = 0;
	ssize_t got;
	unsigned lineno = 0;
	int ret = 0;

	if (f == NULL)
		return rt_err_fail(err, errno, "cannot read the rules %s: %s", path, strerror(errno));
	while (ret == 0 && (got = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)got;
		struct rule *tmpl;
		const char *colon;

		lineno++;
		if ((total += len) > RULES_TEXT_MAX) {
			ret = rt_err_fail(err, EFBIG, "%s: longer than %u bytes", path, RULES_TEXT_MAX);
			break;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if ((tmpl = calloc(1, sizeof(*tmpl))) == NULL) {
			ret = rt_err_fail(err, ENOMEM, "out of memory");
			break;
		}
		colon = rule_colon(line, len);
		if (colon == NULL ||
		    rule_data(tmpl, colon + 1, len - (size_t)(colon + 1 - line)) != 0 ||
		    rules_add(rs, line, (size_t)(colon - line), tmpl) != 0)
			ret = rt_err_fail(err, EINVAL, "%s:%u: cannot parse this rule: %.*s",
					  path, lineno, (int)(len > 80 ? 80 : len), line);
		free(tmpl);
	}
	if (ret == 0 && ferror(f))
		ret = rt_err_fail(err, EIO, "cannot read the rules %s", path);
	free(line);
	fclose(f);
	return ret;
}

static struct rule *rules_find(struct rules *rs, const char *key, size_t len)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].keylen == len && memcmp(rs->v[i].key, key, len) == 0)
			return &rs->v[i];
	return NULL;
}

/* Merge grant key k: mark the site's rules it covers, and return the rule
 * tcpserver would find for k without it (NULL: none, so allow). */
static const struct rule *rules_grant(struct rules *rs, const char *k, size_t len)
{
	bool prefix = len > 0 && (k[len - 1] == ':' || k[len - 1] == '.');
	struct rule *own = NULL;

	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = &rs->v[i];

		if (r->keylen == len && memcmp(r->key, k, len) == 0)
			own = r;
		else if (prefix && r->keylen > len && memcmp(r->key, k, len) == 0)
			r->granted = true;	/* found before k inside its net */
	}
	if (own != NULL) {
		own->granted = true;
		return own;
	}
	for (size_t cut = len; cut-- > 0;) {	/* the longest shorter prefix */
		if (k[cut] != '.' && k[cut] != ':')
			continue;
		if (cut + 1 < len) {
			struct rule *r = rules_find(rs, k, cut + 1);

			if (r != NULL)
				return r;
		}
	}
	return rules_find(rs, "", 0);
}

static int cdb_put(struct cdb_make *cm, const struct rule *r, bool relay)
{
	char data[RULE_DATA_MAX + sizeof(RELAYCLIENT)];
	size_t n = r->datalen;

	memcpy(data, r->data, n);
	if (relay && !r->deny && !r->relayclient) {
		memcpy(data + n, RELAYCLIENT, sizeof(RELAYCLIENT));	/* with its NUL */
		n += sizeof(RELAYCLIENT);
	}
	return cdb_make_add(cm, r->key, (unsigned)r->keylen, data, (unsigned)n);
}

static int emit_tcprules(const char *path, mode_t mode, const struct rt_keyset *ks,
			 struct rt_err *err)
{
	size_t plen = strlen(path) - strlen(rt_map_tcprules.suffix);
	struct rules rs = { NULL, 0, 0 }, add = { NULL, 0, 0 };
	struct rt_publish p;
	struct cdb_make cm;
	char *source;
	int saved, ret = -1;

	if ((source = strndup(path, plen)) == NULL)
		return rt_err_fail(err, ENOMEM, "out of memory");
	if (rules_read(&rs, source, err) != 0)
		goto out;
	for (size_t i = 0; i < ks->n; i++) {
		const char *k = rt_keyset_key(ks, i);
		size_t len = rt_keyset_keylen(ks, i);
		const struct rule *r = rules_grant(&rs, k, len);
		struct rule tmpl;

		if (r != NULL && r->keylen == len && memcmp(r->key, k, len) == 0)
			continue;	/* the site's own rule for k, marked */
		if (r != NULL && r->deny)
			continue;	/* denied as it was */
		memset(&tmpl, 0, sizeof(tmpl));
		if (r != NULL) {
			memcpy(tmpl.data, r->data, r->datalen);
			tmpl.datalen = r->datalen;
			tmpl.relayclient = r->relayclient;
		}
		tmpl.granted = true;
		if (rules_add(&add, k, len, &tmpl) != 0) {
			rt_err_fail(err, ENOMEM, "out of memory");
			goto out;
		}
	}
	if (rt_publish_begin(&p, path, mode, 1, err) != 0)
		goto out;
	if (cdb_make_start(&cm, p.fd) != 0)
		goto fail;
	for (size_t i = 0; i < rs.n + add.n; i++) {
		const struct rule *r = i < rs.n ? &rs.v[i] : &add.v[i - rs.n];

		if (cdb_put(&cm, r, r->granted) != 0) {
			saved = errno;
			(void)cdb_make_finish(&cm);	/* frees tinycdb's lists */
			errno = saved;
			goto fail;
		}
	}
	if (cdb_make_finish(&cm) != 0)
		goto fail;
	ret = rt_publish_commit(&p, err);
	goto out;
fail:
	saved = errno;
	rt_publish_abort(&p);
	rt_err_fail(err, saved, "cannot write %s: %s", path, strerror(saved));
out:
	free(rs.v);
	free(add.v);
	free(source);
	return ret;
}

/* The map holds the site's rules as well as the grants, and they may have
 * changed: never "unchanged", so the first pass of a process (and each
 * "relaytab compile") writes it, and watch's later passes when the grants
 * change. */
static int emit_tcprules_digest(const char *path, struct rt_key_digest *d,
				struct rt_err *err)
{
	(void)d;
	return rt_err_fail(err, ENOTSUP, "%s: the rules are read again", path);
}

const struct rt_map_kind rt_map_tcprules = {
	.setting = "tcprules",
	.help = "merge the tcpserver rules text NAME with the grants into NAME.cdb (tcpserver -x)",
	.suffix = ".cdb",
	.form = RT_KEYS_TCPSERVER,
	.emit = emit_tcprules,
	.digest = emit_tcprules_digest,
};
