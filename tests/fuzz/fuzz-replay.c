/* fuzz-replay.c - run a libFuzzer target (LLVMFuzzerTestOneInput) over the
 * files of corpus directories, without libFuzzer, for make check.
 *
 * Usage: fuzz-replay DIR...   Each regular file is fed to the target in a
 * child process; one TAP line per file ("ok N - DIR/NAME"), "not ok" if the
 * child crashed or exited non-zero. A missing or empty directory is a
 * failure, so a lost corpus cannot pass silently. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Largest corpus file replayed. */
#define REPLAY_MAX_FILE (1024 * 1024)

static int tests_run, tests_failed;

static void result(int ok, const char *path, const char *why)
{
	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%sok %d - %s%s%s\n", ok ? "" : "not ", tests_run, path,
	       why[0] != '\0' ? " # " : "", why);
	fflush(stdout);
}

static int run_one(const char *path)
{
	static uint8_t buf[REPLAY_MAX_FILE];
	ssize_t got;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 2;
	while (len < sizeof(buf) &&
	       (got = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return 2;
		}
		len += (size_t)got;
	}
	close(fd);
	/* Give the target its own copy of exactly len bytes, so that ASan
	 * sees any read past the end. */
	{
		uint8_t *copy = malloc(len > 0 ? len : 1);

		if (copy == NULL)
			return 2;
		memcpy(copy, buf, len);
		LLVMFuzzerTestOneInput(copy, len);
		free(copy);
	}
	return 0;
}

static void replay_file(const char *path)
{
	int status;
	pid_t pid;
	char why[64] = "";

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		result(0, path, "fork failed");
		return;
	}
	if (pid == 0)
		_exit(run_one(path));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			result(0, path, "waitpid failed");
			return;
		}
	}
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "killed by signal %d",
			 WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		snprintf(why, sizeof(why), "exit status %d",
			 WEXITSTATUS(status));
	result(why[0] == '\0', path, why);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t count = 0, alloc = 0;

	if (d == NULL) {
		result(0, dir, "cannot open corpus directory");
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (count == alloc) {
			char **more;

			alloc = alloc ? alloc * 2 : 64;
			more = realloc(names, alloc * sizeof(*names));
			if (more == NULL)
				break;
			names = more;
		}
		names[count] = strdup(de->d_name);
		if (names[count] != NULL)
			count++;
	}
	closedir(d);
	if (count == 0)
		result(0, dir, "empty corpus directory");
	qsort(names, count, sizeof(*names), cmp_names);
	for (size_t i = 0; i < count; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(path);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		replay_dir(argv[i]);
	printf("1..%d\n", tests_run);
	return tests_failed == 0 ? 0 : 1;
}
