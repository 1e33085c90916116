/*
 * Fuzz target: the XML subset of S3 responses: parsed and walked as the
 * client walks a ListObjectsV2 reply (keys, sizes, LastModified times), and
 * read as an <Error> document.
 */
#include "fuzz.h"
#include "storage/s3_internal.h"
#include "util/error.h"

static void walk_list_reply(const ll_s3_xml *doc)
{
	for (int32_t c = ll_s3_xml_child(doc, 0, "Contents"); c >= 0; c = ll_s3_xml_next(doc, c)) {
		ll_s3_xml_child_text(doc, c, "Key");
		ll_s3_xml_child_text(doc, c, "Size");
		ll_s3_xml_child_time_ms(doc, c, "LastModified", 0);
	}
	ll_s3_xml_child_text(doc, 0, "NextContinuationToken");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	ll_error err = { 0 };
	ll_s3_xml doc;
	if (ll_s3_xml_parse(&doc, text, size, &err) == LL_OK)
		walk_list_reply(&doc);
	ll_s3_xml_free(&doc);
	char code[64], message[256];
	ll_s3_xml_error(text, size, code, sizeof(code), message, sizeof(message));
	return 0;
}
