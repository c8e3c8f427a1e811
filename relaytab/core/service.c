/* service.c - names of the login services stored in each record. */
#include "service.h"

#include <string.h>

static const char *const service_names[RT_SVC_COUNT] = {
	[RT_SVC_OTHER] = "other",
	[RT_SVC_IMAP] = "imap",
	[RT_SVC_POP3] = "pop3",
	[RT_SVC_SUBMISSION] = "submission",
	[RT_SVC_MANAGESIEVE] = "managesieve",
	[RT_SVC_MANUAL] = "manual",
};

const char *rt_service_name(enum rt_service svc)
{
	if ((unsigned)svc >= RT_SVC_COUNT)
		return service_names[RT_SVC_OTHER];
	return service_names[svc];
}

enum rt_service rt_service_from_name(const char *name)
{
	if (name == NULL)
		return RT_SVC_OTHER;
	for (unsigned i = 0; i < RT_SVC_COUNT; i++) {
		if (strcmp(name, service_names[i]) == 0)
			return (enum rt_service)i;
	}
	return RT_SVC_OTHER;
}
