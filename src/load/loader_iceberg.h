/*
 * The Iceberg half of loading a package: every table of the package whose
 * root is an Iceberg table is committed as one snapshot of its own (see
 * iceberg/load.h), before the catalog transaction that records the load, so
 * the load's _dlt_loads row never appears before its data.
 *
 * Order matters for a merge: the child tables of a merged root commit first
 * (removing the children of the root rows the merge will remove), then the
 * root. Each commit is tagged with the load id, so running an interrupted
 * package again skips the tables already committed and completes the rest.
 */
#ifndef LL_LOAD_LOADER_ICEBERG_H
#define LL_LOAD_LOADER_ICEBERG_H

#include "catalog/catalog.h"
#include "load/package.h"
#include "schema/schema.h"
#include "storage/storage.h"

/** True when the package's job table is written as Iceberg (its root is). */
bool ll_loader_is_iceberg(const ll_schema *schema, const char *table);

/** Commits the package's Iceberg tables; *rows and *files count what they add. */
ll_status ll_loader_load_iceberg(ll_catalog *catalog, ll_storage *storage,
				 const char *package_dir, const ll_package_manifest *m,
				 const ll_schema *schema, ll_error *err);

#endif
