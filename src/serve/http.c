/*
 * The HTTP side of lakeload serve: a libmicrohttpd daemon on one thread
 * (requests are handled one at a time; queries run on their own threads),
 * bound to the host and port asked for (port 0: a free one, printed).
 *
 * Every request is a POST of a JSON document with X-Amz-Target
 * AWSGlue.<Action> or AmazonAthena.<Action>. Its signature is checked
 * before anything else; the reply is JSON with Content-Type
 * application/x-amz-json-1.1, and a failure is AWS's error shape with the
 * code also in x-amzn-ErrorType, as botocore and the JS SDK read it.
 * With --ui, GET / and /ui/... are the web view's instead (ui.c).
 * SIGINT and SIGTERM stop the server: the daemon closes, running queries
 * are cancelled and joined.
 */
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "serve/serve_internal.h"
#include "util/error.h"

#define MAX_BODY (16u << 20)

typedef struct conn_state {
	ll_buf body;
	bool too_large;
} conn_state;

void serve_error(serve_reply *r, unsigned status, const char *type, const char *fmt, ...)
{
	char message[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	json_decref(r->body);
	r->status = status;
	r->body = json_pack("{s:s,s:s}", "__type", type, "message", message);
}

void serve_ok(serve_reply *r, json_t *body)
{
	json_decref(r->body);
	r->status = body ? 200 : 500;
	r->body = body ? body
		       : json_pack("{s:s,s:s}", "__type", "InternalServerException", "message",
				   "out of memory");
}

const char *serve_str(const json_t *req, const char *name)
{
	return json_string_value(json_object_get(req, name));
}

static const char *get_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static void dispatch(ll_serve *s, struct MHD_Connection *conn, const char *url, const char *method,
		     conn_state *cs, serve_reply *r)
{
	/* a body cut short cannot match its signature: say what is wrong with it instead */
	if (cs->too_large) {
		serve_error(r, 413, "SerializationException", "request body over %u bytes", MAX_BODY);
		return;
	}
	serve_request req = { method, url, get_header, conn, cs->body.data, cs->body.len };
	if (!serve_verify_signature(s, &req, r))
		return;
	const char *target = get_header(conn, "X-Amz-Target");
	const char *dot = target ? strchr(target, '.') : NULL;
	if (strcmp(method, "POST") != 0 || !dot) {
		serve_error(r, 400, "UnknownOperationException",
			    "lakeload serve takes POST requests with X-Amz-Target AWSGlue.<Action> "
			    "or AmazonAthena.<Action>");
		return;
	}
	json_error_t jerr;
	json_t *body = cs->body.len ? json_loadb(cs->body.data, cs->body.len, 0, &jerr) : json_object();
	if (!json_is_object(body)) {
		serve_error(r, 400, "SerializationException", "the request body is not a JSON object");
	} else if ((size_t)(dot - target) == strlen("AWSGlue") && strncmp(target, "AWSGlue", 7) == 0) {
		serve_glue_dispatch(s, dot + 1, body, r);
	} else if ((size_t)(dot - target) == strlen("AmazonAthena") &&
		   strncmp(target, "AmazonAthena", 12) == 0) {
		serve_athena_dispatch(s, dot + 1, body, r);
	} else {
		serve_error(r, 400, "UnknownOperationException", "unknown service in X-Amz-Target %s",
			    target);
	}
	json_decref(body);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, serve_reply *r)
{
	static unsigned long long seq;
	char *text = r->body ? json_dumps(r->body, JSON_COMPACT) : NULL;
	struct MHD_Response *resp = text
		? MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE)
		: NULL;
	if (!resp) {
		free(text);
		json_decref(r->body);
		return MHD_NO;
	}
	char id[64];
	snprintf(id, sizeof(id), "00000000-0000-4000-8000-%012llx", ++seq);
	MHD_add_response_header(resp, "Content-Type", "application/x-amz-json-1.1");
	MHD_add_response_header(resp, "x-amzn-RequestId", id);
	const char *type = r->status != 200 ? serve_str(r->body, "__type") : NULL;
	if (type)
		MHD_add_response_header(resp, "x-amzn-ErrorType", type);
	enum MHD_Result ret = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	json_decref(r->body);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	(void)version;
	conn_state *cs = *con_cls;
	if (!cs) {
		cs = calloc(1, sizeof(*cs));
		*con_cls = cs;
		return cs ? MHD_YES : MHD_NO;
	}
	if (*upload_size) {
		if (cs->body.len + *upload_size > MAX_BODY)
			cs->too_large = true;
		else
			ll_buf_append(&cs->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	ll_serve *s = cls;
	if (s->ui && serve_ui_wants(url, method))
		return (enum MHD_Result)serve_ui_handle(s, conn, url, method);
	serve_reply r = { 0, NULL };
	dispatch(cls, conn, url, method, cs, &r);
	return send_reply(conn, &r);
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode code)
{
	(void)cls;
	(void)conn;
	(void)code;
	conn_state *cs = *con_cls;
	if (cs) {
		ll_buf_free(&cs->body);
		free(cs);
	}
	*con_cls = NULL;
}

/* The address to bind: host (a name or a numeric address) and port. */
static ll_status resolve(const char *host, int port, struct sockaddr_storage *addr, ll_error *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE };
	struct addrinfo *res = NULL;
	char service[16];
	snprintf(service, sizeof(service), "%d", port);
	int rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0 || !res)
		return ll_error_set(err, LL_EINVAL, "cannot bind to host %s: %s", host,
				    gai_strerror(rc));
	memcpy(addr, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return LL_OK;
}

ll_status serve_run(ll_serve *s, ll_error *err)
{
	struct sockaddr_storage addr;
	memset(&addr, 0, sizeof(addr));
	ll_status st = resolve(s->host, s->port, &addr, err);
	if (st != LL_OK)
		return st;
	/* the daemon's thread and the query threads inherit this mask: only sigwait sees them */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)s->port, NULL, NULL, handle, s,
						MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
						MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
						MHD_OPTION_END);
	if (!d)
		return ll_error_set(err, LL_EIO, "cannot listen on %s port %d (in use, or not an "
						 "address of this machine?)", s->host, s->port);
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	int port = info ? info->port : s->port;
	bool v6 = addr.ss_family == AF_INET6;
	printf("lakeload serve: listening on http://%s%s%s:%d (lake %s)\n", v6 ? "[" : "", s->host,
	       v6 ? "]" : "", port, s->lake);
	fflush(stdout);
	int sig = 0;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	serve_queries_free(s);
	fprintf(stderr, "lakeload serve: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	return LL_OK;
}
