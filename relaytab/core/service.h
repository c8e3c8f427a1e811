/* service.h - the service a login came through, as each record stores it. */
#ifndef RELAYTAB_SERVICE_H
#define RELAYTAB_SERVICE_H

enum rt_service {
	RT_SVC_OTHER = 0,
	RT_SVC_IMAP = 1,
	RT_SVC_POP3 = 2,
	RT_SVC_SUBMISSION = 3,
	RT_SVC_MANAGESIEVE = 4,
	RT_SVC_MANUAL = 5,	/* "relaytab add" */
};
#define RT_SVC_COUNT 6

/* "imap", "pop3", "submission", "managesieve", "manual", "other". */
const char *rt_service_name(enum rt_service svc);
/* Map a name (case-sensitive, as above) to its code; unknown names give
 * RT_SVC_OTHER. */
enum rt_service rt_service_from_name(const char *name);

#endif
