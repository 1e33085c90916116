/*
 * libmicrohttpd's API as `lakeload serve` uses it, opening libmicrohttpd on
 * the first call (see lazy_lib.h for why). Every function forwards to the
 * library's own; without the library, each fails as the library does for
 * lack of resources (no daemon, no response, MHD_NO).
 *
 * A function serve starts to call must be added to MHD_FUNCTIONS and defined
 * below; the link fails until it is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "lazy/lazy_lib.h"

#define MHD_FUNCTIONS(X)                                                                     \
	X(MHD_start_daemon_va) X(MHD_stop_daemon) X(MHD_get_daemon_info)                     \
	X(MHD_lookup_connection_value) X(MHD_create_response_from_buffer)                    \
	X(MHD_add_response_header) X(MHD_queue_response) X(MHD_destroy_response)

#define AS_INDEX(name) I_##name,
#define AS_NAME(name) #name,
enum { MHD_FUNCTIONS(AS_INDEX) NFUNCTIONS };
static const char *const names[] = { MHD_FUNCTIONS(AS_NAME) NULL };
static void *functions[NFUNCTIONS];
static ll_lazy_lib libmhd = LL_LAZY_LIB_INIT(LL_MHD_SONAME, names, functions);

/* The library's function name, typed as its prototype in microhttpd.h. */
#define REAL(name) ((__typeof__(&name))functions[I_##name])
#define LOADED() ll_lazy_lib_load(&libmhd)

/* The options after dh_cls go to the library's va_list form of this call. */
struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
				    MHD_AcceptPolicyCallback apc, void *apc_cls,
				    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	if (!LOADED())
		return NULL;
	va_list ap;
	va_start(ap, dh_cls);
	struct MHD_Daemon *d = REAL(MHD_start_daemon_va)(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

void MHD_stop_daemon(struct MHD_Daemon *daemon)
{
	if (LOADED())
		REAL(MHD_stop_daemon)(daemon);
}

/* No information type serve asks for takes an argument after info_type. */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *daemon,
						enum MHD_DaemonInfoType info_type, ...)
{
	return LOADED() ? REAL(MHD_get_daemon_info)(daemon, info_type) : NULL;
}

const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
					const char *key)
{
	return LOADED() ? REAL(MHD_lookup_connection_value)(connection, kind, key) : NULL;
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
						     enum MHD_ResponseMemoryMode mode)
{
	return LOADED() ? REAL(MHD_create_response_from_buffer)(size, buffer, mode) : NULL;
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *response, const char *header,
					const char *content)
{
	return LOADED() ? REAL(MHD_add_response_header)(response, header, content) : MHD_NO;
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
				   struct MHD_Response *response)
{
	return LOADED() ? REAL(MHD_queue_response)(connection, status_code, response) : MHD_NO;
}

void MHD_destroy_response(struct MHD_Response *response)
{
	if (LOADED())
		REAL(MHD_destroy_response)(response);
}
