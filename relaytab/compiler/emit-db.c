/* emit-db.c - Berkeley DB hash maps, written with libdb into a temp file:
 * Postfix hash: (keys and value with a trailing NUL, as postmap writes
 * them) and Sendmail's K hash map (no NUL, as makemap writes them). */
#include "emit.h"

#include <db.h>
#include <errno.h>
#include <string.h>

#include "publish.h"

static int emit_db(const char *path, mode_t mode, bool nul,
		   const struct rt_keyset *ks, struct rt_err *err)
{
	static char ok[] = "OK";
	struct rt_publish p;
	DB *db = NULL;
	DBT k, v;
	int r;

	if (rt_publish_begin(&p, path, mode, 0, err) != 0)
		return -1;
	if ((r = db_create(&db, NULL, 0)) != 0)
		goto fail;
	if ((r = db->open(db, NULL, p.tmp, NULL, DB_HASH, DB_CREATE | DB_EXCL,
			  (int)mode)) != 0)
		goto fail;
	for (size_t i = 0; i < ks->n; i++) {
		memset(&k, 0, sizeof(k));
		memset(&v, 0, sizeof(v));
		k.data = (char *)rt_keyset_key(ks, i);
		k.size = (u_int32_t)(rt_keyset_keylen(ks, i) + (nul ? 1 : 0));
		v.data = ok;
		v.size = nul ? 3 : 2;
		if ((r = db->put(db, NULL, &k, &v, 0)) != 0)
			goto fail;
	}
	r = db->close(db, 0);
	db = NULL;
	if (r != 0)
		goto fail;
	return rt_publish_commit(&p, err);
fail:
	if (db != NULL)
		db->close(db, 0);
	rt_publish_abort(&p);
	return rt_err_fail(err, r > 0 ? r : EIO, "cannot write %s: %s", path,
			   db_strerror(r));
}

static int emit_db_digest(const char *path, bool nul, struct rt_key_digest *d,
			  struct rt_err *err)
{
	DB *db = NULL;
	DBC *cur = NULL;
	DBT k, v;
	int r;

	if ((r = db_create(&db, NULL, 0)) != 0)
		return rt_err_fail(err, EIO, "db_create: %s", db_strerror(r));
	if ((r = db->open(db, NULL, path, NULL, DB_HASH, DB_RDONLY, 0)) != 0) {
		db->close(db, 0);
		return rt_err_fail(err, r == ENOENT ? ENOENT : EINVAL,
				   "cannot open %s: %s", path, db_strerror(r));
	}
	if ((r = db->cursor(db, NULL, &cur, 0)) != 0)
		goto fail;
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	while ((r = cur->get(cur, &k, &v, DB_NEXT)) == 0) {
		size_t len = k.size;

		if (nul && len > 0 && ((char *)k.data)[len - 1] == '\0')
			len--;
		rt_key_digest_add(d, k.data, len);
	}
	if (r != DB_NOTFOUND)
		goto fail;
	cur->close(cur);
	db->close(db, 0);
	return 0;
fail:
	if (cur != NULL)
		cur->close(cur);
	db->close(db, 0);
	return rt_err_fail(err, EINVAL, "cannot read %s: %s", path, db_strerror(r));
}

static int emit_postfix(const char *path, mode_t mode, const struct rt_keyset *ks,
			struct rt_err *err)
{
	return emit_db(path, mode, true, ks, err);
}

static int emit_postfix_digest(const char *path, struct rt_key_digest *d,
			       struct rt_err *err)
{
	return emit_db_digest(path, true, d, err);
}

static int emit_sendmail(const char *path, mode_t mode, const struct rt_keyset *ks,
			 struct rt_err *err)
{
	return emit_db(path, mode, false, ks, err);
}

static int emit_sendmail_digest(const char *path, struct rt_key_digest *d,
				struct rt_err *err)
{
	return emit_db_digest(path, false, d, err);
}

const struct rt_map_kind rt_map_postfix_hash = {
	.setting = "postfix-hash",
	.help = "write NAME.db (Berkeley DB hash) for Postfix hash:NAME",
	.suffix = ".db",
	.form = RT_KEYS_POSTFIX,
	.emit = emit_postfix,
	.digest = emit_postfix_digest,
};

const struct rt_map_kind rt_map_sendmail_hash = {
	.setting = "sendmail-hash",
	.help = "write NAME.db keyed as Sendmail's ${client_addr}",
	.suffix = ".db",
	.form = RT_KEYS_SENDMAIL,
	.emit = emit_sendmail,
	.digest = emit_sendmail_digest,
};
