/*
 * libcurl's API as lakeload uses it, opening libcurl on the first call (see
 * lazy_lib.h for why). Every function forwards to libcurl's own; without
 * libcurl, each fails as for lack of memory or with CURLE_FAILED_INIT, so
 * callers report an HTTP request that could not start.
 *
 * A function lakeload starts to call must be added to CURL_FUNCTIONS and
 * defined below; the link fails until it is.
 */
/* curl_url_get's handle became const in later libcurl: this file declares its own. */
#define curl_url_get curl_url_get_as_declared_by_curl_h
#include <curl/curl.h>
#undef curl_url_get
#include <stdarg.h>

CURLUcode curl_url_get(CURLU *url, CURLUPart part, char **out, unsigned int flags);

#include "lazy/lazy_lib.h"

#define CURL_FUNCTIONS(X)                                                                      \
	X(curl_global_init) X(curl_global_cleanup) X(curl_free) X(curl_easy_init)               \
	X(curl_easy_cleanup) X(curl_easy_reset) X(curl_easy_setopt) X(curl_easy_getinfo)       \
	X(curl_easy_perform) X(curl_easy_strerror) X(curl_slist_append) X(curl_slist_free_all) \
	X(curl_multi_init) X(curl_multi_cleanup) X(curl_multi_add_handle)                      \
	X(curl_multi_remove_handle) X(curl_multi_perform) X(curl_multi_poll)                   \
	X(curl_multi_info_read) X(curl_url) X(curl_url_cleanup) X(curl_url_get) X(curl_url_set)

#define AS_INDEX(name) I_##name,
#define AS_NAME(name) #name,
enum { CURL_FUNCTIONS(AS_INDEX) NFUNCTIONS };
static const char *const names[] = { CURL_FUNCTIONS(AS_NAME) NULL };
static void *functions[NFUNCTIONS];
static ll_lazy_lib libcurl = LL_LAZY_LIB_INIT(LL_CURL_SONAME, names, functions);

/* libcurl's function name, typed as its prototype in curl.h. */
#define REAL(name) ((__typeof__(&name))functions[I_##name])
#define LOADED() ll_lazy_lib_load(&libcurl)

CURLcode curl_global_init(long flags)
{
	return LOADED() ? REAL(curl_global_init)(flags) : CURLE_FAILED_INIT;
}

void curl_global_cleanup(void)
{
	if (LOADED())
		REAL(curl_global_cleanup)();
}

void curl_free(void *p)
{
	if (LOADED())
		REAL(curl_free)(p);
}

CURL *curl_easy_init(void)
{
	return LOADED() ? REAL(curl_easy_init)() : NULL;
}

void curl_easy_cleanup(CURL *curl)
{
	if (LOADED())
		REAL(curl_easy_cleanup)(curl);
}

void curl_easy_reset(CURL *curl)
{
	if (LOADED())
		REAL(curl_easy_reset)(curl);
}

/* The option's number says its argument's type, as libcurl reads it. */
CURLcode (curl_easy_setopt)(CURL *curl, CURLoption option, ...)
{
	if (!LOADED())
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, option);
	CURLcode rc;
	switch ((int)option - (int)option % 10000) {
	case CURLOPTTYPE_LONG:
		rc = REAL(curl_easy_setopt)(curl, option, va_arg(ap, long));
		break;
	case CURLOPTTYPE_OBJECTPOINT:
	case CURLOPTTYPE_BLOB:
		rc = REAL(curl_easy_setopt)(curl, option, va_arg(ap, void *));
		break;
	case CURLOPTTYPE_FUNCTIONPOINT:
		rc = REAL(curl_easy_setopt)(curl, option, va_arg(ap, void (*)(void)));
		break;
	case CURLOPTTYPE_OFF_T:
		rc = REAL(curl_easy_setopt)(curl, option, va_arg(ap, curl_off_t));
		break;
	default:
		rc = CURLE_UNKNOWN_OPTION;
	}
	va_end(ap);
	return rc;
}

/* Every CURLINFO takes a pointer to where its value goes. */
CURLcode (curl_easy_getinfo)(CURL *curl, CURLINFO info, ...)
{
	if (!LOADED())
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, info);
	CURLcode rc = REAL(curl_easy_getinfo)(curl, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode curl_easy_perform(CURL *curl)
{
	return LOADED() ? REAL(curl_easy_perform)(curl) : CURLE_FAILED_INIT;
}

const char *curl_easy_strerror(CURLcode code)
{
	return LOADED() ? REAL(curl_easy_strerror)(code) : "libcurl could not be loaded";
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
	return LOADED() ? REAL(curl_slist_append)(list, data) : NULL;
}

void curl_slist_free_all(struct curl_slist *list)
{
	if (LOADED())
		REAL(curl_slist_free_all)(list);
}

CURLM *curl_multi_init(void)
{
	return LOADED() ? REAL(curl_multi_init)() : NULL;
}

CURLMcode curl_multi_cleanup(CURLM *multi)
{
	return LOADED() ? REAL(curl_multi_cleanup)(multi) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_add_handle(CURLM *multi, CURL *curl)
{
	return LOADED() ? REAL(curl_multi_add_handle)(multi, curl) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *curl)
{
	return LOADED() ? REAL(curl_multi_remove_handle)(multi, curl) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_perform(CURLM *multi, int *running)
{
	return LOADED() ? REAL(curl_multi_perform)(multi, running) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_poll(CURLM *multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds,
			  int timeout_ms, int *ret)
{
	return LOADED() ? REAL(curl_multi_poll)(multi, extra_fds, extra_nfds, timeout_ms, ret)
			: CURLM_INTERNAL_ERROR;
}

CURLMsg *curl_multi_info_read(CURLM *multi, int *msgs_in_queue)
{
	return LOADED() ? REAL(curl_multi_info_read)(multi, msgs_in_queue) : NULL;
}

CURLU *curl_url(void)
{
	return LOADED() ? REAL(curl_url)() : NULL;
}

void curl_url_cleanup(CURLU *url)
{
	if (LOADED())
		REAL(curl_url_cleanup)(url);
}

CURLUcode curl_url_get(CURLU *url, CURLUPart part, char **out, unsigned int flags)
{
	return LOADED() ? REAL(curl_url_get)(url, part, out, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_set(CURLU *url, CURLUPart part, const char *content, unsigned int flags)
{
	return LOADED() ? REAL(curl_url_set)(url, part, content, flags) : CURLUE_OUT_OF_MEMORY;
}
