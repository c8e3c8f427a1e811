/* table.h - the relaytab table: a crash-safe shared-memory table of recent
 * logins, one record per client IP.
 *
 * The table is one file (default /run/relaytab/table, on tmpfs) that every
 * process maps MAP_SHARED. Writers are the short-lived Dovecot imap/pop3
 * processes (through the plugin) and the CLI; readers are the compiler, the
 * CLI and the lookup service. The layout is fixed at creation and is
 * described byte for byte in relaytab(5).
 *
 * Design:
 * - Fixed capacity, open addressing: each IP hashes (SipHash-2-4, random key
 *   per table) to two 16-slot buckets; a dense array of 32-bit fingerprints
 *   is a hint for finding it.
 * - Each 256-byte slot holds two copies of its record and a version; the
 *   published record is copy[ver & 1]. An update writes the other copy and
 *   publishes it with one aligned store of ver + 1 - RCU's copy, update,
 *   publish, on a version instead of a pointer (a "latch" seqcount).
 * - Readers take no lock and may map the file read-only: they read ver,
 *   copy the record, re-read ver and retry if it moved. They never see a
 *   torn record from honest writers, whatever those do or however they die.
 * - Writers of the same slot serialise on a per-slot lock word holding the
 *   owner's thread id and start time (table-lock.c), taken by compare-and-
 *   swap plus a bounded spin, never by blocking. A writer SIGKILLed while
 *   holding it loses at most its own update; a later locker that proves the
 *   owner dead takes the lock over, repairs the hint and carries on.
 * - Slot memory is never freed, only re-versioned, so there is no ABA and
 *   no grace period: every decision taken on a lock-free read is re-checked
 *   under the lock against the version it was taken on.
 *
 * liburcu supplies the atomics and barriers (uatomic_*, cmm_*) and the
 * shared futex (urcu/futex.h futex(), the raw system call). Its RCU flavours (rcu_read_lock,
 * synchronize_rcu, call_rcu, rculfhash) are per process - their reader
 * registry and grace periods live in private memory - and so cannot protect
 * data shared between processes; this library does not use them.
 *
 * Trust: every member of the table's group (every mail user's imap and pop3
 * process) may write any byte of the file, and may shrink it. Nothing in it
 * is trusted by any process here, for memory safety, liveness or a relay
 * decision:
 * - no pointer or process-private datum is ever stored in the file;
 * - geometry (sizes, offsets, capacity, hash key) is read once, validated,
 *   into private memory and never re-read; every index is masked, every
 *   length clamped, every record sanitised on a private copy;
 * - a file shrunk under a mapping does not kill: the SIGBUS is caught
 *   (table-guard.c), the call fails with EIO and the caller reopens;
 * - every loop is bounded, no call waits on a lock word, and a lock is only
 *   taken over from an owner proven dead;
 * - times stamped more than RT_FUTURE_SLACK seconds ahead grant nothing,
 *   and the grace that decides liveness is the caller's (the header's grace
 *   is only a hint writers use to tell expired records from live ones when
 *   they evict and count evictions).
 * What a group member can do is inherent to a shared writable table: forge
 *   records (so grant relay to any address for a grace) and spoil or delete
 *   others' records. relaytab(8) SECURITY says so.
 *
 * Conventions: functions return 0 on success and -1 with errno set on
 * failure (and a reason in *err where they take one); lookups return 1 found,
 * 0 not found, -1 error. Nothing here prints or exits; the one signal
 * handler installed is the SIGBUS guard (table-guard.c), which chains to the
 * one before it. Times are unix seconds (CLOCK_REALTIME) as uint32_t.
 *
 * Concurrency - which calls may run at the same time, in different processes
 * on the same file ("yes": safe with no coordination):
 *
 *   call                     | upsert | lookup/scan | delete | expire-scan | create --force
 *   -------------------------+--------+-------------+--------+-------------+---------------
 *   rt_table_upsert          |  yes   |    yes      |  yes   |    yes      |  (1)
 *   rt_table_lookup/scan     |  yes   |    yes      |  yes   |    yes      |  (1)
 *   rt_table_delete[_user]   |  yes   |    yes      |  yes   |    yes      |  (1)
 *   rt_table_scan + expiry   |  yes   |    yes      |  yes   |   (2)       |  (1)
 *   rt_table_wait_change     |  yes   |    yes      |  yes   |   (2)       |  (1)
 *
 *   (1) create --force renames a new file over the path; processes that have
 *       the old one open keep using the old file until they reopen it.
 *   (2) one expiring compiler per table: relaytab watch/compile hold a lock
 *       file; two expiring at once is still safe, only wasteful.
 * Within one process, a struct rt_table may be used by one thread at a time.
 */
#ifndef RELAYTAB_TABLE_H
#define RELAYTAB_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "err.h"
#include "service.h"
#include "user.h"

#define RT_TABLE_DEFAULT_PATH "/run/relaytab/table"

/* Capacity is 2^cap_log2 slots, cap_log2 in RT_CAP_LOG2_MIN..MAX. */
#define RT_CAP_LOG2_MIN 10
#define RT_CAP_LOG2_MAX 24
#define RT_CAP_LOG2_DEFAULT 14	/* 16384 slots, about 4 MiB */

/* How far ahead of now a record's time may be (clock steps between
 * processes, rounding) before it is taken as forged and grants nothing. */
#define RT_FUTURE_SLACK 10
static inline bool rt_in_future(uint32_t stamp, uint32_t now)
{
	return (uint64_t)stamp > (uint64_t)now + RT_FUTURE_SLACK;
}
/* The one liveness rule: a record seen at last_seen is live at now while
 * now < last_seen + grace, unless it claims a time more than
 * RT_FUTURE_SLACK seconds ahead of now: no honest writer stamps that, so
 * such a record grants nothing (rt_record_live() applies it to a record). */
static inline bool rt_live_at(uint32_t last_seen, uint32_t grace, uint32_t now)
{
	return (uint64_t)last_seen + grace > now && !rt_in_future(last_seen, now);
}

struct rt_table;

/* How many distinct users a record tells apart: the users of an address
 * are counted up to RT_USERS_MAX ("that many or more"). Each record keeps,
 * for at most this many users, a 16-bit keyed hash of the name and when
 * that user last logged in or refreshed from the address (within 65534 s,
 * about 18 h, of the record's last_seen); a new user replaces the one seen
 * longest ago, if it came later. An honest table's count is never high;
 * it is low by users whose hashes collide (about 1 in 65536 for each pair
 * of users), users last seen more than 18 h before last_seen (with a
 * grace longer than that), a login stamped before all six kept users (a
 * clock stepped back), a login handed to a busy slot's holder (RT_MERGED)
 * until that session's next refresh, and the users of the rare duplicate
 * record of an address (two first logins at once), which are not added
 * together. An empty user name is nobody's and is not counted. */
#define RT_USERS_MAX 6

/* A record as readers see it: a consistent, sanitised copy. */
struct rt_record {
	struct rt_addr ip;
	uint32_t first_seen;	/* first login of this IP since it was (re)added */
	uint32_t last_seen;	/* last login or refresh */
	uint32_t count;		/* logins, saturating */
	enum rt_service service; /* service of the last login */
	char user[RT_USER_MAX + 1]; /* user of the last login, NUL-terminated */
	/* when each distinct user last logged in or refreshed (unix seconds,
	   none after last_seen; 0: no such user), in no order */
	uint32_t user_seen[RT_USERS_MAX];
};

/* Table creation. */
struct rt_create_opts {
	unsigned cap_log2;	/* 0 = RT_CAP_LOG2_DEFAULT */
	mode_t mode;		/* file mode, e.g. 0660; applied with fchmod */
	gid_t gid;		/* group, or (gid_t)-1 to keep the creator's */
	uint32_t grace;		/* grace in seconds stored in the header (0 = 1800) */
	bool force;		/* replace an existing valid table */
};

/* Build a new table file completely in a temp file in the same directory
 * (publish.h: O_CREAT|O_EXCL, 0600 while it is filled - allocated, header
 * written, fsync - then the given group and mode) and rename it over path. Refuses (EEXIST) to replace a valid table unless
 * opts->force. An existing file that is not a valid table is replaced only
 * with force too, so nothing is lost by a mistyped path. */
int rt_table_create(const char *path, const struct rt_create_opts *opts,
		    struct rt_err *err);

/* Open flags. */
#define RT_OPEN_RDONLY 0	/* read-only mapping: lookup, scan, stats */
#define RT_OPEN_RDWR 1		/* may also upsert, delete, expire */
/* Map only the header, and per call the two buckets of its IP (at most 20
 * KiB however big the table): for processes with a small address-space
 * limit, such as Dovecot's mail processes (vsz_limit). Such a handle does
 * lookup, upsert and delete of one IP; calls that walk every slot (scan,
 * stats, delete_user, repair, rebuild, fair_update) fail with EOPNOTSUPP.
 * Where pages are not 4096 bytes (some arm64 kernels) the whole file is
 * mapped instead, and every call works. */
#define RT_OPEN_WINDOW 2

/* Open and validate a table: the header is read into private memory and
 * checked (magic, byte order, version, sizes, lock ABI, geometry, file size,
 * checksum); a corrupt, truncated or foreign file is refused with a reason
 * and errno EINVAL (or the open/mmap errno). Every fd is O_CLOEXEC. The
 * first open installs the process's SIGBUS guard (table-guard.c). Every
 * call on an open table fails with EIO once the file shrank under it:
 * close it and open the path again. */
int rt_table_open(const char *path, int flags, struct rt_table **table_r,
		  struct rt_err *err);
/* Unmap and close; sets *table to NULL. NULL is fine. */
void rt_table_close(struct rt_table **table);

/* Check that the file at the opened path is still the one mapped (same
 * device and inode, same size, the same fixed header bytes) and the mapping
 * is sound. Returns 1 if it is, 0 if it was replaced, truncated, damaged or
 * removed (reopen it), -1 on error. Cheap: one stat and one 104-byte pread. */
int rt_table_still_current(struct rt_table *table);
/* True if the path still names the very file this handle has open (same
 * device and inode), whatever its size or bytes: damage in place, as
 * opposed to a replacement by "relaytab create --force". */
bool rt_table_same_file(struct rt_table *table);

/* Upsert flags. */
#define RT_UPSERT_LOGIN 0	/* a login: insert or refresh, count + 1 */
#define RT_UPSERT_REFRESH 1	/* session still alive: last_seen = now; never
				   counts; re-creates a record that was evicted
				   or lost, but not one that was deleted (a
				   tombstone: a revoked IP stays revoked) */

/* Upsert results (>= 0). */
#define RT_STORED 0		/* published */
#define RT_MERGED 1		/* slot busy: handed to its holder (count) */
#define RT_ABSENT 2		/* RT_UPSERT_REFRESH of a deleted IP */

/* Record a login of ip by user through svc at time now. Never blocks beyond
 * a bounded spin. Returns RT_STORED, RT_MERGED or RT_ABSENT, or -1 with
 * errno: EBUSY (contended beyond the spin budget, or every candidate slot
 * held by a live owner), ENOSPC (fair eviction: see RT_FAIR_CAP), EIO (the file shrank: reopen), EBADF (opened
 * read-only). Evicts the least recently seen of the IP's 32 candidate slots
 * when they are all used (empty ones first, a future-stamped record counts
 * as the oldest), and counts every eviction of a live record. Sets the
 * change flag (and wakes a waiting compiler) when it inserts a new IP. */
int rt_table_upsert(struct rt_table *table, const struct rt_addr *ip,
		    const char *user, enum rt_service svc, uint32_t now,
		    int flags);

/* Find ip. Lock-free. Returns 1 and fills *rec_r (if not NULL), 0 if the IP
 * has no record, -1 on error. Expiry is the caller's business: compare
 * rec.last_seen with now - grace (rt_record_live()). */
int rt_table_lookup(struct rt_table *table, const struct rt_addr *ip,
		    struct rt_record *rec_r);

/* True if rec is live at now: now < last_seen + grace, and last_seen is not
 * beyond now + RT_FUTURE_SLACK. now is the whole second of the wall clock
 * (rt_time_now()), so a record expires at the instant last_seen + grace. */
bool rt_record_live(const struct rt_record *rec, uint32_t now, uint32_t grace);

/* How many distinct users logged in (or refreshed) from rec's address
 * within grace of now: 1..RT_USERS_MAX for a live record (RT_USERS_MAX
 * meaning that many or more), 0 for one that is not live. */
unsigned rt_record_users(const struct rt_record *rec, uint32_t now,
			 uint32_t grace);

/* The time to store as first_seen/last_seen: the wall clock rounded to the
 * nearest second (not truncated), so a record lives its grace to within
 * +-0.5 s of the real login instead of up to 1 s too long. */
uint32_t rt_time_stamp(void);
/* The wall clock's current second, to compare with record times (read
 * from CLOCK_REALTIME: time() reads a coarse clock that can lag a tick
 * behind the one rt_time_stamp() uses). */
uint32_t rt_time_now(void);
/* A monotonic clock in milliseconds, for intervals and rate limits. */
uint64_t rt_clock_ms(void);

/* Remove every record of ip, leaving a tombstone stamped with the wall
 * clock: refreshes of still-open sessions do not bring it back, a new login
 * does; the expiring scan removes the tombstone after the grace. Returns
 * the number removed (0 if none), or -1. Sets the change flag when it
 * removes something. */
int rt_table_delete(struct rt_table *table, const struct rt_addr *ip);
/* Remove every record whose user is exactly user. Returns the number
 * removed, or -1 (ENAMETOOLONG: longer than RT_USER_MAX, so no record can
 * hold it). */
int rt_table_delete_user(struct rt_table *table, const char *user);

/* Scan callback: return 0 to go on, anything else to stop the scan (which
 * then returns that value). */
typedef int rt_scan_fn(const struct rt_record *rec, void *context);

struct rt_scan_stats {
	uint64_t live;		/* records passed to the callback */
	uint64_t expired;	/* records deleted because last_seen < expire_before */
	uint64_t busy;		/* slots skipped because a writer held them */
	uint64_t future;	/* records stamped beyond now + RT_FUTURE_SLACK */
};

/* Visit every record, each read consistently, in slot order - except in
 * slots whose hint is empty, which no writer leaves holding a record (it
 * sets the hint first); a hint someone cleared hides its record, denying a
 * grant, until the repair pass (which reads every slot) restores it.
 * With now != 0, a record stamped beyond now + RT_FUTURE_SLACK is not
 * visited (counted in future). With expire_before != 0 (needs RT_OPEN_RDWR),
 * a record whose last_seen is before it, or in the future, is deleted
 * instead of visited - by a lock try only, never waiting: a record busy at
 * that instant is skipped and expires on the next scan. The same IP may
 * rarely appear twice (two concurrent first logins); callers merge. Returns
 * 0 (or the callback's stop value), -1 on error (EIO: the file shrank).
 * stats_r may be NULL. */
int rt_table_scan(struct rt_table *table, uint32_t now, uint32_t expire_before,
		  rt_scan_fn *fn, void *context, struct rt_scan_stats *stats_r);

/* Change notification, for the compiler. Inserts of a new IP and deletes set
 * a change flag in the table and wake processes waiting for it.
 * rt_table_change_begin() clears the flag; call it before a scan. Then
 * rt_table_change_wait() sleeps until the flag is set again (returns 1 at
 * once if it already was), or timeout_ms passes (returns 0), or a signal
 * arrives (returns -1, errno EINTR). A change published after
 * rt_table_change_begin() is never missed. */
void rt_table_change_begin(struct rt_table *table);
int rt_table_change_wait(struct rt_table *table, int timeout_ms);
/* Raise the change flag and wake the waiters, as an insert does (nothing on
 * a read-only table). Async-signal-safe - atomics and one futex call - so a
 * compiler's signal handler can end its own wait: a signal that lands just
 * before rt_table_change_wait() would otherwise not interrupt it. */
void rt_table_change_notify(struct rt_table *table);

/* The grace stored in the header: the compiler stores its configured grace
 * here, and writers use it only to tell expired records from live ones when
 * they must evict (fair eviction, the eviction counters). Any group member can change it, so no decision about relay
 * is taken on it: readers use their own configured grace. */
uint32_t rt_table_grace(struct rt_table *table);
int rt_table_set_grace(struct rt_table *table, uint32_t grace);

/* The owner's repair pass (relaytab watch runs it every second; needs
 * RT_OPEN_RDWR), over count slots from *cursor (0: all), wrapping, and
 * advancing *cursor, so that a big table is repaired a share at a time:
 * releases the lock of an owner that is dead, or alive but without a
 * writable shared mapping of that slot (forged: it cannot be in the middle
 * of an update there; known only where /proc/<pid>/maps is readable, i.e.
 * as root - a read-only reader such as serve, or a windowed plugin process
 * whose windows are elsewhere, holds no lock); clears records no honest
 * writer publishes (bad state, length, service, times or user set);
 * repairs stale hints. Each owner named is looked up once per call. A lock
 * of a live process that may be writing the slot is never touched. 0, or
 * -1. */
struct rt_repair_stats {
	uint64_t slots;		/* slots visited */
	uint64_t owners;	/* distinct lock owners looked up */
	uint64_t locks_dead;	/* locks of dead owners released */
	uint64_t locks_foreign;	/* locks named for a process not mapping it */
	uint64_t records;	/* invalid records cleared */
	uint64_t hints;		/* stale hints repaired */
};
int rt_table_repair(struct rt_table *table, uint64_t *cursor, uint64_t count,
		    struct rt_repair_stats *stats_r);

/* Undo damage done in place to the file a handle has open: write back the
 * fixed header bytes validated at open (and zero the rest of [0, 256)),
 * and the file's size if it shrank or grew - the same inode, so every
 * process's handle becomes current again (those whose mapping the shrink
 * broke reopen it). Slots lost to a shrink come back empty. Needs
 * RT_OPEN_RDWR. Returns 0, or -1 with err. */
int rt_table_restore(struct rt_table *table, struct rt_err *err);

/* The file size of a table of 2^cap_log2 slots, and the inverse: the
 * cap_log2 (RT_CAP_LOG2_MIN..MAX) whose file has this size, or 0. */
uint64_t rt_table_file_size(unsigned cap_log2);
unsigned rt_table_cap_log2_of_size(uint64_t size);

/* Fair eviction. A principal - a user, or an IPv6 /64 - holding RT_FAIR_CAP
 * or more live records may not evict another principal's live record to
 * make room for its login: it may still use free slots, expired records and
 * its own (if none is left the login is not recorded: ENOSPC, counted
 * "full"). rt_table_fair_update() - run by the table's owner, relaytab
 * watch - counts the live records of every principal at now with grace
 * and publishes in the header the principals at or over cap - the
 * RT_OVERCAP_LIST largest, if there are more; *over_r is how many there
 * are. Returns 0 or -1. It counts what honest logins do: a group member
 * writing the file directly can delete any record anyway (inherent). */
#define RT_FAIR_CAP 64
#define RT_OVERCAP_LIST 64	/* principals the header can list */
int rt_table_fair_update(struct rt_table *table, uint32_t now, uint32_t grace,
			 unsigned cap, unsigned *over_r);

/* Counters and geometry, for "relaytab stats". */
enum rt_counter {
	RT_CNT_INSERT,		/* new IPs inserted */
	RT_CNT_EVICT_EXPIRED,	/* expired records evicted to make room */
	RT_CNT_EVICT_LIVE,	/* live records evicted (table too small!) */
	RT_CNT_BUSY,		/* upserts given up: contended */
	RT_CNT_MERGED,		/* logins handed to a busy slot's holder */
	RT_CNT_OWNER_DEAD,	/* locks recovered from a dead holder */
	RT_CNT_HINT_FIX,	/* stale fingerprint hints repaired */
	RT_CNT_DELETE,		/* records deleted (del, expiry) */
	RT_CNT_EXPIRE,		/* records expired by the compiler */
	RT_CNT_REPAIR,		/* invalid records and forged locks cleared */
	RT_CNT_REBUILD,		/* header or size restored after damage */
	RT_CNT_FULL,		/* logins not recorded: over the fair-eviction
				   cap, and no slot but others' live records */
	RT_CNT_COUNT
};
const char *rt_counter_name(enum rt_counter c);
/* One counter's current value, without a scan (lock-free, read-only is
 * fine). RT_CNT_INSERT grows with every new IP: a reader caching something
 * derived from the set of IPs rebuilds it when this moves. */
uint64_t rt_table_counter(struct rt_table *table, enum rt_counter c);
/* Add one to a counter (RT_OPEN_RDWR; a no-op otherwise). */
void rt_table_count(struct rt_table *table, enum rt_counter c);

struct rt_stats {
	unsigned version_major, version_minor;
	uint64_t capacity;	/* slots */
	uint64_t file_size;	/* bytes */
	uint32_t slot_size;	/* bytes per slot */
	uint32_t created;	/* unix time */
	uint32_t grace;		/* the grace live was counted with */
	uint64_t used;		/* slots holding a record (live or expired) */
	uint64_t live;		/* records seen within the grace */
	uint64_t busy;		/* slots busy during the count */
	uint64_t future;	/* records stamped beyond now + RT_FUTURE_SLACK */
	uint64_t by_users[RT_USERS_MAX + 1]; /* live records by their
				   rt_record_users() (by_users[0] unused) */
	uint64_t counters[RT_CNT_COUNT];
};
/* Count used/live records (a scan, live meaning within grace at now) and
 * copy the counters. */
int rt_table_stats(struct rt_table *table, uint32_t now, uint32_t grace,
		   struct rt_stats *stats_r);

/* Test hook: when set, called by writers at numbered protocol steps
 * (lock taken, hint set, copy written, before publish, after publish...),
 * so the fault-injection test can SIGKILL a writer at each of them.
 * NULL (the default) costs one predictable branch. */
extern void (*rt_table_test_step_hook)(int step);

#endif
