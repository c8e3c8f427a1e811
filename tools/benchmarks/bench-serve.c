/* bench-serve.c - figures for live lookups: "relaytab serve" answering
 * socketmap requests over its unix socket, lookups/s and latency p50/p99
 * with 1 and 100 concurrent connections; and, for comparison, the same
 * lookups in the compiled cdb (tinycdb, in process, as Postfix's cdb:
 * table does them). The table holds 10,000 live IPv4 records; half the
 * requests hit, half miss.
 * Usage: bench-serve RELAYTAB DIR   (tools/bench runs it) */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"
#include "compile.h"
#include "netstring.h"
#include "table.h"

#define LIVE 10000
#define PER_CONN_1 100000	/* requests on the single connection */
#define PER_CONN_100 2000	/* requests on each of 100 connections */

static char sock_path[256];

static void key_of(uint32_t i, char *buf, size_t size)
{
	/* even i: a recorded address, odd i: a miss */
	snprintf(buf, size, "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
}

struct client {
	uint32_t n, seed;
	double *lat;		/* n latencies, seconds */
	uint32_t hits, errors;
};

static void *client_run(void *arg)
{
	struct client *c = arg;
	union {
		struct sockaddr sa;
		struct sockaddr_un un;
	} addr = { .un = { .sun_family = AF_UNIX } };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memcpy(addr.un.sun_path, sock_path, strlen(sock_path) + 1);
	if (fd < 0 || connect(fd, &addr.sa, sizeof(addr.un)) != 0) {
		c->errors = c->n;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (uint32_t i = 0; i < c->n; i++) {
		char key[32], req[64], frame[80], reply[256];
		uint32_t k = (c->seed + i * 7919u) % (2 * LIVE);
		size_t len, got = 0;
		const char *p;
		size_t plen, used;
		double t0;

		key_of(k, key, sizeof(key));
		len = (size_t)snprintf(req, sizeof(req), "relay %s", key);
		len = rt_netstring_encode(frame, sizeof(frame), req, len);
		t0 = now_s();
		if (write(fd, frame, len) != (ssize_t)len) {
			c->errors++;
			break;
		}
		for (;;) {
			ssize_t r = read(fd, reply + got, sizeof(reply) - got);

			if (r <= 0) {
				c->errors++;
				goto out;
			}
			got += (size_t)r;
			if (rt_netstring_decode(reply, got, sizeof(reply), &p, &plen, &used) == 1)
				break;
		}
		c->lat[i] = now_s() - t0;
		if (plen >= 2 && memcmp(p, "OK", 2) == 0)
			c->hits++;
		if ((k % 2 == 0) != (plen >= 2 && memcmp(p, "OK", 2) == 0))
			c->errors++;	/* a wrong answer */
	}
out:
	close(fd);
	return NULL;
}

static void run_clients(int nconn, uint32_t per)
{
	pthread_t th[100];
	struct client cl[100];
	double *all = malloc(sizeof(double) * (size_t)nconn * per), t0, el;
	uint32_t errors = 0;
	size_t n = 0;

	for (int i = 0; i < nconn; i++) {
		cl[i] = (struct client){ per, (uint32_t)i * 104729u, all + (size_t)i * per, 0, 0 };
		pthread_create(&th[i], NULL, client_run, &cl[i]);
	}
	t0 = now_s();
	for (int i = 0; i < nconn; i++)
		pthread_join(th[i], NULL);
	el = now_s() - t0;
	for (int i = 0; i < nconn; i++)
		errors += cl[i].errors;
	n = (size_t)nconn * per;
	qsort(all, n, sizeof(*all), cmp_double);
	printf("serve, unix socket, %3d connection%s: %8.0f lookups/s, latency p50 %5.1f us, "
	       "p99 %6.1f us (%zu lookups, %u errors)\n", nconn, nconn == 1 ? " " : "s",
	       (double)n / el, all[n / 2] * 1e6, all[n * 99 / 100] * 1e6, n, errors);
	free(all);
}

static void bench_cdb(const char *path)
{
	struct cdb c;
	int fd = open(path, O_RDONLY);
	uint32_t n = 2000000, hits = 0;
	double t0, el;

	if (fd < 0 || cdb_init(&c, fd) != 0) {
		fprintf(stderr, "bench-serve: cannot open %s\n", path);
		return;
	}
	t0 = now_s();
	for (uint32_t i = 0; i < n; i++) {
		char key[32];

		key_of(i % (2 * LIVE), key, sizeof(key));
		if (cdb_find(&c, key, (unsigned)strlen(key)) > 0)
			hits++;
	}
	el = now_s() - t0;
	printf("compiled cdb, in process (as Postfix cdb:): %8.0f lookups/s, %.2f us each (%u of %u hit)\n",
	       n / el, el / n * 1e6, hits, n);
	cdb_free(&c);
	close(fd);
}

int main(int argc, char **argv)
{
	struct rt_create_opts o = { 15, 0600, (gid_t)-1, 1800, true };
	char table[256], cdbname[256], cdbpath[300];
	struct rt_compile_conf conf;
	struct rt_compile_report rep;
	struct rt_table *t;
	struct rt_err err;
	uint32_t now = rt_time_stamp();
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-serve RELAYTAB DIR\n");
		return 64;
	}
	snprintf(table, sizeof(table), "%s/bench-serve.table", argv[2]);
	snprintf(sock_path, sizeof(sock_path), "%s/bench-serve.sock", argv[2]);
	snprintf(cdbname, sizeof(cdbname), "%s/bench-serve", argv[2]);
	if (rt_table_create(table, &o, &err) != 0 ||
	    rt_table_open(table, RT_OPEN_RDWR, &t, &err) != 0) {
		fprintf(stderr, "bench-serve: %s\n", err.msg);
		return 1;
	}
	for (uint32_t i = 0; i < 2 * LIVE; i += 2) {
		struct rt_addr a;
		char key[32];

		key_of(i, key, sizeof(key));
		rt_addr_parse(key, &a);
		rt_table_upsert(t, &a, "user", RT_SVC_IMAP, now, RT_UPSERT_LOGIN);
	}
	rt_compile_conf_init(&conf);
	rt_compile_conf_set(&conf, "postfix-cdb", cdbname, &err);
	rt_compile_conf_finish(&conf, &err);
	if (rt_compile_run(t, &conf, now, NULL, NULL, &rep, &err) != 0)
		fprintf(stderr, "bench-serve: compile: %s\n", err.msg);
	rt_compile_conf_free(&conf);
	rt_table_close(&t);

	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		execl(argv[1], argv[1], "--table", table, "serve", "--config", "/dev/null",
		      "--socket", sock_path, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		struct stat st;

		if (stat(sock_path, &st) == 0)
			break;
		usleep(10000);
	}
	printf("live lookups - %d live records, half the requests hit\n", LIVE);
	run_clients(1, PER_CONN_1);
	run_clients(100, PER_CONN_100);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	snprintf(cdbpath, sizeof(cdbpath), "%s.cdb", cdbname);
	bench_cdb(cdbpath);
	unlink(table);
	unlink(cdbpath);
	return 0;
}
